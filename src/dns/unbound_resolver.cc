#include "dns/unbound_resolver.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <unbound.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <optional>

#include "dns/rdata.h"
#include "dns/unbound_query.h"

namespace signet::dns {
namespace {

constexpr int kTypeA = 1;
constexpr int kTypeTxt = 16;
constexpr int kTypeAaaa = 28;
constexpr int kTypeCaa = 257;
// Queries in flight at once on one context (libunbound's outgoing-range).
constexpr char kOutgoingPorts[] = "512";

bool IsIpLiteral(const std::string& s, int family) {
  unsigned char buf[16];
  return inet_pton(family, s.c_str(), buf) == 1;
}

Result<uint16_t> ParsePort(std::string_view text, const std::string& server) {
  unsigned port = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc() || end != text.data() + text.size() || port == 0 ||
      port > 65535) {
    return Error(ErrorCode::kMalformed, "invalid port in DNS server address \"" + server + "\"");
  }
  return static_cast<uint16_t>(port);
}

// The addresses of one A or AAAA answer.
std::vector<std::string> Addresses(const ub_result& r, int family) {
  std::vector<std::string> out;
  const int want_len = family == AF_INET ? 4 : 16;
  for (int i = 0; r.havedata && r.data[i] != nullptr; ++i) {
    if (r.len[i] != want_len) continue;
    char text[INET6_ADDRSTRLEN];
    if (inet_ntop(family, r.data[i], text, sizeof text) != nullptr) out.emplace_back(text);
  }
  return out;
}

// The records of one answer, each RDATA parsed by `parse`; the first
// malformed one makes the whole lookup an error naming the name.
template <typename T, typename Parse>
Result<Answer<T>> ParseAnswer(const ub_result& r, const std::string& name, Parse parse) {
  Answer<T> answer;
  answer.secure = r.secure != 0;
  answer.canonical_name = r.canonname != nullptr ? r.canonname : name;
  for (int i = 0; r.havedata && r.data[i] != nullptr; ++i) {
    Result<T> record = parse(std::string_view(r.data[i], static_cast<size_t>(r.len[i])));
    if (!record.ok()) {
      Error error = std::move(record).error();
      error.detail += " at " + name;
      return error;
    }
    answer.records.push_back(std::move(*record));
  }
  return answer;
}

Status CheckUb(int rc, const std::string& what) {
  if (rc == 0) return OkStatus();
  return Error(ErrorCode::kServerInternal,
               "libunbound: " + what + " failed: " + ub_strerror(rc));
}

// Configures `ctx` or fails: the forwarder first, so that no later step can
// leave a context that would recurse from the root servers. ub_ctx_set_fwd
// makes a "forward-zone: ." with forward-first: no, so a dead forwarder is a
// SERVFAIL, never a fallback to recursion.
Status Configure(ub_ctx* ctx, const std::string& forwarder, const UnboundOptions& options) {
  SIGNET_RETURN_IF_ERROR(CheckUb(ub_ctx_set_fwd(ctx, forwarder.c_str()),
                                 "setting forwarder " + forwarder));
  SIGNET_RETURN_IF_ERROR(CheckUb(ub_ctx_set_option(ctx, "do-not-query-localhost:", "no"),
                                 "do-not-query-localhost"));
  // RFC 6761 "test." names go to the forwarder too (the upstream of a test
  // bed decides them) instead of libunbound's built-in NXDOMAIN zone: a
  // transparent local zone without data resolves normally. ("nodefault" is
  // not honoured by libunbound 1.17's set_option path.)
  SIGNET_RETURN_IF_ERROR(CheckUb(ub_ctx_set_option(ctx, "local-zone:", "test. transparent"),
                                 "local-zone test. transparent"));
  // libunbound's default of 16 outgoing ports is 16 queries in flight for
  // the whole context (every validation shares it): a CAA climb asks every
  // label at once, and concurrent validations add up. kOutgoingPorts
  // sockets at most, opened as needed.
  SIGNET_RETURN_IF_ERROR(CheckUb(ub_ctx_set_option(ctx, "outgoing-range:", kOutgoingPorts),
                                 "outgoing-range"));
  // Every validation must see the current DNS: keep nothing in the cache.
  SIGNET_RETURN_IF_ERROR(CheckUb(ub_ctx_set_option(ctx, "cache-max-ttl:", "0"),
                                 "cache-max-ttl"));
  SIGNET_RETURN_IF_ERROR(CheckUb(ub_ctx_set_option(ctx, "cache-max-negative-ttl:", "0"),
                                 "cache-max-negative-ttl"));
  for (const std::string& anchor : options.trust_anchors) {
    SIGNET_RETURN_IF_ERROR(CheckUb(ub_ctx_add_ta(ctx, anchor.c_str()),
                                   "adding trust anchor \"" + anchor + "\""));
  }
  for (const std::string& file : options.trust_anchor_files) {
    SIGNET_RETURN_IF_ERROR(CheckUb(ub_ctx_add_ta_file(ctx, file.c_str()),
                                   "adding trust anchor file " + file));
  }
  SIGNET_RETURN_IF_ERROR(CheckUb(ub_ctx_async(ctx, 1), "enabling threaded async mode"));
  // libunbound reads the configuration (trust anchors included) only when it
  // finalizes the context, which adding a local zone does: do it now, so a
  // bad anchor fails Create instead of every later lookup. The zone is the
  // same "test. transparent" as above.
  return CheckUb(ub_ctx_zone_add(ctx, "test.", "transparent"),
                 "applying the configuration (trust anchors, modules)");
}

// The addresses of a host's A and AAAA outcomes, or the error they stand for.
Result<std::vector<std::string>> HostAnswer(const std::vector<internal::QueryOutcome>& outcomes,
                                            const std::string& name) {
  Result<const ub_result*> a = internal::CheckOutcome(outcomes[0], "A", name, false);
  Result<const ub_result*> aaaa = internal::CheckOutcome(outcomes[1], "AAAA", name, false);
  std::vector<std::string> out;
  if (a.ok()) out = Addresses(**a, AF_INET);
  if (aaaa.ok()) {
    std::vector<std::string> v6 = Addresses(**aaaa, AF_INET6);
    out.insert(out.end(), v6.begin(), v6.end());
  }
  if (!out.empty()) return out;
  if (!a.ok()) return std::move(a).error();
  if (!aaaa.ok()) return std::move(aaaa).error();
  return Error(ErrorCode::kDns, "No valid IP addresses found for " + name);
}

Result<TxtAnswer> TxtAnswerOf(const internal::QueryOutcome& outcome, const std::string& name) {
  SIGNET_ASSIGN_OR_RETURN(const ub_result* r, internal::CheckOutcome(outcome, "TXT", name, true));
  SIGNET_ASSIGN_OR_RETURN(TxtAnswer answer, ParseAnswer<std::string>(*r, name, ParseTxtRdata));
  SIGNET_RETURN_IF_ERROR(CheckTxtLimits(answer.records, name));
  return answer;
}

Result<CaaAnswer> CaaAnswerOf(const internal::QueryOutcome& outcome, const std::string& name) {
  SIGNET_ASSIGN_OR_RETURN(const ub_result* r, internal::CheckOutcome(outcome, "CAA", name, true));
  return ParseAnswer<CaaRecord>(*r, name, ParseCaaRdata);
}

}  // namespace

