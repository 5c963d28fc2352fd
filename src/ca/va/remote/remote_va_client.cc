#include "ca/va/remote/remote_va_client.h"

#include <boost/json.hpp>

#include "ca/va/remote/wire.h"

namespace signet::va::remote {
namespace json = boost::json;

Result<json::object> RemoteValidationAuthority::Call(const std::string& path,
                                                     const json::object& body) {
  http::ClientConfig c;
  c.ca_file = config_.ca_file;
  c.client_cert_pem = config_.client_cert_pem;
  c.client_key_pem = config_.client_key_pem;
  c.timeout = config_.timeout;
  c.user_agent = "signetd-primary-va";
  http::Client client(c);
  auto res = client.Send("POST", config_.url + path, {{"Content-Type", "application/json"}},
                         json::serialize(body));
  if (!res.ok())
    return Error(ErrorCode::kConnection,
                 "remote perspective " + config_.url + " unreachable: " + res.error().detail);
  boost::system::error_code ec;
  json::value v = json::parse(res->body, ec);
  if (ec || !v.is_object() || res->status != 200)
    return Error(ErrorCode::kServerInternal, "remote perspective " + config_.url +
                                                 " answered HTTP " + std::to_string(res->status));
  return std::move(v.get_object());
}

ValidationResult RemoteValidationAuthority::Validate(const ValidationRequest& request) {
  auto answer = Call("/va/validate", RequestToJson(request));
  if (!answer.ok()) return {std::move(answer).error(), {}};
  auto result = ResultFromJson(*answer);
  if (!result.ok()) return {std::move(result).error(), {}};
  return std::move(*result);
}

Status RemoteValidationAuthority::CheckCaa(const std::string& name, bool wildcard,
                                           const std::string& account_url,
                                           const std::string& method) {
  auto answer = Call("/va/caa", json::object{{"name", name}, {"wildcard", wildcard},
                                             {"account_url", account_url}, {"method", method}});
  if (!answer.ok()) return std::move(answer).error();
  return StatusFromJson(*answer);
}

}  // namespace signet::va::remote
