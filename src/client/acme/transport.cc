#include "client/acme/transport.h"

#include <boost/json/parse.hpp>
#include <cctype>

#include "base/fuzz_record.h"
#include "client/acme/polling.h"
#include "client/acme/problem.h"
#include "http/url.h"

namespace signet::client {
namespace json = boost::json;

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == ',')) s.remove_suffix(1);
  return s;
}

// Location and Link targets may be relative references (RFC 9110 10.2.2).
std::string Absolute(const std::string& base, std::string_view ref) {
  return http::ResolveReferenceText(base, ref);
}

// True if the ";"-separated link-params name `rel` among their rel values.
bool HasRel(std::string_view params, std::string_view rel) {
  while (!params.empty()) {
    size_t semi = params.find(';');
    std::string_view param = Trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? "" : params.substr(semi + 1);
    size_t eq = param.find('=');
    if (eq == std::string_view::npos || !http::EqualsIgnoreCase(Trim(param.substr(0, eq)), "rel"))
      continue;
    std::string_view values = Trim(param.substr(eq + 1));
    if (values.size() >= 2 && values.front() == '"' && values.back() == '"')
      values = values.substr(1, values.size() - 2);
    while (!values.empty()) {
      size_t space = values.find(' ');
      if (http::EqualsIgnoreCase(values.substr(0, space), rel)) return true;
      values = space == std::string_view::npos ? "" : values.substr(space + 1);
    }
  }
  return false;
}

Error NotAcme(const std::string& url, int status) {
  return Error(ErrorCode::kServerInternal, "the server at " + url +
                                               " did not answer with ACME JSON (HTTP " +
                                               std::to_string(status) + ")");
}

}  // namespace

std::string AcmeResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (http::EqualsIgnoreCase(k, name)) return v;
  return "";
}

std::string AcmeResponse::Location() const {
  std::string loc = Header("Location");
  return loc.empty() ? loc : Absolute(url, loc);
}

std::vector<std::string> AcmeResponse::Links(std::string_view rel) const {
  std::vector<std::string> out;
  for (const auto& [k, value] : headers) {
    if (!http::EqualsIgnoreCase(k, "Link")) continue;
    // One header may hold several links: <a>;rel="up", <b>;rel="alternate".
    size_t pos = 0;
    while ((pos = value.find('<', pos)) != std::string::npos) {
      size_t close = value.find('>', pos);
      if (close == std::string::npos) break;
      size_t next = value.find('<', close);
      std::string_view params = std::string_view(value).substr(
          close + 1, next == std::string::npos ? std::string::npos : next - close - 1);
      if (HasRel(params, rel)) out.push_back(Absolute(url, value.substr(pos + 1, close - pos - 1)));
      pos = close + 1;
    }
  }
  return out;
}

std::optional<std::chrono::milliseconds> AcmeResponse::RetryAfter() const {
  std::string v = Header("Retry-After");
  if (v.empty()) return std::nullopt;
  return ParseRetryAfter(v, std::chrono::system_clock::now());
}

Result<AcmeResponse> InterpretResponse(const std::string& url, http::Response res, Expect expect) {
  AcmeResponse out{url, res.status, std::move(res.headers), std::move(res.body), {}};
  // ACME resources and problems are JSON; certificate chains are PEM.
  const bool pem = out.body.find("-----BEGIN") != std::string::npos;
  RecordFuzzInput(pem ? "pem_fuzz" : "acme_response_fuzz", out.body);
  json::value parsed;
  if (!out.body.empty()) {
    boost::system::error_code ec;
    parsed = json::parse(out.body, ec);
    if (ec) parsed = nullptr;
  }
  if (out.status >= 200 && out.status < 300) {
    if (parsed.is_object())
      out.json = std::move(parsed.get_object());
    else if (expect == Expect::kJson)
      return NotAcme(url, out.status);
    return out;
  }
  if (parsed.is_object()) {
    if (std::optional<Problem> p = ParseProblem(parsed.get_object())) return ProblemToError(*p);
  }
  return NotAcme(url, out.status);
}

void AcmeTransport::KeepNonce(const http::Response& res) {
  std::string_view n = res.Header("Replay-Nonce");
  if (!n.empty()) nonce_ = std::string(n);
}

Result<std::string> AcmeTransport::TakeNonce() {
  if (!nonce_) {
    if (new_nonce_url_.empty())
      return Error(ErrorCode::kServerInternal, "no newNonce URL: the directory was not fetched");
    SIGNET_ASSIGN_OR_RETURN(http::Response res, http_.Send("HEAD", new_nonce_url_));
    KeepNonce(res);
    if (res.status >= 300)
      return InterpretResponse(new_nonce_url_, std::move(res), Expect::kAny).error();
    if (!nonce_)
      return Error(ErrorCode::kBadNonce,
                   "the server at " + new_nonce_url_ + " did not send a Replay-Nonce");
  }
  std::string n = std::move(*nonce_);
  nonce_.reset();
  return n;
}

Result<AcmeResponse> AcmeTransport::Get(const std::string& url, Expect expect) {
  SIGNET_ASSIGN_OR_RETURN(http::Response res, http_.Send("GET", url));
  KeepNonce(res);
  return InterpretResponse(url, std::move(res), expect);
}

Result<AcmeResponse> AcmeTransport::Post(const std::string& url,
                                         const std::optional<std::string>& payload,
                                         const KeyRef& key, Expect expect,
                                         const std::string& accept) {
  for (int attempt = 0;; ++attempt) {
    SIGNET_ASSIGN_OR_RETURN(std::string nonce, TakeNonce());
    json::object header{{"nonce", nonce}, {"url", url}};
    if (key.kid.empty())
      header["jwk"] = key.signer.PublicJwk();
    else
      header["kid"] = key.kid;
    SIGNET_ASSIGN_OR_RETURN(std::string jws,
                            key.signer.SignJws(std::move(header), payload.value_or("")));
    std::vector<std::pair<std::string, std::string>> headers{
        {"Content-Type", "application/jose+json"}};
    if (!accept.empty()) headers.emplace_back("Accept", accept);
    SIGNET_ASSIGN_OR_RETURN(http::Response res, http_.Send("POST", url, std::move(headers), jws));
    KeepNonce(res);
    Result<AcmeResponse> r = InterpretResponse(url, std::move(res), expect);
    if (r.ok() || r.error().code != ErrorCode::kBadNonce || attempt >= kMaxBadNonceRetries)
      return r;
    if (log_) log_("The CA rejected the request's nonce; retrying with a fresh one");
  }
}

}  // namespace signet::client