Result<std::string> ToUnboundForwarder(const std::string& server) {
  const Error bad(ErrorCode::kMalformed, "invalid DNS server address \"" + server +
                                             "\" (want IP, IP:PORT or [IPv6]:PORT)");
  if (IsIpLiteral(server, AF_INET) || IsIpLiteral(server, AF_INET6)) return server + "@53";
  std::string host;
  std::string_view port_text;
  if (!server.empty() && server.front() == '[') {
    const size_t close = server.find(']');
    if (close == std::string::npos || close + 1 >= server.size() || server[close + 1] != ':') {
      return bad;
    }
    host = server.substr(1, close - 1);
    if (!IsIpLiteral(host, AF_INET6)) return bad;
    port_text = std::string_view(server).substr(close + 2);
  } else {
    const size_t colon = server.rfind(':');
    if (colon == std::string::npos) return bad;
    host = server.substr(0, colon);
    if (!IsIpLiteral(host, AF_INET)) return bad;
    port_text = std::string_view(server).substr(colon + 1);
  }
  SIGNET_ASSIGN_OR_RETURN(uint16_t port, ParsePort(port_text, server));
  return host + "@" + std::to_string(port);
}

struct UnboundResolver::Context {
  Context(ub_ctx* c, int r, int w) : ctx(c), wake_read(r), wake_write(w) {
    pump = std::thread([this] { Pump(); });
  }
  ~Context() {
    const char byte = 1;
    while (write(wake_write, &byte, 1) < 0 && errno == EINTR) {
    }
    pump.join();
    ub_ctx_delete(ctx);
    close(wake_read);
    close(wake_write);
  }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  // Delivers answers: ub_process runs the callbacks on this thread.
  void Pump() {
    pollfd fds[2] = {{ub_fd(ctx), POLLIN, 0}, {wake_read, POLLIN, 0}};
    for (;;) {
      if (poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        return;  // Lookups then end by their deadline.
      }
      if (fds[1].revents != 0) return;
      if (fds[0].revents != 0) ub_process(ctx);
    }
  }

