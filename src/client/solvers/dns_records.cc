#include "client/solvers/dns_records.h"

#include "acme/dns_account_label.h"
#include "base/base64url.h"
#include "crypto/digest.h"

namespace signet::client {

bool IsDnsChallenge(const std::string& type) {
  return type == "dns-01" || type == "dns-account-01" || type == "dns-persist-01";
}

Result<DnsRecord> DnsRecordFor(const ChallengeSpec& c) {
  if (!IsDnsChallenge(c.type))
    return Error(ErrorCode::kMalformed, c.type + " (for " + c.domain + ") is not a DNS challenge");
  if (c.validation.empty())
    return Error(ErrorCode::kMalformed,
                 c.type + " challenge for " + c.domain + " has no TXT value");
  std::string base = c.domain.rfind("*.", 0) == 0 ? c.domain.substr(2) : c.domain;
  if (c.type == "dns-01") return DnsRecord{"_acme-challenge." + base, c.validation};
  if (c.record_name.empty())
    return Error(ErrorCode::kMalformed,
                 c.type + " challenge for " + c.domain + " has no record name");
  return DnsRecord{c.record_name, c.validation};
}

Result<ChallengeSpec> MakeChallengeSpec(const ChallengeInputs& in) {
  ChallengeSpec spec;
  spec.domain = in.domain;
  spec.type = in.type;
  spec.token = in.token;
  spec.key_authorization = in.key_authorization;
  std::string base = in.domain.rfind("*.", 0) == 0 ? in.domain.substr(2) : in.domain;
  if (!base.empty() && base.back() == '.') base.pop_back();
  if (in.type == "dns-01" || in.type == "dns-account-01") {
    spec.validation = Base64UrlEncode(crypto::Sha256(in.key_authorization));
    if (in.type == "dns-account-01") {
      if (in.account_url.empty())
        return Error(ErrorCode::kMalformed, "dns-account-01 for " + in.domain +
                                                " needs the account URL, which is not known");
      spec.record_name = acme::AccountScopedLabel(in.account_url) + "._acme-challenge." + base;
    }
    return spec;
  }
  if (in.type == "dns-persist-01") {
    if (in.issuer_domain_names.empty())
      return Error(ErrorCode::kMalformed, "the CA's dns-persist-01 challenge for " + in.domain +
                                              " lists no issuer-domain-names");
    if (in.account_url.empty())
      return Error(ErrorCode::kMalformed, "dns-persist-01 for " + in.domain +
                                              " needs the account URL, which is not known");
    std::string issuer = in.issuer_domain_names.front();
    for (char& c : issuer)
      if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    if (!issuer.empty() && issuer.back() == '.') issuer.pop_back();
    spec.record_name = "_validation-persist." + base;
    spec.validation = issuer + "; accounturi=" + in.account_url;
    if (in.wildcard) spec.validation += "; policy=wildcard";
    return spec;
  }
  spec.validation = in.key_authorization;
  return spec;
}

}  // namespace signet::client
