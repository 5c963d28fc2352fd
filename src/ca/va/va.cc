#include "ca/va/va.h"

#include <algorithm>
#include <future>
#include <string_view>

#include "acme/challenge_types.h"

namespace signet::va {

LocalValidationAuthority::LocalValidationAuthority(dns::Resolver& resolver, LocalVaConfig config)
    : http01_(resolver, config.http01),
      dns01_(resolver),
      tlsalpn01_(resolver, config.tlsalpn01),
      dnspersist01_(resolver, config.caa.ca_identities),
      caa_(resolver, config.caa),
      timeout_(config.timeout) {}

Deadline LocalValidationAuthority::Bound(Deadline deadline) const {
  return std::min(deadline, std::chrono::steady_clock::now() + timeout_);
}

ValidationResult LocalValidationAuthority::Http01(const ValidationRequest& r, Deadline deadline) {
  Http01Outcome o = http01_.Validate(r.identifier_value, r.token, r.key_authorization, deadline);
  return {o.status, o.records};
}

ValidationResult LocalValidationAuthority::Dns01(const ValidationRequest& r, Deadline deadline) {
  return {dns01_.Validate(r.identifier_value, r.key_authorization, deadline), {}};
}

ValidationResult LocalValidationAuthority::TlsAlpn01(const ValidationRequest& r,
                                                     Deadline deadline) {
  TlsAlpn01Outcome o = tlsalpn01_.Validate(r.identifier_value, r.key_authorization, deadline);
  return {o.status, {o.record}};
}

ValidationResult LocalValidationAuthority::DnsAccount01(const ValidationRequest& r,
                                                        Deadline deadline) {
  return {dns01_.ValidateAccountScoped(r.identifier_value, r.account_url, r.key_authorization,
                                       deadline),
          {}};
}

ValidationResult LocalValidationAuthority::DnsPersist01(const ValidationRequest& r,
                                                        Deadline deadline) {
  if (r.identifier_type != "dns")
    return {Error(ErrorCode::kMalformed, "dns-persist-01 validates DNS names only"), {}};
  return {dnspersist01_.Validate(r.identifier_value, r.wildcard, r.account_url,
                                 std::chrono::system_clock::now(), deadline),
          {}};
}

ValidationResult LocalValidationAuthority::ValidateChallenge(const ValidationRequest& r,
                                                             Deadline deadline) {
  using Method = ValidationResult (LocalValidationAuthority::*)(const ValidationRequest&, Deadline);
  // Every type of acme/challenge_types.h has its row (va_test checks).
  static constexpr std::pair<std::string_view, Method> kMethods[] = {
      {acme::kHttp01, &LocalValidationAuthority::Http01},
      {acme::kDns01, &LocalValidationAuthority::Dns01},
      {acme::kTlsAlpn01, &LocalValidationAuthority::TlsAlpn01},
      {acme::kDnsAccount01, &LocalValidationAuthority::DnsAccount01},
      {acme::kDnsPersist01, &LocalValidationAuthority::DnsPersist01},
  };
  for (const auto& [type, method] : kMethods)
    if (r.challenge_type == type) return (this->*method)(r, deadline);
  return {Error(ErrorCode::kMalformed, "unknown challenge type " + r.challenge_type), {}};
}

ValidationResult LocalValidationAuthority::Validate(const ValidationRequest& r) {
  const Deadline deadline = Bound(r.deadline);
  // CAA runs beside the challenge, within the same deadline: its tree climb
  // does not wait for the challenge's lookups and fetches. Its outcome
  // counts only when the challenge succeeds.
  std::future<Status> caa = std::async(std::launch::async, [this, &r, deadline] {
    return caa_.Check(r.identifier_value, r.wildcard, r.account_url, r.challenge_type, deadline);
  });
  ValidationResult result = ValidateChallenge(r, deadline);
  Status caa_status = caa.get();
  if (result.status.ok()) result.status = std::move(caa_status);
  return result;
}

Status LocalValidationAuthority::DoCheckCaa(const std::string& name, bool wildcard,
                                            const std::string& account_url,
                                            const std::string& method, Deadline deadline) {
  return caa_.Check(name, wildcard, account_url, method, Bound(deadline));
}

}  // namespace signet::va