  ub_ctx* ctx;
  int wake_read;  // Pipe that tells the pump thread to stop.
  int wake_write;
  std::thread pump;
};

Result<std::shared_ptr<UnboundResolver::Context>> UnboundResolver::NewContext(
    const std::string& forwarder, const UnboundOptions& options) {
  ub_ctx* ctx = ub_ctx_create();
  if (ctx == nullptr) return Error(ErrorCode::kServerInternal, "libunbound: ub_ctx_create failed");
  Status configured = Configure(ctx, forwarder, options);
  if (!configured.ok()) {
    ub_ctx_delete(ctx);
    return std::move(configured).error();
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    ub_ctx_delete(ctx);
    return Error(ErrorCode::kServerInternal, "pipe2 failed for the DNS resolver");
  }
  return std::make_shared<Context>(ctx, fds[0], fds[1]);
}

Result<std::unique_ptr<UnboundResolver>> UnboundResolver::Create(
    const std::string& server, std::chrono::milliseconds timeout,
    const UnboundOptions& options) {
  SIGNET_ASSIGN_OR_RETURN(std::string forwarder, ToUnboundForwarder(server));
  SIGNET_ASSIGN_OR_RETURN(std::shared_ptr<Context> context, NewContext(forwarder, options));
  return std::unique_ptr<UnboundResolver>(
      new UnboundResolver(std::move(context), std::move(forwarder), options, timeout));
}

UnboundResolver::UnboundResolver(std::shared_ptr<Context> context, std::string forwarder,
                                 UnboundOptions options, std::chrono::milliseconds timeout)
    : forwarder_(std::move(forwarder)),
      options_(std::move(options)),
      timeout_(timeout),
      context_(std::move(context)) {}

UnboundResolver::~UnboundResolver() = default;

std::shared_ptr<UnboundResolver::Context> UnboundResolver::Current() {
  std::lock_guard<std::mutex> lock(mu_);
  return context_;
}

void UnboundResolver::RenewAfterFailure(const std::shared_ptr<Context>& used) {
  std::shared_ptr<Context> old;  // destroyed (its pump joined) outside the lock
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto now = std::chrono::steady_clock::now();
    if (context_ != used || now - renewed_at_ < kRenewInterval) return;
    renewed_at_ = now;
  }
  // Made outside the lock (it reads trust anchor files, starts a thread).
  Result<std::shared_ptr<Context>> fresh = NewContext(forwarder_, options_);
  if (!fresh.ok()) return;  // keep the old one: still a working configuration
  std::lock_guard<std::mutex> lock(mu_);
  old = std::exchange(context_, std::move(*fresh));
}

template <typename T>
Result<T> UnboundResolver::Track(Result<T> result, bool wanted_an_answer) {
  if (!options_.on_server_state) return result;
  bool report = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (wanted_an_answer) {
      report = ++failures_in_a_row_ == kFailuresToReport && !reported_down_;
      if (report) reported_down_ = true;
    } else {
      failures_in_a_row_ = 0;
      report = std::exchange(reported_down_, false);
    }
  }
  if (report)
    options_.on_server_state(!wanted_an_answer,
                             result.ok() ? std::string() : result.error().detail);
  return result;
}

