#include "dns/unbound_resolver.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <unbound.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <mutex>

namespace signet::dns {
namespace {

constexpr int kTypeA = 1;
constexpr int kTypeAaaa = 28;
constexpr int kClassIn = 1;
constexpr int kRcodeServfail = 2;
constexpr int kRcodeNxdomain = 3;

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

// libunbound's answer for one query type, filled in by the callback.
struct Slot {
  bool done = false;
  int err = 0;
  ub_result* result = nullptr;  // Owned; freed by ~LookupState.
  int async_id = 0;
};

// Shared by LookupHost and the callbacks, which may outlive a timed-out call.
struct LookupState {
  std::mutex mu;
  std::condition_variable cv;
  Slot slots[2];  // 0: A, 1: AAAA.
  ~LookupState() {
    for (Slot& s : slots) {
      if (s.result != nullptr) ub_resolve_free(s.result);
    }
  }
};

// The callback argument. Deleted by the callback, or by LookupHost when
// ub_cancel succeeds (then libunbound never calls the callback).
struct Ticket {
  std::shared_ptr<LookupState> state;
  int slot;
};

void OnAnswer(void* arg, int err, ub_result* result) {
  auto* ticket = static_cast<Ticket*>(arg);
  {
    std::lock_guard lock(ticket->state->mu);
    Slot& slot = ticket->state->slots[ticket->slot];
    slot.done = true;
    slot.err = err;
    slot.result = result;
  }
  ticket->state->cv.notify_all();
  delete ticket;
}

std::string TypeName(int slot) { return slot == 0 ? "A" : "AAAA"; }

// Addresses of one answer, or the kDns error it represents.
Result<std::vector<std::string>> ParseSlot(const Slot& slot, int index,
                                           const std::string& name) {
  const std::string what = " looking up " + TypeName(index) + " for " + name;
  if (!slot.done) return Error(ErrorCode::kDns, "DNS problem: query timed out" + what);
  if (slot.err != 0 || slot.result == nullptr) {
    return Error(ErrorCode::kDns, std::string("DNS problem: ") + ub_strerror(slot.err) + what);
  }
  const ub_result& r = *slot.result;
  if (r.bogus) {
    return Error(ErrorCode::kDns, std::string("DNSSEC validation failure: ") +
                                      (r.why_bogus ? r.why_bogus : "bogus answer") + what);
  }
  if (r.rcode == kRcodeNxdomain || r.nxdomain) {
    return Error(ErrorCode::kDns, "DNS problem: NXDOMAIN" + what);
  }
  if (r.rcode == kRcodeServfail) return Error(ErrorCode::kDns, "DNS problem: SERVFAIL" + what);
  if (r.rcode != 0) {
    return Error(ErrorCode::kDns, "DNS problem: rcode " + std::to_string(r.rcode) + what);
  }
  std::vector<std::string> out;
  const int family = index == 0 ? AF_INET : AF_INET6;
  const int want_len = index == 0 ? 4 : 16;
  for (int i = 0; r.havedata && r.data[i] != nullptr; ++i) {
    if (r.len[i] != want_len) continue;
    char text[INET6_ADDRSTRLEN];
    if (inet_ntop(family, r.data[i], text, sizeof text) != nullptr) out.emplace_back(text);
  }
  return out;
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
Status Configure(ub_ctx* ctx, const std::string& forwarder) {
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
  // Every validation must see the current DNS: keep nothing in the cache.
  SIGNET_RETURN_IF_ERROR(CheckUb(ub_ctx_set_option(ctx, "cache-max-ttl:", "0"),
                                 "cache-max-ttl"));
  SIGNET_RETURN_IF_ERROR(CheckUb(ub_ctx_set_option(ctx, "cache-max-negative-ttl:", "0"),
                                 "cache-max-negative-ttl"));
  return CheckUb(ub_ctx_async(ctx, 1), "enabling threaded async mode");
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

Result<std::unique_ptr<UnboundResolver>> UnboundResolver::Create(
    const std::string& server, std::chrono::milliseconds timeout) {
  SIGNET_ASSIGN_OR_RETURN(std::string forwarder, ToUnboundForwarder(server));
  ub_ctx* ctx = ub_ctx_create();
  if (ctx == nullptr) return Error(ErrorCode::kServerInternal, "libunbound: ub_ctx_create failed");
  Status configured = Configure(ctx, forwarder);
  if (!configured.ok()) {
    ub_ctx_delete(ctx);
    return std::move(configured).error();
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    ub_ctx_delete(ctx);
    return Error(ErrorCode::kServerInternal, "pipe2 failed for the DNS resolver");
  }
  return std::unique_ptr<UnboundResolver>(new UnboundResolver(ctx, fds[0], fds[1], timeout));
}

UnboundResolver::UnboundResolver(ub_ctx* ctx, int wake_read, int wake_write,
                                 std::chrono::milliseconds timeout)
    : ctx_(ctx), wake_read_(wake_read), wake_write_(wake_write), timeout_(timeout) {
  pump_ = std::thread([this] { Pump(); });
}

UnboundResolver::~UnboundResolver() {
  const char byte = 1;
  while (write(wake_write_, &byte, 1) < 0 && errno == EINTR) {
  }
  pump_.join();
  ub_ctx_delete(ctx_);
  close(wake_read_);
  close(wake_write_);
}

// Delivers answers: ub_process runs the callbacks on this thread.
void UnboundResolver::Pump() {
  pollfd fds[2] = {{ub_fd(ctx_), POLLIN, 0}, {wake_read_, POLLIN, 0}};
  for (;;) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;  // Lookups then end by their deadline.
    }
    if (fds[1].revents != 0) return;
    if (fds[0].revents != 0) ub_process(ctx_);
  }
}

Result<std::vector<std::string>> UnboundResolver::LookupHost(const std::string& name) {
  auto state = std::make_shared<LookupState>();
  Ticket* tickets[2] = {nullptr, nullptr};
  const int types[2] = {kTypeA, kTypeAaaa};
  for (int i = 0; i < 2; ++i) {
    tickets[i] = new Ticket{state, i};
    int id = 0;
    int rc = ub_resolve_async(ctx_, name.c_str(), types[i], kClassIn, tickets[i], OnAnswer, &id);
    std::lock_guard lock(state->mu);
    state->slots[i].async_id = id;
    if (rc != 0) {  // Never registered: record the error, free the ticket.
      delete tickets[i];
      tickets[i] = nullptr;
      state->slots[i].done = true;
      state->slots[i].err = rc;
    }
  }
  std::unique_lock lock(state->mu);
  state->cv.wait_for(lock, timeout_,
                     [&] { return state->slots[0].done && state->slots[1].done; });
  for (int i = 0; i < 2; ++i) {
    // A successful cancel means the callback will never run: free its ticket.
    // Otherwise the callback has run or is about to, and frees it itself.
    if (!state->slots[i].done && ub_cancel(ctx_, state->slots[i].async_id) == 0) {
      delete tickets[i];
    }
  }
  Result<std::vector<std::string>> a = ParseSlot(state->slots[0], 0, name);
  Result<std::vector<std::string>> aaaa = ParseSlot(state->slots[1], 1, name);
  lock.unlock();
  std::vector<std::string> out;
  if (a.ok()) out = *a;
  if (aaaa.ok()) out.insert(out.end(), aaaa->begin(), aaaa->end());
  if (!out.empty()) return out;
  if (!a.ok()) return std::move(a).error();
  if (!aaaa.ok()) return std::move(aaaa).error();
  return Error(ErrorCode::kDns, "No valid IP addresses found for " + name);
}

}  // namespace signet::dns
