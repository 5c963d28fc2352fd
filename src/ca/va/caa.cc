// CaaChecker: the tree climb and the property judgement of RFC 8659 3-4
// and RFC 8657 3-4. Issue-value syntax is in caa_value.cc.
#include "ca/va/caa.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <chrono>

#include "base/fuzz_record.h"
#include "ca/va/caa_value.h"

namespace signet::va {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool IsIpAddress(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

// Property tags this CA understands (RFC 8659 4.2-4.4, and the CA/B Forum's
// issuemail/issuevmc, which do not concern TLS certificates).
bool IsKnownTag(const std::string& tag) {
  return tag == "issue" || tag == "issuewild" || tag == "iodef" || tag == "issuemail" ||
         tag == "issuevmc" || tag == "contactemail" || tag == "contactphone";
}

// `flags tag "value"`, the presentation form of a record, for details.
std::string Describe(const dns::CaaRecord& r) {
  std::string value;
  for (unsigned char c : r.value) {
    if (c == '"' || c == '\\') value += '\\';
    if (c < 0x20 || c >= 0x7f) {
      value += "\\" + std::to_string(c);
      continue;
    }
    value += static_cast<char>(c);
  }
  return std::to_string(r.flags) + " " + r.tag + " \"" + value + "\"";
}

bool ListContains(const std::string& comma_list, const std::string& item) {
  size_t start = 0;
  for (;;) {
    const size_t comma = comma_list.find(',', start);
    if (comma_list.compare(start, comma == std::string::npos ? std::string::npos : comma - start,
                           item) == 0) {
      return true;
    }
    if (comma == std::string::npos) return false;
    start = comma + 1;
  }
}

// Why property `r` does not authorize this request, or "" if it does.
std::string Refusal(const dns::CaaRecord& r, const CaaConfig& config,
                    const std::string& account_uri, const std::string& method) {
  const std::string what = Describe(r);
  Result<IssueValue> value = ParseIssueValue(r.value);
  if (!value.ok()) return what + " is malformed (" + value.error().detail + ")";
  if (value->issuer.empty()) return what + " forbids issuance by any CA";
  const bool ours = std::any_of(config.ca_identities.begin(), config.ca_identities.end(),
                                [&](const std::string& id) {
                                  std::string mine = Lower(id);
                                  if (!mine.empty() && mine.back() == '.') mine.pop_back();
                                  return mine == value->issuer;
                                });
  if (!ours) return what + " authorizes another CA (" + value->issuer + ")";
  if (auto uri = value->Parameter("accounturi"); uri && *uri != account_uri) {
    return what + " authorizes only account " + *uri + ", not " + account_uri;
  }
  if (auto methods = value->Parameter("validationmethods");
      methods && !ListContains(*methods, method)) {
    return what + " authorizes only validation methods " + *methods + ", not " + method;
  }
  return "";
}

// A duration as seconds for a detail, to the nearest tenth: "2", "1.5".
std::string Seconds(std::chrono::steady_clock::duration d) {
  const long long ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  const long long tenths = (std::max(0LL, ms) + 50) / 100;
  std::string out = std::to_string(tenths / 10);
  if (tenths % 10 != 0) out += "." + std::to_string(tenths % 10);
  return out;
}

// Where the climb stands, from the answers in so far (one per name, from
// the name itself up to its TLD).
struct ClimbOutcome {
  bool settled = false;  // Nothing still outstanding can change the outcome.
  // The first answer that is not an empty RRset: records (relevant) or an
  // error (fails closed); answers.size() if all are empty. Unsettled: the
  // first name still without an answer.
  size_t at = 0;
};

ClimbOutcome Judge(const dns::CaaAnswers& answers) {
  for (size_t i = 0; i < answers.size(); ++i) {
    if (!answers[i]) return {false, i};
    if (!answers[i]->ok() || !(*answers[i])->records.empty()) return {true, i};
  }
  return {true, answers.size()};
}

}  // namespace

std::string FrameCaaRecordsForFuzzing(const std::vector<dns::CaaRecord>& records) {
  std::string out(1, '\0');  // Mode 0: a name, not a wildcard, for http-01.
  for (const dns::CaaRecord& r : records) {
    const size_t size = 2 + r.tag.size() + r.value.size();
    if (r.tag.size() > 255 || size > 0xffff) continue;
    out += static_cast<char>(size >> 8);
    out += static_cast<char>(size & 0xff);
    out += static_cast<char>(r.flags);
    out += static_cast<char>(r.tag.size());
    out += r.tag + r.value;
  }
  return out;
}

CaaChecker::CaaChecker(dns::Resolver& resolver, CaaConfig config)
    : resolver_(resolver), config_(std::move(config)) {}

Status CaaChecker::Check(const std::string& domain_in, bool wildcard,
                         const std::string& account_uri,
                         const std::string& validation_method, dns::Deadline deadline) const {
  const auto start = std::chrono::steady_clock::now();
  std::string domain = Lower(domain_in);
  if (domain.starts_with("*.")) {
    domain.erase(0, 2);
    wildcard = true;
  }
  if (!domain.empty() && domain.back() == '.') domain.pop_back();
  if (IsIpAddress(domain)) return OkStatus();

  // RFC 8659 3: the name and each parent up to the TLD (never the root),
  // all asked at once; the first non-empty RRset from the name upwards is
  // the relevant one, known as soon as every closer name has answered empty.
  std::vector<std::string> names;
  for (std::string name = domain; !name.empty();) {
    names.push_back(name);
    const size_t dot = name.find('.');
    name = dot == std::string::npos ? "" : name.substr(dot + 1);
  }
  const dns::CaaAnswers answers = resolver_.LookupCaaAll(
      names, deadline, [](const dns::CaaAnswers& so_far) { return Judge(so_far).settled; });
  const ClimbOutcome climb = Judge(answers);
  const bool found = climb.at < names.size();
  if (!climb.settled || (found && !answers[climb.at]->ok())) {
    // Past the deadline, the resolver answers "query timed out" at once.
    Error error = climb.settled ? answers[climb.at]->error()
                                : dns::QueryTimedOut("CAA", names[climb.at]);
    error.detail = "While processing CAA for " + domain + ": " + error.detail;
    if (std::chrono::steady_clock::now() >= deadline) {
      error.detail += " (CAA lookup for " + domain + " did not finish within " +
                      Seconds(deadline - start) + " s)";
    }
    return error;
  }
  std::vector<dns::CaaRecord> relevant;
  std::string found_at;
  if (found) {
    relevant = (*answers[climb.at])->records;
    found_at = names[climb.at];
  }
  if (relevant.empty()) return OkStatus();
  if (!FuzzRecordDir().empty()) RecordFuzzInput("caa_fuzz", FrameCaaRecordsForFuzzing(relevant));

  const std::string prefix = "CAA record for " + found_at + " prevents issuance: ";
  std::vector<dns::CaaRecord> issue, issuewild;
  for (dns::CaaRecord& r : relevant) {
    r.tag = Lower(r.tag);
    if (r.tag == "issue") issue.push_back(r);
    if (r.tag == "issuewild") issuewild.push_back(r);
    if ((r.flags & 0x80) != 0 && !IsKnownTag(r.tag)) {
      return Error(ErrorCode::kCaa, prefix + Describe(r) + " has the critical flag and an "
                                             "unknown tag \"" + r.tag + "\"");
    }
  }
  const std::vector<dns::CaaRecord>& chosen = wildcard && !issuewild.empty() ? issuewild : issue;
  if (chosen.empty()) return OkStatus();
  std::string reasons;
  for (const dns::CaaRecord& r : chosen) {
    std::string why = Refusal(r, config_, account_uri, validation_method);
    if (why.empty()) return OkStatus();
    reasons += (reasons.empty() ? "" : "; ") + why;
  }
  return Error(ErrorCode::kCaa, prefix + reasons);
}

}  // namespace signet::va
