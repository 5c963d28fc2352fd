// Http01Validator: the hop loop, redirect policy and response judgement of
// HTTP-01 validation (RFC 8555 8.3). The network exchange is in http_fetch.cc.
#include "ca/va/http01.h"

#include "ca/va/detail_text.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "ca/va/http_fetch.h"
#include "http/url.h"

namespace signet::va {
namespace {

using http::Url;

// How the VA words a Location it cannot follow.
constexpr http::UrlErrorStyle kRedirectErrors{ErrorCode::kConnection, "Invalid redirect target"};

using Clock = std::chrono::steady_clock;

bool IsRedirectStatus(unsigned status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// An IP literal, or a name whose last label is numeric (no TLD is), which
// some parsers would read as an address ("127.1").
bool LooksLikeIpAddress(const std::string& host) {
  unsigned char buf[16];
  if (inet_pton(AF_INET, host.c_str(), buf) == 1) return true;
  if (host.find(':') != std::string::npos) return true;
  const std::string last = host.substr(host.rfind('.') + 1);
  return !last.empty() && std::all_of(last.begin(), last.end(), [](unsigned char c) {
    return std::isdigit(c);
  });
}

// At least two labels of letters, digits and inner hyphens (RFC 1123 2.1).
bool IsValidDomainName(const std::string& host) {
  if (host.empty() || host.size() > 253 || host.find('.') == std::string::npos) return false;
  size_t start = 0;
  while (start <= host.size()) {
    const size_t end = std::min(host.find('.', start), host.size());
    const std::string label = host.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (unsigned char c : label) {
      if (!std::isalnum(c) && c != '-' && c != '_') return false;
    }
    start = end + 1;
  }
  return true;
}

// Redirect targets may use http or https, ports 80 or 443 (or none, the
// scheme's), and a domain name, never an IP literal. As Boulder's VA does,
// a target naming the configured HTTP-01 or HTTPS port itself is accepted
// too (in production those are 80 and 443; test beds remap them).
Status CheckRedirectTarget(const Http01Config& config, const Url& url) {
  if (url.scheme != "http" && url.scheme != "https") {
    return Error(ErrorCode::kConnection,
                 "Invalid protocol scheme in redirect target. Only \"http\" and \"https\" "
                 "are supported, not \"" + url.scheme + "\"");
  }
  if (url.port && *url.port != 80 && *url.port != 443 && *url.port != config.http_port &&
      *url.port != config.https_port) {
    return Error(ErrorCode::kConnection,
                 "Invalid port in redirect target. Only ports 80 and 443 are supported, not " +
                     std::to_string(*url.port));
  }
  if (!url.host.empty() && LooksLikeIpAddress(url.host)) {
    return Error(ErrorCode::kConnection, "Invalid host in redirect target \"" + url.host +
                                             "\". Only domain names are supported, not "
                                             "IP addresses (redirect to an IP address "
                                             "literal is not allowed)");
  }
  if (!IsValidDomainName(url.host)) {
    return Error(ErrorCode::kConnection, "Invalid host in redirect target \"" + url.host +
                                             "\". Must be a fully qualified domain name");
  }
  return OkStatus();
}

std::string TrimTrailingWhitespace(std::string s) {
  const size_t end = s.find_last_not_of(" \t\r\n");
  s.erase(end == std::string::npos ? 0 : end + 1);
  return s;
}

// Judges a non-redirect response: status 200 and the key authorization. A
// mismatch quotes at most kMaxQuotedBytes of the body, and nothing of it
// when `address` is reserved and not allowed (BodyForDetail).
Status CheckFinalResponse(const Url& url, const FetchResponse& resp,
                          const std::string& key_authorization, const std::string& address,
                          bool allow_private) {
  if (resp.status != 200) {
    std::string detail = "Invalid response from " + url.ToString() + ": " +
                         std::to_string(resp.status);
    if (IsRedirectStatus(resp.status)) detail += " (redirect without a Location header)";
    return Error(ErrorCode::kIncorrectResponse, detail);
  }
  if (resp.body_truncated) {
    return Error(ErrorCode::kIncorrectResponse,
                 "Invalid response from " + url.ToString() + ": body too large (more than " +
                     std::to_string(kMaxBodyBytes) + " bytes), so it does not match the "
                     "key authorization");
  }
  if (TrimTrailingWhitespace(resp.body) != key_authorization) {
    return Error(ErrorCode::kIncorrectResponse,
                 "The key authorization file from the server did not match this challenge. "
                 "Expected " + QuoteForDetail(key_authorization, key_authorization.size()) + " (" +
                     BodyForDetail(resp.body, address, allow_private) + ")");
  }
  return OkStatus();
}

// Identity of a URL for loop detection: the port actually dialled.
std::string LoopKey(const Url& url, uint16_t port) {
  return url.scheme + "://" + url.host + ":" + std::to_string(port) + url.target;
}

// The port dialled for `url`: 80 and 443 (written or implied by the scheme)
// map to the configured ports; the configured ports themselves, written in
// a redirect target, are dialled as written.
uint16_t DialPort(const Http01Config& config, const Url& url) {
  if (url.port == 80) return config.http_port;
  if (url.port == 443) return config.https_port;
  if (url.port) return *url.port;
  return url.scheme == "https" ? config.https_port : config.http_port;
}

// Resolves and fetches one hop, trying the addresses in order (falling back
// only on connect failures) and filling in its validation record.
Result<FetchResponse> FetchHop(dns::Resolver& resolver, const Http01Config& config,
                               const Url& url, Clock::time_point deadline,
                               ValidationRecord& record) {
  record.url = url.ToString();
  record.hostname = url.host;
  const uint16_t port = DialPort(config, url);
  record.port = std::to_string(port);
  SIGNET_ASSIGN_OR_RETURN(record.addresses_resolved, resolver.LookupHost(url.host, deadline));
  Result<FetchResponse> result =
      Error(ErrorCode::kConnection, "No usable address for " + url.host);
  for (const std::string& address : record.addresses_resolved) {
    if (!config.allow_loopback && IsReservedAddress(address)) {
      result = Error(ErrorCode::kConnection, "refusing to connect to reserved address " +
                                                 address + " for " + url.host);
      continue;  // Another resolved address may be public.
    }
    const Clock::time_point now = Clock::now();
    FetchRequest req{address, port, url.scheme == "https", url.Authority(), url.host,
                     url.target, kMaxBodyBytes, now + config.connect_timeout, deadline};
    bool connected = false;
    record.address_used = address;
    result = Fetch(req, &connected);
    if (!result.ok()) {
      Error error = std::move(result).error();
      error.detail = address + ": Fetching " + record.url + ": " + error.detail;
      result = std::move(error);
    }
    if (result.ok() || connected) break;  // Only connect failures fall back.
  }
  return result;
}

// The URL a redirect response leads to, if policy allows following it.
Result<Url> NextHop(const Http01Config& config, const Url& url, const FetchResponse& resp,
                    int redirects, const std::set<std::string>& visited) {
  const std::string prefix = "Fetching " + url.ToString() + ": ";
  if (redirects >= kMaxRedirects) {
    return Error(ErrorCode::kConnection, prefix + "Too many redirects");
  }
  Result<Url> next = http::ResolveReference(url, resp.location, kRedirectErrors);
  Status allowed = next.ok() ? CheckRedirectTarget(config, *next) : Status(next.error());
  if (!allowed.ok()) {
    Error error = std::move(allowed).error();
    error.detail = prefix + error.detail;
    return error;
  }
  if (visited.count(LoopKey(*next, DialPort(config, *next))) != 0) {
    return Error(ErrorCode::kConnection, prefix + "Redirect loop detected");
  }
  return next;
}

}  // namespace

Http01Outcome Http01Validator::Validate(const std::string& hostname, const std::string& token,
                                        const std::string& key_authorization,
                                        dns::Deadline overall) const {
  Http01Outcome outcome;
  const Clock::time_point deadline = std::min(overall, Clock::now() + config_.total_timeout);
  Url url{"http", Lower(hostname), std::nullopt, "/.well-known/acme-challenge/" + token};
  std::set<std::string> visited;
  for (int redirects = 0;; ++redirects) {
    visited.insert(LoopKey(url, DialPort(config_, url)));
    Result<FetchResponse> resp =
        FetchHop(resolver_, config_, url, deadline, outcome.records.emplace_back());
    if (!resp.ok()) {
      outcome.status = std::move(resp).error();
      return outcome;
    }
    if (!IsRedirectStatus(resp->status) || resp->location.empty()) {
      outcome.status = CheckFinalResponse(url, *resp, key_authorization,
                                          outcome.records.back().address_used,
                                          config_.allow_loopback);
      return outcome;
    }
    Result<Url> next = NextHop(config_, url, *resp, redirects, visited);
    if (!next.ok()) {
      outcome.status = std::move(next).error();
      return outcome;
    }
    url = std::move(*next);
  }
}

}  // namespace signet::va
