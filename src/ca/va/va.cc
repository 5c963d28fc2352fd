#include "ca/va/va.h"

namespace signet::va {

LocalValidationAuthority::LocalValidationAuthority(dns::Resolver& resolver, LocalVaConfig config)
    : http01_(resolver, config.http01),
      dns01_(resolver),
      tlsalpn01_(resolver, config.tlsalpn01),
      caa_(resolver, config.caa) {}

ValidationResult LocalValidationAuthority::ValidateChallenge(const ValidationRequest& r) {
  if (r.challenge_type == "http-01") {
    Http01Outcome o = http01_.Validate(r.identifier_value, r.token, r.key_authorization);
    return {o.status, o.records};
  }
  if (r.challenge_type == "dns-01")
    return {dns01_.Validate(r.identifier_value, r.key_authorization), {}};
  if (r.challenge_type == "dns-account-01")
    return {dns01_.ValidateAccountScoped(r.identifier_value, r.account_url, r.key_authorization),
            {}};
  if (r.challenge_type == "tls-alpn-01") {
    TlsAlpn01Outcome o = tlsalpn01_.Validate(r.identifier_value, r.key_authorization);
    return {o.status, {o.record}};
  }
  return {Error(ErrorCode::kMalformed, "unknown challenge type " + r.challenge_type), {}};
}

ValidationResult LocalValidationAuthority::Validate(const ValidationRequest& r) {
  ValidationResult result = ValidateChallenge(r);
  if (!result.status.ok()) return result;
  result.status = CheckCaa(r.identifier_value, r.wildcard, r.account_url, r.challenge_type);
  return result;
}

Status LocalValidationAuthority::CheckCaa(const std::string& name, bool wildcard,
                                          const std::string& account_url,
                                          const std::string& method) {
  return caa_.Check(name, wildcard, account_url, method);
}

}  // namespace signet::va