std::chrono::milliseconds UnboundResolver::Wait(Deadline deadline) const {
  const auto now = std::chrono::steady_clock::now();
  if (deadline - now >= timeout_) return timeout_;  // Also kNoDeadline, without overflow.
  // Rounded up: a deadline 0.4 ms away still gets one (short) wait.
  return std::max(std::chrono::milliseconds(1),
                  std::chrono::ceil<std::chrono::milliseconds>(deadline - now));
}

Result<std::vector<std::string>> UnboundResolver::DoLookupHost(const std::string& name,
                                                               Deadline deadline) {
  std::shared_ptr<Context> context = Current();
  std::vector<internal::QueryOutcome> outcomes =
      internal::ResolveTypes(context->ctx, name, {kTypeA, kTypeAaaa}, Wait(deadline));
  const bool failed =
      internal::WantedAnAnswer(outcomes[0]) && internal::WantedAnAnswer(outcomes[1]);
  if (internal::WantedAnAnswer(outcomes[0]) || internal::WantedAnAnswer(outcomes[1]))
    RenewAfterFailure(context);
  return Track(HostAnswer(outcomes, name), failed);
}

Result<TxtAnswer> UnboundResolver::DoLookupTxt(const std::string& name, Deadline deadline) {
  std::shared_ptr<Context> context = Current();
  std::vector<internal::QueryOutcome> outcomes =
      internal::ResolveTypes(context->ctx, name, {kTypeTxt}, Wait(deadline));
  const bool failed = internal::WantedAnAnswer(outcomes[0]);
  if (failed) RenewAfterFailure(context);
  return Track(TxtAnswerOf(outcomes[0], name), failed);
}

Result<CaaAnswer> UnboundResolver::DoLookupCaa(const std::string& name, Deadline deadline) {
  std::shared_ptr<Context> context = Current();
  std::vector<internal::QueryOutcome> outcomes =
      internal::ResolveTypes(context->ctx, name, {kTypeCaa}, Wait(deadline));
  const bool failed = internal::WantedAnAnswer(outcomes[0]);
  if (failed) RenewAfterFailure(context);
  return Track(CaaAnswerOf(outcomes[0], name), failed);
}

CaaAnswers UnboundResolver::DoLookupCaaAll(const std::vector<std::string>& names,
                                           Deadline deadline, const CaaEnough& enough) {
  std::shared_ptr<Context> context = Current();
  const auto until = std::chrono::steady_clock::now() + Wait(deadline);
  std::vector<internal::QueryBatch::Query> queries;
  for (const std::string& name : names) queries.push_back({name, kTypeCaa});
  internal::QueryBatch batch(context->ctx, queries);
  CaaAnswers answers(names.size());
  bool any_failed = false;   // Some lookup got no answer (renew the context).
  bool any_answer = false;   // Some lookup got one: the server is answering.
  std::optional<Error> first_failure;
  bool settled = false;
  while (!settled && batch.outstanding() > 0) {
    std::vector<std::pair<size_t, internal::QueryOutcome>> answered = batch.TakeAnswered(until);
    if (answered.empty()) break;  // The wait is over.
    for (auto& [i, outcome] : answered) {
      const bool failed = internal::WantedAnAnswer(outcome);
      answers[i] = CaaAnswerOf(outcome, names[i]);
      any_failed |= failed;
      any_answer |= !failed;
      if (failed && !first_failure && !answers[i]->ok()) first_failure = answers[i]->error();
    }
    settled = enough(answers);
  }
  if (!settled && batch.outstanding() > 0) {  // The wait ran out.
    any_failed = true;
    for (size_t i = 0; i < names.size(); ++i) {
      if (answers[i]) continue;
      answers[i] = CaaAnswerOf(internal::QueryOutcome{}, names[i]);  // "query timed out"
      if (!first_failure) first_failure = answers[i]->error();
    }
  }
  // The batch counts as one lookup for the server's state: a failure only
  // when nothing answered (a SERVFAIL for one zone, say a parent nobody
  // needed, while the others answer is no sign of an outage).
  if (any_answer)
    (void)Track(Result<CaaAnswer>(CaaAnswer{}), false);
  else if (first_failure)
    (void)Track(Result<CaaAnswer>(*first_failure), true);
  if (any_failed) RenewAfterFailure(context);
  return answers;
}

}  // namespace signet::dns
