#include "bench/order_flow.h"

#include <boost/asio.hpp>

#include "base/files.h"
#include "bench/mock_dns.h"
#include "client/acme/polling.h"
#include "client/acme/resources.h"

namespace signet::bench {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr auto kUse = asio::as_tuple(asio::use_awaitable);

Error FlowError(std::string kind, std::string detail) {
  return Error(ErrorCode::kServerInternal, std::move(kind) + ": " + std::move(detail));
}

// Removes the tokens it holds from the responder however the order ends.
class TokenScope {
 public:
  explicit TokenScope(ChallengeResponder& r) : responder_(r) {}
  ~TokenScope() {
    for (const auto& t : tokens_) responder_.Erase(t);
  }
  void Add(const std::string& token, std::string key_authorization) {
    responder_.Set(token, std::move(key_authorization));
    tokens_.push_back(token);
  }

 private:
  ChallengeResponder& responder_;
  std::vector<std::string> tokens_;
};

// Sleeps before poll number `attempt`; false once `deadline` has passed.
asio::awaitable<bool> WaitToPoll(const BenchConfig& config, int attempt,
                                 const std::string& retry_after, Clock::time_point deadline) {
  Clock::time_point now = Clock::now();
  if (now >= deadline) co_return false;
  client::PollPolicy policy;
  policy.initial = config.poll_initial;
  policy.max = config.poll_max;
  policy.max_retry_after =
      config.retry_after_max.count() > 0 ? config.retry_after_max : config.poll_max;
  std::optional<milliseconds> hint;
  if (!retry_after.empty())
    hint = client::ParseRetryAfter(retry_after, std::chrono::system_clock::now());
  milliseconds delay = client::NextPollDelay(
      policy, attempt, hint, std::chrono::duration_cast<milliseconds>(deadline - now));
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(delay);
  co_await timer.async_wait(kUse);
  co_return Clock::now() < deadline;
}

template <typename T>
Result<T> Parse(Result<T> (*parser)(const boost::json::object&, const std::string&),
                const AcmeReply& reply, const std::string& url) {
  Result<T> r = parser(reply.json, url);
  if (!r.ok()) return FlowError("protocol", r.error().detail);
  return r;
}

const char* ChallengeName(ChallengeKind kind) {
  return kind == ChallengeKind::kDns01 ? "dns-01" : "http-01";
}

// POSTs the challenge and polls its authorization to a final status.
asio::awaitable<Status> RespondAndPoll(const OrderEnv& env, const BenchAccount& account,
                                       const std::string& url, const client::Challenge& ch,
                                       Clock::time_point deadline) {
  const Clock::time_point challenged = Clock::now();
  Result<AcmeReply> r = co_await env.acme.Post(RequestType::kChallenge, account, ch.url, "{}");
  if (!r.ok()) co_return std::move(r).error();
  std::string retry_after;
  for (int attempt = 0;; ++attempt) {
    if (!co_await WaitToPoll(env.config, attempt, retry_after, deadline))
      co_return FlowError("timeout", "authorization " + url + " still pending");
    r = co_await env.acme.Post(RequestType::kPoll, account, url, "");
    if (!r.ok()) co_return std::move(r).error();
    Result<client::Authorization> authz = Parse(client::ParseAuthorization, *r, url);
    if (!authz.ok()) co_return std::move(authz).error();
    if (authz->status == "valid") {
      env.validation.Record(
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - challenged));
      co_return OkStatus();
    }
    if (authz->status != "pending") {
      const client::Challenge* c = authz->FindChallenge(ch.type);
      std::string why = c && c->error ? c->error->ShortType() : authz->status;
      co_return FlowError("authz-" + why, url + " is " + authz->status);
    }
    retry_after = r->retry_after;
  }
}

