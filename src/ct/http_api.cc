#include "ct/http_api.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <optional>
#include <string>

#include "base/base64url.h"
#include "ct/static_api.h"

namespace signet::ct {
namespace {

namespace json = boost::json;

http::Response Text(int status, std::string message) {
  http::Response res;
  res.status = status;
  res.Set("Content-Type", "text/plain; charset=utf-8");
  res.body = std::move(message) + "\n";
  return res;
}

http::Response Json(const json::value& v) {
  http::Response res;
  res.Set("Content-Type", "application/json");
  res.body = json::serialize(v);
  return res;
}

http::Response FromError(const Error& e) {
  return Text(e.code == ErrorCode::kNotFound    ? 404
              : e.code == ErrorCode::kMalformed ? 400
                                                : 500,
              e.detail);
}

int FromHex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The query parameter `name`, percent-decoded ('+' kept: base64 uses it).
std::optional<std::string> Param(std::string_view target, std::string_view name) {
  size_t q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? "" : rest.substr(amp + 1);
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) != name || eq == std::string_view::npos) continue;
    std::string out;
    std::string_view v = pair.substr(eq + 1);
    for (size_t i = 0; i < v.size(); ++i) {
      int hi, lo;
      if (v[i] == '%' && i + 2 < v.size() && (hi = FromHex(v[i + 1])) >= 0 &&
          (lo = FromHex(v[i + 2])) >= 0) {
        out.push_back(char(hi * 16 + lo));
        i += 2;
      } else {
        out.push_back(v[i]);
      }
    }
    return out;
  }
  return std::nullopt;
}

Result<uint64_t> UintParam(std::string_view target, std::string_view name) {
  std::optional<std::string> v = Param(target, name);
  if (!v) return Error(ErrorCode::kMalformed, "missing query parameter " + std::string(name));
  uint64_t out = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || end != v->data() + v->size() || v->empty()) {
    return Error(ErrorCode::kMalformed,
                 "query parameter " + std::string(name) + " must be a non-negative integer");
  }
  return out;
}

json::array Base64List(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& s : items) out.emplace_back(Base64Encode(s));
  return out;
}

http::Response AddChain(Log& log, const http::Request& req, bool precert) {
  if (req.body.size() > kMaxSubmissionBytes) {
    return Text(400, "the request body is larger than " +
                         std::to_string(kMaxSubmissionBytes / 1024) + " KiB");
  }
  Result<Sct> sct = log.Add(req.body, precert);
  if (!sct.ok()) return FromError(sct.error());
  return Json(json::object{{"sct_version", 0},
                           {"id", Base64Encode(log.log_id())},
                           {"timestamp", sct->timestamp_ms},
                           {"extensions", Base64Encode(sct->extensions)},
                           {"signature", Base64Encode(sct->signature)}});
}

http::Response GetSth(Log& log) {
  SignedTreeHead sth = log.Sth();
  return Json(json::object{{"tree_size", sth.tree_size},
                           {"timestamp", sth.timestamp_ms},
                           {"sha256_root_hash", Base64Encode(sth.root_hash)},
                           {"tree_head_signature", Base64Encode(sth.signature)}});
}

http::Response GetConsistency(Log& log, std::string_view target) {
  Result<uint64_t> first = UintParam(target, "first");
  if (!first.ok()) return FromError(first.error());
  Result<uint64_t> second = UintParam(target, "second");
  if (!second.ok()) return FromError(second.error());
  auto proof = log.Consistency(*first, *second);
  if (!proof.ok()) return FromError(proof.error());
  return Json(json::object{{"consistency", Base64List(*proof)}});
}

http::Response GetProofByHash(Log& log, std::string_view target) {
  std::optional<std::string> hash = Param(target, "hash");
  if (!hash) return Text(400, "missing query parameter hash");
  Result<std::string> raw = Base64Decode(*hash);
  if (!raw.ok()) return Text(400, "hash must be base64");
  Result<uint64_t> size = UintParam(target, "tree_size");
  if (!size.ok()) return FromError(size.error());
  auto proof = log.ProofByHash(*raw, *size);
  if (!proof.ok()) return FromError(proof.error());
  return Json(
      json::object{{"leaf_index", proof->first}, {"audit_path", Base64List(proof->second)}});
}

http::Response GetEntries(Log& log, std::string_view target) {
  Result<uint64_t> start = UintParam(target, "start");
  if (!start.ok()) return FromError(start.error());
  Result<uint64_t> end = UintParam(target, "end");
  if (!end.ok()) return FromError(end.error());
  auto entries = log.Entries(*start, *end);
  if (!entries.ok()) return FromError(entries.error());
  json::array out;
  for (const StoredEntry& e : *entries) {
    out.emplace_back(json::object{{"leaf_input", Base64Encode(e.leaf_input)},
                                  {"extra_data", Base64Encode(e.extra_data)}});
  }
  return Json(json::object{{"entries", std::move(out)}});
}

}  // namespace

http::Handler MakeApiHandler(Log& log, std::string origin) {
  return [&log, origin](const http::Request& req) -> http::Response {
    if (auto res = ServeStatic(log, origin, req)) return std::move(*res);
    std::string_view path = req.Path();
    bool post = path == "/ct/v1/add-chain" || path == "/ct/v1/add-pre-chain";
    bool get = path == "/ct/v1/get-sth" || path == "/ct/v1/get-sth-consistency" ||
               path == "/ct/v1/get-proof-by-hash" || path == "/ct/v1/get-entries" ||
               path == "/ct/v1/get-roots";
    if (!post && !get)
      return Text(404,
                  "no such endpoint: the API is under /ct/v1/ (RFC 6962 4), tiles at /checkpoint, "
                  "/tile/ and /issuer/ (static-ct-api)");
    if (post && req.method != "POST") {
      http::Response res = Text(405, std::string(path) + " takes POST");
      res.Set("Allow", "POST");
      return res;
    }
    if (get && req.method != "GET" && req.method != "HEAD") {
      http::Response res = Text(405, std::string(path) + " takes GET");
      res.Set("Allow", "GET, HEAD");
      return res;
    }
    if (path == "/ct/v1/add-chain") return AddChain(log, req, false);
    if (path == "/ct/v1/add-pre-chain") return AddChain(log, req, true);
    if (path == "/ct/v1/get-sth") return GetSth(log);
    if (path == "/ct/v1/get-sth-consistency") return GetConsistency(log, req.target);
    if (path == "/ct/v1/get-proof-by-hash") return GetProofByHash(log, req.target);
    if (path == "/ct/v1/get-entries") return GetEntries(log, req.target);
    return Json(json::object{{"certificates", Base64List(log.roots().ders())}});
  };
}

}  // namespace signet::ct
