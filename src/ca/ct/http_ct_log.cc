#include <boost/json.hpp>

#include "base/fuzz_record.h"
#include "base/base64url.h"
#include "ca/ct/ct_log.h"
#include "http/client.h"

namespace signet::ca::ct {
namespace json = boost::json;

Result<pki::Sct> SctFromJson(std::string_view body) {
  RecordFuzzInput("ct_response_fuzz", body);
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return Error(ErrorCode::kMalformed, "log answer is not JSON");
  const json::object& o = v.get_object();
  auto text = [&](std::string_view k) -> Result<std::string> {
    const json::value* f = o.if_contains(k);
    if (!f || !f->is_string())
      return Error(ErrorCode::kMalformed, "log answer has no \"" + std::string(k) + "\"");
    auto bytes = Base64Decode(f->get_string());
    if (!bytes.ok())
      return Error(ErrorCode::kMalformed, "log answer's \"" + std::string(k) + "\" is not base64");
    return bytes;
  };
  const json::value* version = o.if_contains("sct_version");
  const json::value* timestamp = o.if_contains("timestamp");
  if (!version || !version->is_int64() || version->get_int64() != 0)
    return Error(ErrorCode::kMalformed, "log answer's sct_version is not v1 (0)");
  if (!timestamp || !(timestamp->is_int64() || timestamp->is_uint64()))
    return Error(ErrorCode::kMalformed, "log answer has no numeric timestamp");
  pki::Sct sct;
  sct.timestamp_ms = timestamp->is_uint64() ? timestamp->get_uint64()
                                            : uint64_t(timestamp->get_int64());
  SIGNET_ASSIGN_OR_RETURN(sct.log_id, text("id"));
  if (sct.log_id.size() != 32)
    return Error(ErrorCode::kMalformed, "log answer's id is not 32 bytes");
  if (o.if_contains("extensions")) {
    SIGNET_ASSIGN_OR_RETURN(sct.extensions, text("extensions"));
  }
  // digitally-signed: hash(1) signature(1) opaque signature<0..2^16-1>.
  SIGNET_ASSIGN_OR_RETURN(std::string signed_part, text("signature"));
  if (signed_part.size() < 4 ||
      size_t((uint8_t(signed_part[2]) << 8) | uint8_t(signed_part[3])) != signed_part.size() - 4)
    return Error(ErrorCode::kMalformed, "log answer's signature is malformed");
  sct.hash_algorithm = uint8_t(signed_part[0]);
  sct.signature_algorithm = uint8_t(signed_part[1]);
  sct.signature = signed_part.substr(4);
  return sct;
}

Result<pki::Sct> HttpCtLog::Submit(bool precert, const std::vector<std::string>& chain_der,
                                   std::chrono::milliseconds timeout) {
  json::array chain;
  for (const std::string& der : chain_der) chain.emplace_back(Base64Encode(der));
  http::ClientConfig c;
  c.ca_file = config_.ca_file;
  c.timeout = timeout;
  c.user_agent = "signetd-ct";
  c.max_body_bytes = 64 << 10;
  http::Client client(c);
  const std::string url = config_.url + (precert ? "ct/v1/add-pre-chain" : "ct/v1/add-chain");
  auto res = client.Send("POST", url, {{"Content-Type", "application/json"}},
                         json::serialize(json::object{{"chain", std::move(chain)}}));
  if (!res.ok()) return Error(ErrorCode::kConnection, res.error().detail);
  if (res->status != 200)
    return Error(ErrorCode::kConnection, url + " answered HTTP " + std::to_string(res->status) +
                                             ": " + res->body.substr(0, 200));
  return SctFromJson(res->body);
}

}  // namespace signet::ca::ct
