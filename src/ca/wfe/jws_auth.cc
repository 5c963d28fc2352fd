#include "ca/wfe/jws_auth.h"

#include <boost/json.hpp>

#include "jose/jwk.h"

namespace signet::ca {
namespace {

Status CheckContentType(const http::Request& request) {
  std::string_view ct = request.Header("Content-Type");
  size_t semi = ct.find(';');
  if (semi != std::string_view::npos) ct = ct.substr(0, semi);
  while (!ct.empty() && ct.back() == ' ') ct.remove_suffix(1);
  if (!http::EqualsIgnoreCase(ct, "application/jose+json"))
    return Error(ErrorCode::kUnsupportedMediaType,
                 "Invalid Content-Type header: expected application/jose+json");
  return OkStatus();
}

Status CheckAlgorithm(const jose::ParsedJws& jws) {
  if (!jose::ParseAlg(jws.alg)) {
    std::string list;
    for (const auto& a : jose::SupportedAlgs()) list += (list.empty() ? "" : " ") + a;
    return Error(ErrorCode::kBadSignatureAlgorithm,
                 "JWS signature algorithm \"" + jws.alg + "\" is not supported; use one of: " + list);
  }
  return OkStatus();
}

Status CheckNonce(NonceService& nonces, const jose::ParsedJws& jws) {
  if (jws.nonce.empty())
    return Error(ErrorCode::kBadNonce, "JWS has no anti-replay nonce");
  SIGNET_ASSIGN_OR_RETURN(bool fresh, nonces.Redeem(jws.nonce));
  if (!fresh)
    return Error(ErrorCode::kBadNonce, "JWS has an invalid anti-replay nonce: \"" + jws.nonce + "\"");
  return OkStatus();
}

Status CheckUrl(const jose::ParsedJws& jws, const std::string& expected) {
  if (jws.header.if_contains("url") == nullptr)
    return Error(ErrorCode::kMalformed, "JWS header parameter 'url' required");
  if (jws.url != expected)
    return Error(ErrorCode::kUnauthorized, "JWS header parameter 'url' incorrect. Expected \"" +
                                               expected + "\" got \"" + jws.url + "\"");
  return OkStatus();
}

Status CheckKeyMode(const jose::ParsedJws& jws, KeyMode mode) {
  bool has_jwk = jws.jwk.has_value();
  bool has_kid = jws.header.if_contains("kid") != nullptr;
  if (has_jwk == has_kid)
    return Error(ErrorCode::kMalformed, "JWS must contain exactly one of 'jwk' and 'kid'");
  if (mode == KeyMode::kJwk && !has_jwk)
    return Error(ErrorCode::kMalformed, "this request must be signed with an embedded 'jwk'");
  if (mode == KeyMode::kKid && !has_kid)
    return Error(ErrorCode::kMalformed,
                 "this request must be signed by an account key named by 'kid'");
  return OkStatus();
}

}  // namespace

Result<AuthenticatedRequest> JwsAuthenticator::Authenticate(const http::Request& request,
                                                            const std::string& expected_url,
                                                            const std::string& account_prefix,
                                                            KeyMode mode) {
  SIGNET_RETURN_IF_ERROR(CheckContentType(request));
  SIGNET_ASSIGN_OR_RETURN(jose::ParsedJws jws, jose::ParseFlattened(request.body));
  SIGNET_RETURN_IF_ERROR(CheckAlgorithm(jws));
  SIGNET_RETURN_IF_ERROR(CheckNonce(nonces_, jws));
  SIGNET_RETURN_IF_ERROR(CheckUrl(jws, expected_url));
  SIGNET_RETURN_IF_ERROR(CheckKeyMode(jws, mode));

  AuthenticatedRequest out;
  if (jws.jwk) {
    SIGNET_ASSIGN_OR_RETURN(out.key, jose::KeyFromJwk(*jws.jwk));
    out.jwk_json = boost::json::serialize(jose::PublicJwk(out.key));
    out.thumbprint = jose::Thumbprint(out.key);
    SIGNET_RETURN_IF_ERROR(jose::Verify(jws, out.key));
  } else {
    if (jws.kid.rfind(account_prefix, 0) != 0)
      return Error(ErrorCode::kAccountDoesNotExist, "KeyID header \"" + jws.kid +
                                                        "\" is not an account URL of this CA");
    std::string id = jws.kid.substr(account_prefix.size());
    SIGNET_ASSIGN_OR_RETURN(acme::Account account, ra_.GetAccount(id));
    if (account.status != acme::ObjStatus::kValid)
      return Error(ErrorCode::kUnauthorized,
                   "account is " + std::string(acme::StatusName(account.status)));
    if (auto cached = keys_.Find(account.thumbprint)) {
      out.key = std::move(*cached);
    } else {
      boost::system::error_code ec;
      boost::json::value jwk = boost::json::parse(account.jwk_json, ec);
      if (ec || !jwk.is_object())
        return Error(ErrorCode::kServerInternal, "stored account key is corrupt");
      SIGNET_ASSIGN_OR_RETURN(out.key, jose::KeyFromJwk(jwk.get_object()));
      keys_.Insert(account.thumbprint, out.key);
    }
    out.thumbprint = account.thumbprint;
    out.account = std::move(account);
    Status verified = jose::Verify(jws, out.key);
    if (!verified.ok()) {  // often a key the account had before keyChange
      Error e = std::move(verified).error();
      e.detail += " (a request naming an account by \"kid\" must be signed with the account's "
                  "current key)";
      return e;
    }
  }
  out.jws = std::move(jws);
  return out;
}

}  // namespace signet::ca