// Fetches one authorization, answers its challenge of the configured type
// (HTTP-01 by the responder, DNS-01 by a TXT record cleared afterwards),
// polls it to a final status.
asio::awaitable<Status> Authorize(const OrderEnv& env, const BenchAccount& account,
                                  const std::string& url, TokenScope& tokens,
                                  Clock::time_point deadline) {
  Result<AcmeReply> r = co_await env.acme.Post(RequestType::kAuthz, account, url, "");
  if (!r.ok()) co_return std::move(r).error();
  Result<client::Authorization> authz = Parse(client::ParseAuthorization, *r, url);
  if (!authz.ok()) co_return std::move(authz).error();
  if (authz->status == "valid") co_return OkStatus();
  const char* type = ChallengeName(env.config.challenge);
  const client::Challenge* ch = authz->FindChallenge(type);
  if (ch == nullptr) co_return FlowError("protocol", std::string("no ") + type + " challenge in " + url);
  const client::Challenge challenge = *ch;
  std::string key_authorization = KeyAuthorization(challenge.token, account.thumbprint);
  if (env.config.challenge == ChallengeKind::kHttp01) {
    tokens.Add(challenge.token, std::move(key_authorization));
    co_return co_await RespondAndPoll(env, account, url, challenge, deadline);
  }
  const std::string record = Dns01RecordName(authz->identifier.value);
  if (Status s = co_await env.dns.SetTxt(record, Dns01TxtValue(key_authorization)); !s.ok())
    co_return s;
  Status outcome = co_await RespondAndPoll(env, account, url, challenge, deadline);
  Status cleared = co_await env.dns.ClearTxt(record);
  co_return outcome.ok() ? cleared : outcome;
}

Result<std::string> MakeCsr(const OrderEnv& env, int64_t index,
                            const std::vector<std::string>& names) {
  if (!env.config.fresh_cert_keys && !env.cert_keys.empty())
    return env.cert_keys[size_t(index) % env.cert_keys.size()].Build(names);
  SIGNET_ASSIGN_OR_RETURN(crypto::Key key, crypto::Key::Generate(crypto::KeyType::kEcP256));
  SIGNET_ASSIGN_OR_RETURN(CsrWriter writer, CsrWriter::ForKey(std::move(key)));
  return writer.Build(names);
}

}  // namespace

asio::awaitable<Status> RunOrder(const OrderEnv& env, const BenchAccount& account, int64_t index,
                                 Clock::time_point deadline) {
  std::vector<std::string> names;
  for (int i = 0; i < env.config.names_per_order; ++i)
    names.push_back(OrderName(index, i, env.tag));
  const std::string& new_order = env.acme.directory().new_order;
  Result<AcmeReply> r =
      co_await env.acme.Post(RequestType::kNewOrder, account, new_order, NewOrderPayload(names));
  if (!r.ok()) co_return std::move(r).error();
  const std::string order_url = r->location;
  if (order_url.empty()) co_return FlowError("protocol", "newOrder answered without Location");
  Result<client::Order> order = Parse(client::ParseOrder, *r, order_url);
  if (!order.ok()) co_return std::move(order).error();

  {
    TokenScope tokens(env.responder);
    for (const std::string& authz_url : order->authorizations) {
      Status s = co_await Authorize(env, account, authz_url, tokens, deadline);
      if (!s.ok()) co_return s;
    }
  }

  Result<std::string> csr = MakeCsr(env, index, names);
  if (!csr.ok()) co_return FlowError("client", csr.error().detail);
  r = co_await env.acme.Post(RequestType::kFinalize, account, order->finalize_url,
                             FinalizePayload(*csr));
  if (!r.ok()) co_return std::move(r).error();
  for (int attempt = 0;; ++attempt) {
    order = Parse(client::ParseOrder, *r, order_url);
    if (!order.ok()) co_return std::move(order).error();
    if (order->status == "valid") break;
    if (order->status != "processing" && order->status != "ready") {
      std::string why = order->error ? order->error->ShortType() : order->status;
      co_return FlowError("order-" + why, order_url + " is " + order->status);
    }
    if (!co_await WaitToPoll(env.config, attempt, r->retry_after, deadline))
      co_return FlowError("timeout", "order " + order_url + " still " + order->status);
    r = co_await env.acme.Post(RequestType::kPoll, account, order_url, "");
    if (!r.ok()) co_return std::move(r).error();
  }
  if (order->certificate_url.empty())
    co_return FlowError("protocol", "valid order " + order_url + " without a certificate URL");
  r = co_await env.acme.Post(RequestType::kCert, account, order->certificate_url, "");
  if (!r.ok()) co_return std::move(r).error();
  if (r->body.find("-----BEGIN CERTIFICATE-----") == std::string::npos)
    co_return FlowError("protocol", order->certificate_url + " did not return a PEM chain");
  if (!env.config.cert_dir.empty()) {
    std::string path = env.config.cert_dir + "/order-" + std::to_string(index) + ".pem";
    if (Status s = WriteFileAtomic(path, r->body); !s.ok())
      co_return FlowError("client", s.error().detail);
  }
  co_return OkStatus();
}

}  // namespace signet::bench
