#include "bench/acme_messages.h"

#include <boost/json/serialize.hpp>

#include "base/base64url.h"
#include "crypto/digest.h"
#include "jose/jwk.h"
#include "jose/jws.h"

namespace signet::bench {
namespace json = boost::json;

Result<BenchAccount> NewBenchAccount() {
  SIGNET_ASSIGN_OR_RETURN(crypto::Key key, crypto::Key::Generate(crypto::KeyType::kEcP256));
  BenchAccount a;
  a.jwk = jose::PublicJwk(key);
  a.thumbprint = jose::Thumbprint(key);
  a.key = std::move(key);
  return a;
}

Result<std::string> SignRequest(const BenchAccount& account, std::string_view nonce,
                                std::string_view url, std::string_view payload) {
  json::object header;
  header["nonce"] = nonce;
  header["url"] = url;
  if (account.kid.empty())
    header["jwk"] = account.jwk;
  else
    header["kid"] = account.kid;
  return jose::Sign(account.key, std::move(header), payload);
}

std::string NewAccountPayload() { return R"({"termsOfServiceAgreed":true})"; }

std::string NewOrderPayload(const std::vector<std::string>& names) {
  json::array ids;
  for (const auto& n : names) ids.push_back(json::object{{"type", "dns"}, {"value", n}});
  return json::serialize(json::object{{"identifiers", std::move(ids)}});
}

std::string FinalizePayload(std::string_view csr_der) {
  return json::serialize(json::object{{"csr", Base64UrlEncode(csr_der)}});
}

std::string KeyAuthorization(std::string_view token, std::string_view thumbprint) {
  std::string out(token);
  out += '.';
  out += thumbprint;
  return out;
}

std::string OrderName(int64_t order_index, int name_index, std::string_view tag) {
  std::string out = "o" + std::to_string(order_index);
  if (name_index > 0) out += "n" + std::to_string(name_index);
  out += "-";
  out += tag;
  out += ".bench.test";
  return out;
}

std::string RandomTag(int chars) {
  std::string hex = crypto::HexEncode(crypto::RandomBytes(size_t(chars + 1) / 2));
  hex.resize(size_t(chars));
  return hex;
}

}  // namespace signet::bench
