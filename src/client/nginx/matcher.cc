#include "client/nginx/matcher.h"

#include <algorithm>
#include <regex>

namespace signet::client::nginx {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// nginx's regexes are PCRE; std::regex (ECMAScript) lacks named groups, so
// `(?<name>` and `(?P<name>` become plain groups. A pattern std::regex
// cannot compile never matches.
bool RegexMatches(const std::string& host, const std::string& pattern) {
  static const std::regex kNamed(R"(\(\?P?<[A-Za-z_][A-Za-z0-9_]*>)");
  try {
    std::string ecma = std::regex_replace(pattern, kNamed, "(");
    std::regex re(ecma, std::regex::ECMAScript | std::regex::icase);
    return std::regex_search(host, re);
  } catch (const std::regex_error&) {
    return false;
  }
}

}  // namespace

NameMatch MatchServerName(const std::string& raw_host, const std::string& raw_name) {
  if (raw_name.empty()) return NameMatch::kNone;
  if (raw_name[0] == '~')
    return raw_name.size() > 1 && RegexMatches(Lower(raw_host), raw_name.substr(1))
               ? NameMatch::kRegex
               : NameMatch::kNone;
  std::string host = Lower(raw_host), name = Lower(raw_name);
  if (name == host || name == "." + host) return NameMatch::kExact;
  if (name.rfind("*.", 0) == 0 && EndsWith(host, name.substr(1)))
    return NameMatch::kWildcardStart;
  if (name[0] == '.' && EndsWith(host, name)) return NameMatch::kWildcardStart;
  if (name.size() > 2 && EndsWith(name, ".*") && host.rfind(name.substr(0, name.size() - 1), 0) == 0)
    return NameMatch::kWildcardEnd;
  return NameMatch::kNone;
}

NameMatch BestMatch(const std::string& host, const std::vector<std::string>& names,
                    size_t* length) {
  NameMatch best = NameMatch::kNone;
  size_t best_len = 0;
  for (const auto& n : names) {
    NameMatch m = MatchServerName(host, n);
    if (m == NameMatch::kNone) continue;
    // Exact: any; wildcards: the longest; regexes: the first.
    bool better = m > best || (m == best && (m == NameMatch::kWildcardStart ||
                                             m == NameMatch::kWildcardEnd) &&
                               n.size() > best_len);
    if (better) {
      best = m;
      best_len = n.size();
    }
  }
  if (length) *length = best_len;
  return best;
}

std::optional<size_t> ChooseServer(const std::vector<ServerBlock>& servers,
                                   const std::string& host, int port) {
  std::optional<size_t> best;
  NameMatch best_match = NameMatch::kNone;
  size_t best_len = 0;
  bool best_ssl = false;
  for (size_t i = 0; i < servers.size(); ++i) {
    const ServerBlock& s = servers[i];
    if (port >= 0 && !s.ListensOn(port, false)) continue;
    size_t len = 0;
    NameMatch m = BestMatch(host, s.names, &len);
    if (m == NameMatch::kNone) continue;
    bool ssl = s.HasSsl();
    bool better = !best || m > best_match ||
                  (m == best_match && len > best_len &&
                   (m == NameMatch::kWildcardStart || m == NameMatch::kWildcardEnd)) ||
                  (m == best_match && len == best_len && ssl && !best_ssl && port < 0);
    if (better) {
      best = i;
      best_match = m;
      best_len = len;
      best_ssl = ssl;
    }
  }
  return best;
}

std::optional<size_t> DefaultServer(const std::vector<ServerBlock>& servers, int port) {
  std::optional<size_t> first;
  for (size_t i = 0; i < servers.size(); ++i) {
    const ServerBlock& s = servers[i];
    if (!s.ListensOn(port, false)) continue;
    if (!first) first = i;
    for (const Listen& l : s.listens)
      if (l.port == port && !l.ssl && l.default_server) return i;
  }
  return first;
}

}  // namespace signet::client::nginx
