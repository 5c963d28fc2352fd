#include "ca/va/va.h"

#include <algorithm>

namespace signet::va {

LocalValidationAuthority::LocalValidationAuthority(dns::Resolver& resolver, LocalVaConfig config)
    : http01_(resolver, config.http01),
      dns01_(resolver),
      tlsalpn01_(resolver, config.tlsalpn01),
      caa_(resolver, config.caa),
      timeout_(config.timeout) {}

Deadline LocalValidationAuthority::Bound(Deadline deadline) const {
  return std::min(deadline, std::chrono::steady_clock::now() + timeout_);
}

ValidationResult LocalValidationAuthority::ValidateChallenge(const ValidationRequest& r,
                                                             Deadline deadline) {
  if (r.challenge_type == "http-01") {
    Http01Outcome o = http01_.Validate(r.identifier_value, r.token, r.key_authorization, deadline);
    return {o.status, o.records};
  }
  if (r.challenge_type == "dns-01")
    return {dns01_.Validate(r.identifier_value, r.key_authorization, deadline), {}};
  if (r.challenge_type == "dns-account-01")
    return {dns01_.ValidateAccountScoped(r.identifier_value, r.account_url, r.key_authorization,
                                         deadline),
            {}};
  if (r.challenge_type == "tls-alpn-01") {
    TlsAlpn01Outcome o = tlsalpn01_.Validate(r.identifier_value, r.key_authorization, deadline);
    return {o.status, {o.record}};
  }
  return {Error(ErrorCode::kMalformed, "unknown challenge type " + r.challenge_type), {}};
}

ValidationResult LocalValidationAuthority::Validate(const ValidationRequest& r) {
  const Deadline deadline = Bound(r.deadline);
  ValidationResult result = ValidateChallenge(r, deadline);
  if (!result.status.ok()) return result;
  // CAA shares the validation's deadline: a slow challenge leaves it less.
  result.status = caa_.Check(r.identifier_value, r.wildcard, r.account_url, r.challenge_type,
                             deadline);
  return result;
}

Status LocalValidationAuthority::DoCheckCaa(const std::string& name, bool wildcard,
                                            const std::string& account_url,
                                            const std::string& method, Deadline deadline) {
  return caa_.Check(name, wildcard, account_url, method, Bound(deadline));
}

}  // namespace signet::va
