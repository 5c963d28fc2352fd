#include "ca/va/dns_persist01.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>

#include "ca/va/caa_value.h"
#include "ca/va/detail_text.h"
#include "ca/va/dns01.h"

namespace signet::va {
namespace {

std::string Normalized(std::string_view name) {
  while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  std::string out(name);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

// persistUntil: a base-10 integer of UNIX seconds; digits only (no sign).
std::optional<int64_t> UnixSeconds(std::string_view text) {
  if (text.empty() ||
      !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); }))
    return std::nullopt;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string Utc(int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  char buf[32] = "?";
  if (gmtime_r(&t, &tm)) std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Error Malformed(const std::string& why) { return Error(ErrorCode::kMalformed, why); }
Error Unauthorized(const std::string& why) { return Error(ErrorCode::kUnauthorized, why); }

// The first of `errors`, and how many more there were.
Error FirstOf(const std::vector<Error>& errors) {
  Error e = errors.front();
  if (errors.size() > 1) e.detail += " (and " + std::to_string(errors.size() - 1) + " more)";
  return e;
}

}  // namespace

std::vector<std::string> IssuerDomainNames(const std::vector<std::string>& identities) {
  std::vector<std::string> out;
  for (const auto& id : identities) {
    std::string name = Normalized(id);
    if (name.empty() || std::find(out.begin(), out.end(), name) != out.end()) continue;
    out.push_back(std::move(name));
    if (out.size() == kMaxIssuerDomainNames) break;
  }
  return out;
}

Status CheckIssuerDomainNames(const std::vector<std::string>& identities) {
  if (IssuerDomainNames(identities).empty())
    return Malformed("no CAA identity: one is needed (CAA, dns-persist-01 issuer-domain-names)");
  std::vector<std::string> all;
  for (const auto& id : identities) {
    std::string name = Normalized(id);
    if (!name.empty() && std::find(all.begin(), all.end(), name) == all.end()) all.push_back(name);
  }
  if (all.size() > kMaxIssuerDomainNames)
    return Malformed(std::to_string(all.size()) + " CAA identities: at most " +
                     std::to_string(kMaxIssuerDomainNames) +
                     " (dns-persist-01 issuer-domain-names)");
  return OkStatus();
}

std::string PersistRecordIssuer(std::string_view txt) {
  return Normalized(txt.substr(0, txt.find(';')));
}

Result<PersistRecord> ParsePersistRecord(std::string_view txt) {
  // Unknown tags are ignored, even repeated (the draft; as Boulder); a
  // known one given twice makes the record ambiguous.
  SIGNET_ASSIGN_OR_RETURN(IssueValue value, ParseIssueValue(txt, /*refuse_repeats=*/false));
  for (std::string_view tag : {"accounturi", "policy", "persistuntil"})
    if (value.Count(tag) > 1)
      return Malformed("parameter \"" + std::string(tag) + "\" appears twice");
  PersistRecord r;
  r.issuer = value.issuer;
  if (r.issuer.empty()) return Malformed("no issuer-domain-name before the first \";\"");
  std::optional<std::string> account = value.Parameter("accounturi");
  if (!account) return Malformed("no accounturi parameter");
  if (account->empty()) return Malformed("empty accounturi parameter");
  r.account_uri = *account;
  if (std::optional<std::string> policy = value.Parameter("policy"))
    r.wildcard = EqualsIgnoringCase(*policy, "wildcard");
  if (std::optional<std::string> until = value.Parameter("persistuntil")) {
    r.persist_until = UnixSeconds(*until);
    if (!r.persist_until)
      return Malformed("persistUntil=" + QuoteForDetail(*until) +
                       " is not a UNIX time in decimal seconds");
  }
  return r;
}

Status CheckPersistRecord(const PersistRecord& record, std::string_view account_url, bool wildcard,
                          std::chrono::system_clock::time_point now) {
  if (record.account_uri != account_url)
    return Unauthorized("is for account " + QuoteForDetail(record.account_uri) +
                        ", not this account (" + std::string(account_url) + ")");
  if (wildcard && !record.wildcard)
    return Unauthorized("lacks policy=wildcard, which a wildcard identifier needs");
  if (record.persist_until) {
    const int64_t now_s =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    if (now_s > *record.persist_until)
      return Unauthorized("expired: persistUntil=" + std::to_string(*record.persist_until) + " (" +
                          Utc(*record.persist_until) + ") has passed");
  }
  return OkStatus();
}

DnsPersist01Validator::DnsPersist01Validator(dns::Resolver& resolver,
                                             const std::vector<std::string>& identities)
    : resolver_(resolver), issuers_(IssuerDomainNames(identities)) {}

bool DnsPersist01Validator::Ours(const std::string& issuer) const {
  return std::find(issuers_.begin(), issuers_.end(), issuer) != issuers_.end();
}

Status DnsPersist01Validator::Validate(const std::string& domain, bool wildcard,
                                       const std::string& account_url,
                                       std::chrono::system_clock::time_point now,
                                       dns::Deadline deadline) const {
  const std::string name = std::string(kPersistLabel) + "." + DnsValidationBase(domain);
  SIGNET_ASSIGN_OR_RETURN(dns::TxtAnswer answer, resolver_.LookupTxt(name, deadline));
  if (answer.records.empty()) return Unauthorized("No TXT record found at " + name);
  std::vector<Error> malformed, refused;
  for (const std::string& txt : answer.records) {
    if (!Ours(PersistRecordIssuer(txt))) continue;
    const std::string which = "TXT record " + QuoteForDetail(txt) + " at " + name;
    Result<PersistRecord> record = ParsePersistRecord(txt);
    if (!record.ok()) {
      malformed.push_back(Malformed(which + " is malformed: " + record.error().detail));
      continue;
    }
    Status s = CheckPersistRecord(*record, account_url, wildcard, now);
    if (s.ok()) return s;
    refused.push_back(Unauthorized(which + " " + s.error().detail));
  }
  if (!malformed.empty()) return FirstOf(malformed);
  if (!refused.empty()) return FirstOf(refused);
  std::string ours;
  for (const auto& i : issuers_) ours += (ours.empty() ? "" : ", ") + i;
  return Unauthorized("No TXT record at " + name + " names this CA (" + ours + ")");
}

}  // namespace signet::va
