#include "jose/jws_hmac.h"

#include <boost/json/serialize.hpp>

#include "base/base64url.h"
#include "crypto/hmac.h"

namespace signet::jose {
namespace {

struct MacInfo {
  MacAlg alg;
  std::string_view name;
  const EVP_MD* (*digest)();
};

constexpr MacInfo kMacs[] = {
    {MacAlg::kHS256, "HS256", EVP_sha256},
    {MacAlg::kHS384, "HS384", EVP_sha384},
    {MacAlg::kHS512, "HS512", EVP_sha512},
};

const MacInfo& InfoFor(MacAlg alg) {
  for (const MacInfo& info : kMacs) {
    if (info.alg == alg) return info;
  }
  return kMacs[0];  // unreachable: every MacAlg is in the table
}

}  // namespace

std::optional<MacAlg> ParseMacAlg(std::string_view name) {
  for (const MacInfo& info : kMacs) {
    if (info.name == name) return info.alg;
  }
  return std::nullopt;
}

std::string_view MacAlgName(MacAlg alg) { return InfoFor(alg).name; }

Status VerifyMac(const ParsedJws& jws, std::string_view key) {
  std::optional<MacAlg> alg = ParseMacAlg(jws.alg);
  if (!alg)
    return Error(ErrorCode::kMalformed,
                 "JWS algorithm \"" + jws.alg + "\" is not a MAC; use HS256, HS384 or HS512");
  const std::string input = jws.protected_b64 + "." + jws.payload_b64;
  SIGNET_ASSIGN_OR_RETURN(std::string mac, crypto::Hmac(InfoFor(*alg).digest(), key, input));
  if (!crypto::ConstantTimeEquals(mac, jws.signature))
    return Error(ErrorCode::kUnauthorized, "JWS MAC is invalid");
  return OkStatus();
}

Result<std::string> SignMac(MacAlg alg, std::string_view key, boost::json::object protected_header,
                            std::string_view payload) {
  const MacInfo& info = InfoFor(alg);
  protected_header["alg"] = boost::json::string(info.name);
  const std::string protected_b64 = Base64UrlEncode(boost::json::serialize(protected_header));
  const std::string payload_b64 = Base64UrlEncode(payload);
  SIGNET_ASSIGN_OR_RETURN(std::string mac,
                          crypto::Hmac(info.digest(), key, protected_b64 + "." + payload_b64));
  boost::json::object out;
  out["protected"] = protected_b64;
  out["payload"] = payload_b64;
  out["signature"] = Base64UrlEncode(mac);
  return boost::json::serialize(out);
}

}  // namespace signet::jose
