#include "ca/va/remote/remote_va_client.h"

#include <algorithm>
#include <chrono>

#include <boost/json.hpp>

#include "ca/va/remote/wire.h"

namespace signet::va::remote {
namespace json = boost::json;

Result<json::object> RemoteValidationAuthority::Call(const std::string& path,
                                                     const json::object& body,
                                                     Deadline deadline) {
  using std::chrono::milliseconds;
  http::ClientConfig c;
  c.ca_file = config_.ca_file;
  c.client_cert_pem = config_.client_cert_pem;
  c.client_key_pem = config_.client_key_pem;
  c.timeout = config_.timeout;
  if (deadline != kNoDeadline) {
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= milliseconds(0)) {
      return Error(ErrorCode::kConnection, "remote perspective " + config_.url +
                                               " not asked: the validation deadline had passed");
    }
    c.timeout = std::min(c.timeout, std::chrono::ceil<milliseconds>(left));
  }
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
  json::object answer = std::move(v.get_object());
  SIGNET_RETURN_IF_ERROR(CheckRir(answer));
  return answer;
}

std::string RemoteValidationAuthority::rir() const { return declared_.rir(); }

Status RemoteValidationAuthority::CheckRir(const json::object& answer) {
  SIGNET_ASSIGN_OR_RETURN(std::string rir, DeclaredRir(answer, config_.url));
  return declared_.Record(rir, config_.url);
}

Status RemoteValidationAuthority::Probe(Deadline deadline) {
  auto answer = Call("/va/info", json::object{}, deadline);
  if (!answer.ok()) return std::move(answer).error();
  return OkStatus();
}

ValidationResult RemoteValidationAuthority::Validate(const ValidationRequest& request) {
  auto answer = Call("/va/validate", RequestToJson(request), request.deadline);
  if (!answer.ok()) return {std::move(answer).error(), {}};
  auto result = ResultFromJson(*answer);
  if (!result.ok()) return {std::move(result).error(), {}};
  return std::move(*result);
}

Status RemoteValidationAuthority::DoCheckCaa(const std::string& name, bool wildcard,
                                             const std::string& account_url,
                                             const std::string& method, Deadline deadline) {
  json::object body{{"name", name}, {"wildcard", wildcard}, {"account_url", account_url},
                    {"method", method}};
  if (std::optional<int64_t> budget = RemoteBudgetMs(deadline)) body["timeout_ms"] = *budget;
  auto answer = Call("/va/caa", body, deadline);
  if (!answer.ok()) return std::move(answer).error();
  return StatusFromJson(*answer);
}

}  // namespace signet::va::remote
