#include "ct/static_api.h"

#include <charconv>

#include "base/base64url.h"
#include "crypto/digest.h"
#include "ct/structs.h"

namespace signet::ct {
namespace {

http::Response Reply(int status, std::string type, std::string body, std::string cache) {
  http::Response res;
  res.status = status;
  res.Set("Content-Type", std::move(type));
  if (!cache.empty()) res.Set("Cache-Control", std::move(cache));
  res.body = std::move(body);
  return res;
}

http::Response FromError(const Error& e) {
  int status = e.code == ErrorCode::kNotFound ? 404 : e.code == ErrorCode::kMalformed ? 400 : 500;
  return Reply(status, "text/plain; charset=utf-8", e.detail + "\n", "");
}

constexpr const char* kImmutable = "public, max-age=604800, immutable";

}  // namespace

std::string NoteKeyId(const std::string& origin, const std::string& log_id) {
  return crypto::Sha256(origin + "\n\x05" + log_id).substr(0, 4);
}

std::string Checkpoint(const SignedTreeHead& sth, const std::string& origin,
                       const std::string& log_id) {
  std::string note =
      origin + "\n" + std::to_string(sth.tree_size) + "\n" + Base64Encode(sth.root_hash) + "\n";
  std::string sig = NoteKeyId(origin, log_id);
  PutUint(&sig, sth.timestamp_ms, 8);
  sig += sth.signature;
  return note + "\n\u2014 " + origin + " " + Base64Encode(sig) + "\n";
}

std::optional<std::pair<uint64_t, int>> ParseTileIndex(std::string_view path) {
  int width = 256;
  size_t p = path.find(".p/");
  if (p != std::string_view::npos) {
    std::string_view w = path.substr(p + 3);
    auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), width);
    if (ec != std::errc() || end != w.data() + w.size() || w.empty() || w[0] == '0' || width < 1 ||
        width > 255) {
      return std::nullopt;
    }
    path = path.substr(0, p);
  }
  uint64_t index = 0;
  while (true) {
    size_t slash = path.find('/');
    std::string_view part = path.substr(0, slash);
    bool last = slash == std::string_view::npos;
    if (!last) {
      if (part.size() != 4 || part[0] != 'x') return std::nullopt;
      part.remove_prefix(1);
    }
    if (part.size() != 3) return std::nullopt;
    uint64_t value = 0;
    for (char c : part) {
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + uint64_t(c - '0');
    }
    index = index * 1000 + value;
    if (last) break;
    path.remove_prefix(slash + 1);
  }
  return std::make_pair(index, width);
}

std::optional<http::Response> ServeStatic(Log& log, const std::string& origin,
                                          const http::Request& req) {
  std::string_view path = req.Path();
  bool known = path == "/checkpoint" || path.starts_with("/tile/") || path.starts_with("/issuer/");
  if (!known) return std::nullopt;
  if (req.method != "GET" && req.method != "HEAD") {
    http::Response res = Reply(405, "text/plain; charset=utf-8", "takes GET\n", "");
    res.Set("Allow", "GET, HEAD");
    return res;
  }
  if (path == "/checkpoint") {
    return Reply(200, "text/plain; charset=utf-8", Checkpoint(log.Sth(), origin, log.log_id()),
                 "no-cache");
  }
  if (path.starts_with("/issuer/")) {
    Result<std::string> der = log.Issuer(std::string(path.substr(8)));
    if (!der.ok()) return FromError(der.error());
    return Reply(200, "application/pkix-cert", std::move(*der), kImmutable);
  }
  std::string_view rest = path.substr(6);
  bool data = rest.starts_with("data/");
  int level = 0;
  if (data) {
    rest.remove_prefix(5);
  } else {
    if (rest.size() < 2 || rest[0] < '0' || rest[0] > '5' || rest[1] != '/') {
      return FromError(
          Error(ErrorCode::kMalformed, "tile paths are /tile/<L>/<N>[.p/<W>], L 0 to 5"));
    }
    level = rest[0] - '0';
    rest.remove_prefix(2);
  }
  std::optional<std::pair<uint64_t, int>> tile = ParseTileIndex(rest);
  if (!tile) return FromError(Error(ErrorCode::kMalformed, "malformed tile index (tlog-tiles)"));
  Result<std::string> body = data ? log.DataTile(tile->first, tile->second)
                                  : log.TileHashes(level, tile->first, tile->second);
  if (!body.ok()) {
    // A tile past the tree does not exist (yet): 404, as a static file would.
    if (body.error().detail.find("beyond the published tree") != std::string::npos) {
      return FromError(Error(ErrorCode::kNotFound, body.error().detail));
    }
    return FromError(body.error());
  }
  return Reply(200, "application/octet-stream", std::move(*body), kImmutable);
}

}  // namespace signet::ct
