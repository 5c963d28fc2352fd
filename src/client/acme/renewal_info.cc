#include "client/acme/renewal_info.h"

#include <cstdio>
#include <ctime>

#include "base/fuzz_record.h"

namespace signet::client {
namespace json = boost::json;

namespace {

Error Invalid(const std::string& url, const std::string& what) {
  return Error(ErrorCode::kServerInternal,
               "the renewal information at " + url + " is invalid: " + what);
}

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

std::optional<SystemTime> ParseRfc3339Time(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)
  std::tm tm{};
  int year, mon, day, hour, min, sec;
  if (!Digits(s, 0, 4, &year) || s.size() < 20 || s[4] != '-' || !Digits(s, 5, 2, &mon) ||
      s[7] != '-' || !Digits(s, 8, 2, &day) || (s[10] != 'T' && s[10] != 't') ||
      !Digits(s, 11, 2, &hour) || s[13] != ':' || !Digits(s, 14, 2, &min) || s[16] != ':' ||
      !Digits(s, 17, 2, &sec))
    return std::nullopt;
  if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60)
    return std::nullopt;
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start) return std::nullopt;
  }
  long offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!Digits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !Digits(s, pos + 4, 2, &om))
      return std::nullopt;
    offset = (oh * 3600L + om * 60L) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  const std::time_t t = timegm(&tm) - offset;
  // system_clock counts nanoseconds in 64 bits (years 1678 to 2261): a time
  // outside that would overflow (the fuzz target renewal_info_fuzz found it).
  using std::chrono::seconds;
  constexpr auto kMin = std::chrono::duration_cast<seconds>(SystemTime::duration::min()).count();
  constexpr auto kMax = std::chrono::duration_cast<seconds>(SystemTime::duration::max()).count();
  if (t <= kMin || t >= kMax) return std::nullopt;
  return std::chrono::system_clock::from_time_t(t);
}

std::string FormatRfc3339Time(SystemTime t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(t));
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<RenewalInfo> ParseRenewalInfo(const json::object& o, const std::string& url) {
  const json::value* w = o.if_contains("suggestedWindow");
  if (!w || !w->is_object()) return Invalid(url, "no \"suggestedWindow\" object");
  RenewalInfo info;
  for (auto [key, out] : {std::pair{"start", &info.start}, std::pair{"end", &info.end}}) {
    const json::value* v = w->get_object().if_contains(key);
    std::optional<SystemTime> t;
    if (v && v->is_string()) t = ParseRfc3339Time(std::string_view(v->get_string()));
    if (!t) return Invalid(url, std::string("suggestedWindow has no RFC 3339 \"") + key + "\"");
    *out = *t;
  }
  if (info.end <= info.start) return Invalid(url, "the suggested window ends before it starts");
  if (const json::value* e = o.if_contains("explanationURL"); e && e->is_string())
    info.explanation_url = std::string(e->get_string());
  return info;
}

Result<RenewalInfo> FetchRenewalInfo(http::Client& http, const std::string& renewal_info_url,
                                     const std::string& cert_id, const Logger& log) {
  AcmeTransport transport(http, log);
  std::string base = renewal_info_url;
  if (!base.empty() && base.back() == '/') base.pop_back();
  std::string url = base + "/" + cert_id;
  SIGNET_ASSIGN_OR_RETURN(AcmeResponse r, transport.Get(url));
  RecordFuzzInput("renewal_info_fuzz", r.body);
  SIGNET_ASSIGN_OR_RETURN(RenewalInfo info, ParseRenewalInfo(r.json, url));
  if (auto after = r.RetryAfter())
    info.retry_after = std::chrono::duration_cast<std::chrono::seconds>(*after);
  return info;
}

}  // namespace signet::client
