#include "ca/publisher/publication_http.h"

#include <ctime>

#include "base/base64url.h"
#include "crypto/digest.h"

namespace signet::ca {

namespace {

using std::chrono::seconds;

http::Response Plain(int status, std::string body) {
  http::Response res;
  res.status = status;
  res.Set("Content-Type", "text/plain; charset=utf-8");
  res.body = std::move(body) + "\n";
  return res;
}

std::optional<acme::TimePoint> ParseHttpDate(std::string_view text) {
  std::tm tm{};
  std::string s(text);
  const char* end = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end != '\0') return std::nullopt;
  return acme::Clock::from_time_t(timegm(&tm));
}

// RFC 3986 2.1 percent-decoding ("%2B" -> "+"); nullopt on a bad escape.
std::optional<std::string> PercentDecode(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size() || !std::isxdigit(uint8_t(in[i + 1])) ||
        !std::isxdigit(uint8_t(in[i + 2])))
      return std::nullopt;
    out.push_back(char(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16)));
    i += 2;
  }
  return out;
}

// Caching headers for a body valid from `this_update` to `next_update`, and
// whether the request's validators say the client already has it.
bool SetCaching(const http::Request& req, http::Response& res, const std::string& etag,
                acme::TimePoint this_update, acme::TimePoint next_update, seconds max_age) {
  auto now = acme::Clock::now();
  seconds left = std::chrono::duration_cast<seconds>(next_update - now);
  seconds age = std::max(seconds(0), std::min(left, max_age));
  res.Set("Cache-Control",
          "public, max-age=" + std::to_string(age.count()) + ", no-transform, must-revalidate");
  res.Set("Last-Modified", HttpDate(this_update));
  res.Set("Expires", HttpDate(next_update));
  res.Set("ETag", etag);
  if (std::string_view inm = req.Header("If-None-Match"); !inm.empty())
    return inm == etag || inm == "*";
  if (auto ims = ParseHttpDate(req.Header("If-Modified-Since")))
    return std::chrono::floor<seconds>(this_update) <= *ims;
  return false;
}

}  // namespace

std::string HttpDate(acme::TimePoint t) {
  std::time_t tt = acme::Clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[40];
  std::strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

http::Response PublicationFrontEnd::Handle(const http::Request& req) const {
  std::string_view path = req.Path();
  if (path.starts_with("/crl/")) {
    if (req.method != "GET" && req.method != "HEAD") return Plain(405, "use GET");
    return Crl(req, path.substr(5));
  }
  if (path == "/ocsp" || path.starts_with("/ocsp/")) {
    if (!ocsp_) return Plain(404, "this CA runs no OCSP responder");
    return Ocsp(req, path.size() > 6 ? path.substr(6) : std::string_view());
  }
  return Plain(404, "no such resource");
}

http::Response PublicationFrontEnd::Crl(const http::Request& req, std::string_view name) const {
  int shard = -1;
  if (name.ends_with(".crl") && name.size() > 4 && name.size() < 12 &&
      name.substr(0, name.size() - 4).find_first_not_of("0123456789") == std::string_view::npos)
    shard = std::stoi(std::string(name.substr(0, name.size() - 4)));
  auto crl = shard >= 0 ? crls_.Get(shard) : nullptr;
  if (!crl) return Plain(404, "no such CRL");
  http::Response res;
  std::string etag = "\"" + std::to_string(crl->shard) + "-" + std::to_string(crl->number) + "\"";
  if (SetCaching(req, res, etag, crl->this_update, crl->next_update, crl_max_age_)) {
    res.status = 304;
    return res;
  }
  res.Set("Content-Type", "application/pkix-crl");
  res.body = crl->der;
  return res;
}

http::Response PublicationFrontEnd::Ocsp(const http::Request& req, std::string_view encoded) const {
  std::string der;
  if (req.method == "POST") {
    if (!encoded.empty()) return Plain(404, "POST OCSP requests to /ocsp");
    if (req.Header("Content-Type") != "application/ocsp-request")
      return Plain(415, "Content-Type must be application/ocsp-request");
    der = req.body;
  } else if (req.method == "GET" || req.method == "HEAD") {
    auto text = PercentDecode(encoded);
    auto decoded = text ? Base64Decode(*text) : Result<std::string>(ErrorCode::kMalformed, "");
    if (text && !decoded.ok()) decoded = Base64UrlDecode(*text);
    der = decoded.ok() ? *decoded : std::string();  // empty: malformedRequest below
  } else {
    return Plain(405, "use GET or POST");
  }
  OcspAnswer answer = ocsp_->Respond(der);
  http::Response res;
  res.Set("Content-Type", "application/ocsp-response");
  if (answer.successful && answer.cacheable && req.method != "POST") {
    std::string etag = "\"" + crypto::HexEncode(crypto::Sha256(answer.der).substr(0, 16)) + "\"";
    if (SetCaching(req, res, etag, answer.this_update, answer.next_update,
                   std::chrono::duration_cast<seconds>(answer.next_update - answer.this_update))) {
      res.status = 304;
      return res;
    }
  } else {
    res.Set("Cache-Control", "no-store");
  }
  res.body = std::move(answer.der);
  return res;
}

}  // namespace signet::ca
