#include "ca/ra/admin.h"

#include <cctype>
#include <cstdio>
#include <ctime>

#include "ca/ra/revocation.h"

namespace signet::ca {

Result<std::string> NormalizeSerial(std::string_view text) {
  if (text.starts_with("serial=")) text.remove_prefix(7);
  std::string hex;
  for (char c : text) {
    if (c == ':') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c)))
      return Error(ErrorCode::kMalformed, "serial \"" + std::string(text) + "\" is not hex");
    hex.push_back(char(std::tolower(static_cast<unsigned char>(c))));
  }
  if (hex.empty()) return Error(ErrorCode::kMalformed, "empty serial");
  size_t first = hex.find_first_not_of('0');
  return first == std::string::npos ? std::string("0") : hex.substr(first);
}

Status AdminRevoke(storage::Store& store, std::string_view serial, int reason,
                   const std::string& explanation_url) {
  if (reason != 0 && reason != 1 && reason != 3 && reason != 4 && reason != 5 && reason != 9)
    return Error(ErrorCode::kBadRevocationReason,
                 "revocation reason " + std::to_string(reason) +
                     " is not accepted; use 0, 1, 3, 4, 5 or 9 (privilegeWithdrawn)");
  SIGNET_ASSIGN_OR_RETURN(std::string hex, NormalizeSerial(serial));
  SIGNET_ASSIGN_OR_RETURN(auto record, store.GetCertificate(hex));
  if (!record) return Error(ErrorCode::kNotFound, "no certificate with serial " + hex);
  if (!explanation_url.empty()) {
    SIGNET_ASSIGN_OR_RETURN(
        bool found, store.SetRenewalWindow(hex, std::nullopt, std::nullopt, explanation_url));
    (void)found;  // it exists: GetCertificate found it
  }
  return RecordRevocation(store, *record, reason, reason == 1, acme::Clock::now());
}

Status AdminSetRenewalWindow(storage::Store& store, const std::vector<std::string>& serials,
                             acme::TimePoint start, acme::TimePoint end,
                             const std::string& explanation_url) {
  if (end <= start) return Error(ErrorCode::kMalformed, "the window must end after it starts");
  if (serials.empty()) return Error(ErrorCode::kMalformed, "no serials given");
  std::vector<std::string> normalized, unknown;
  for (const auto& s : serials) {
    SIGNET_ASSIGN_OR_RETURN(std::string hex, NormalizeSerial(s));
    SIGNET_ASSIGN_OR_RETURN(auto record, store.GetCertificate(hex));
    if (!record) unknown.push_back(hex);
    normalized.push_back(std::move(hex));
  }
  if (!unknown.empty()) {
    std::string list;
    for (const auto& u : unknown) list += (list.empty() ? "" : ", ") + u;
    return Error(ErrorCode::kNotFound, "no certificate with serial " + list);
  }
  for (const auto& hex : normalized) {
    SIGNET_ASSIGN_OR_RETURN(bool found, store.SetRenewalWindow(hex, start, end, explanation_url));
    if (!found) return Error(ErrorCode::kNotFound, "no certificate with serial " + hex);
  }
  return OkStatus();
}

Result<acme::TimePoint> ParseRfc3339(std::string_view text) {
  std::string s(text);
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
                  &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6 ||
      consumed != 19)
    return Error(ErrorCode::kMalformed, "\"" + s + "\" is not an RFC 3339 date-time");
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  }
  long offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i + 6 == s.size() && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
    int hh = 0, mm = 0;
    if (std::sscanf(s.c_str() + i + 1, "%2d:%2d", &hh, &mm) != 2)
      return Error(ErrorCode::kMalformed, "\"" + s + "\" has a bad UTC offset");
    offset = (s[i] == '+' ? 1 : -1) * (hh * 3600L + mm * 60L);
    i += 6;
  } else {
    return Error(ErrorCode::kMalformed, "\"" + s + "\" lacks a UTC offset (\"Z\" or \"+hh:mm\")");
  }
  if (i != s.size())
    return Error(ErrorCode::kMalformed, "\"" + s + "\" is not an RFC 3339 date-time");
  if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
      tm.tm_min > 59 || tm.tm_sec > 60)
    return Error(ErrorCode::kMalformed, "\"" + s + "\" is out of range");
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  std::time_t t = timegm(&tm) - offset;
  return acme::Clock::from_time_t(t);
}

}  // namespace signet::ca
