#include "ca/va/dns01.h"

#include "ca/va/detail_text.h"

#include <algorithm>
#include <cctype>

#include "acme/dns_account_label.h"
#include "base/base64url.h"
#include "crypto/digest.h"

namespace signet::va {

std::string DnsValidationBase(std::string domain) {
  std::transform(domain.begin(), domain.end(), domain.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (domain.starts_with("*.")) domain.erase(0, 2);
  if (!domain.empty() && domain.back() == '.') domain.pop_back();
  return domain;
}

std::string Dns01TxtValue(const std::string& key_authorization) {
  return Base64UrlEncode(crypto::Sha256(key_authorization));
}

std::string AccountScopedLabel(const std::string& account_url) {
  return acme::AccountScopedLabel(account_url);
}

Status Dns01Validator::Validate(const std::string& domain,
                                const std::string& key_authorization,
                                dns::Deadline deadline) const {
  return CheckTxt("_acme-challenge." + DnsValidationBase(domain), key_authorization, deadline);
}

Status Dns01Validator::ValidateAccountScoped(const std::string& domain,
                                             const std::string& account_url,
                                             const std::string& key_authorization,
                                             dns::Deadline deadline) const {
  return CheckTxt(AccountScopedLabel(account_url) + "._acme-challenge." + DnsValidationBase(domain),
                  key_authorization, deadline);
}

Status Dns01Validator::CheckTxt(const std::string& name,
                                const std::string& key_authorization,
                                dns::Deadline deadline) const {
  SIGNET_ASSIGN_OR_RETURN(dns::TxtAnswer answer, resolver_.LookupTxt(name, deadline));
  if (answer.records.empty()) {
    return Error(ErrorCode::kUnauthorized, "No TXT record found at " + name);
  }
  const std::string expected = Dns01TxtValue(key_authorization);
  if (std::find(answer.records.begin(), answer.records.end(), expected) !=
      answer.records.end()) {
    return OkStatus();
  }
  std::string more;
  if (answer.records.size() > 1) {
    more = " (and " + std::to_string(answer.records.size() - 1) + " more)";
  }
  return Error(ErrorCode::kIncorrectResponse,
               "Incorrect TXT record " + QuoteForDetail(answer.records.front()) + more + " found at " + name);
}

}  // namespace signet::va
