#include "bench/http01_wire.h"

namespace signet::bench {

std::optional<ChallengeRequest> ParseChallengeRequest(std::string_view head) {
  std::string_view line = head.substr(0, head.find("\r\n"));
  size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return std::nullopt;
  size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return std::nullopt;
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if ((method != "GET" && method != "HEAD") || !version.starts_with("HTTP/1."))
    return std::nullopt;
  if (target.starts_with("http://")) {  // absolute form (RFC 9112 3.2.2)
    size_t path = target.find('/', 7);
    target = path == std::string_view::npos ? "/" : target.substr(path);
  }
  target = target.substr(0, target.find('?'));
  ChallengeRequest req;
  req.method = std::string(method);
  if (target.starts_with(kChallengePathPrefix)) {
    std::string_view token = target.substr(kChallengePathPrefix.size());
    if (token.find('/') == std::string_view::npos) req.token = std::string(token);
  }
  return req;
}

std::string ChallengeResponse(int status, std::string_view body, bool head) {
  std::string reason = status == 200 ? "OK" : status == 404 ? "Not Found" : "Bad Request";
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason +
                    "\r\nContent-Type: text/plain\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
  if (!head) out += body;
  return out;
}

}  // namespace signet::bench
