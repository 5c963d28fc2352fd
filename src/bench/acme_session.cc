#include "bench/acme_session.h"

#include <algorithm>
#include <boost/asio/awaitable.hpp>
#include <boost/json/parse.hpp>

#include "http/url.h"
#include "client/acme/problem.h"

namespace signet::bench {
namespace asio = boost::asio;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kMaxNonceRetries = 10;
constexpr size_t kMaxPooledNonces = 4096;

std::string HeaderOf(const http::Response& r, std::string_view name) {
  return std::string(r.Header(name));
}

std::optional<json::object> ParseObject(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

}  // namespace

std::string ErrorKind(const Error& error) {
  if (error.code == ErrorCode::kConnection)
    return error.detail.starts_with("timeout") ? "timeout" : "connection";
  if (error.code == ErrorCode::kTls) return "tls";
  size_t colon = error.detail.find(':');
  std::string_view head = std::string_view(error.detail).substr(0, colon);
  if (colon == std::string::npos || head.empty() || head.find(' ') != std::string_view::npos)
    return std::string(ErrorCodeName(error.code));
  return std::string(head);
}

AcmeSession::AcmeSession(HttpPool& http, BenchReport& report)
    : http_(http), report_(report), last_response_(Clock::now()) {}

void AcmeSession::ResetSilenceClock() {
  last_response_ = Clock::now();
  report_.longest_silence_ms = 0;
}

void AcmeSession::NoteResponse() {
  Clock::time_point now = Clock::now();
  double gap = std::chrono::duration<double, std::milli>(now - last_response_).count();
  report_.longest_silence_ms = std::max(report_.longest_silence_ms, gap);
  last_response_ = now;
}

void AcmeSession::KeepNonce(const http::Response& response) {
  std::string nonce = HeaderOf(response, "Replay-Nonce");
  if (nonce.empty()) return;
  if (nonces_.size() >= kMaxPooledNonces) nonces_.erase(nonces_.begin());
  nonces_.push_back(std::move(nonce));
}

asio::awaitable<Result<http::Response>> AcmeSession::Exchange(
    RequestType type, std::string method, std::string url,
    std::vector<std::pair<std::string, std::string>> headers, std::string body) {
  ExchangeTiming timing;
  Result<http::Response> r = co_await http_.Send(std::move(method), std::move(url),
                                                 std::move(headers), std::move(body), &timing);
  report_.pool_wait.Record(timing.pool_wait);
  if (timing.connect.count() > 0) report_.connect.Record(timing.connect);
  if (!r.ok()) {
    ++report_.errors[ErrorKind(r.error())];
    co_return r;
  }
  if (IsSignedRequest(type)) NoteResponse();
  report_.latency[size_t(type)].Record(timing.exchange);
  KeepNonce(*r);
  co_return r;
}

asio::awaitable<Status> AcmeSession::LoadDirectory(std::string url) {
  Result<http::Response> r = co_await Exchange(RequestType::kDirectory, "GET", url, {}, "");
  if (!r.ok()) co_return std::move(r).error();
  std::optional<json::object> obj = ParseObject(r->body);
  if (r->status != 200 || !obj)
    co_return Error(ErrorCode::kServerInternal, "protocol: " + url + " is not an ACME directory (HTTP " +
                                                    std::to_string(r->status) + ")");
  Result<client::Directory> dir = client::ParseDirectory(*obj, url);
  if (!dir.ok()) co_return std::move(dir).error();
  directory_ = std::move(*dir);
  co_return OkStatus();
}

asio::awaitable<Result<std::string>> AcmeSession::TakeNonce() {
  while (nonces_.empty()) {
    Result<http::Response> r =
        co_await Exchange(RequestType::kNewNonce, "HEAD", directory_.new_nonce, {}, "");
    if (!r.ok()) co_return std::move(r).error();
    if (HeaderOf(*r, "Replay-Nonce").empty())
      co_return Error(ErrorCode::kServerInternal, "protocol: newNonce answered without Replay-Nonce");
  }
  std::string nonce = std::move(nonces_.back());
  nonces_.pop_back();
  co_return nonce;
}

asio::awaitable<Result<AcmeReply>> AcmeSession::Post(RequestType type, const BenchAccount& account,
                                                     std::string url, std::string payload) {
  for (int attempt = 0;; ++attempt) {
    Result<std::string> nonce = co_await TakeNonce();
    if (!nonce.ok()) co_return std::move(nonce).error();
    Result<std::string> jws = SignRequest(account, *nonce, url, payload);
    if (!jws.ok()) co_return Error(ErrorCode::kServerInternal, "client: " + jws.error().detail);
    // (A named vector: GCC 12 miscompiles an initializer list across co_await.)
    std::vector<std::pair<std::string, std::string>> headers;
    headers.emplace_back("Content-Type", "application/jose+json");
    Result<http::Response> r =
        co_await Exchange(type, "POST", url, std::move(headers), std::move(*jws));
    if (!r.ok()) co_return std::move(r).error();
    std::optional<json::object> obj = ParseObject(r->body);
    if (r->status >= 200 && r->status < 300) {
      AcmeReply reply;
      reply.status = r->status;
      std::string location = HeaderOf(*r, "Location");
      if (!location.empty()) reply.location = http::ResolveReferenceText(url, location);
      reply.retry_after = HeaderOf(*r, "Retry-After");
      if (obj) reply.json = std::move(*obj);
      reply.body = std::move(r->body);
      co_return reply;
    }
    std::optional<client::Problem> problem = obj ? client::ParseProblem(*obj) : std::nullopt;
    if (!problem) {
      ++report_.errors["protocol"];
      co_return Error(ErrorCode::kServerInternal, "protocol: HTTP " + std::to_string(r->status) +
                                                      " from " + url + " without a problem document");
    }
    ++report_.errors[problem->ShortType()];
    if (problem->ShortType() == "badNonce" && attempt < kMaxNonceRetries) {
      ++report_.nonce_retries;
      continue;
    }
    co_return Error(client::ErrorCodeForProblemType(problem->type),
                    client::DescribeProblem(*problem) + " (" + RequestTypeName(type) + ")");
  }
}

}  // namespace signet::bench
