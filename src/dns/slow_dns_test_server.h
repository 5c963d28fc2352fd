// Test-only: a tiny DNS server on 127.0.0.1 (UDP, ephemeral port) that
// answers every query late, or never, with an empty answer (NOERROR, no
// records: NODATA). For tests of deadlines: a resolver forwarding to it
// sees a slow but working server. A name can be given its own delay, a
// SERVFAIL, or one CAA record (0 issue "VALUE") for CAA queries. Header-only;
// used by dns_test and va_test.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cctype>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace signet::dns::test_support {

class SlowDnsServer {
 public:
  // `delay`: how long each answer waits; nullopt: queries are never answered.
  // `port`: 0 for an ephemeral one.
  explicit SlowDnsServer(std::optional<std::chrono::milliseconds> delay, uint16_t port = 0)
      : delay_(delay) {
    fd_ = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
      socklen_t len = sizeof addr;
      getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
      port_ = ntohs(addr.sin_port);
    }
    thread_ = std::thread([this] { Run(); });
  }
  ~SlowDnsServer() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }
  SlowDnsServer(const SlowDnsServer&) = delete;
  SlowDnsServer& operator=(const SlowDnsServer&) = delete;

  // "127.0.0.1:PORT", for UnboundResolver::Create.
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // Queries received so far (retransmissions included).
  int queries() const { return queries_; }
  // Distinct names asked about so far (any type).
  size_t names_asked() const {
    std::lock_guard lock(mu_);
    return names_asked_.size();
  }

  // The most queries ever waiting for their answer at once (those never to
  // be answered included): how many a client had in flight together.
  size_t max_in_flight() const { return max_in_flight_; }

  // Per-name behaviour, for names given lower-case without a trailing dot;
  // call before queries for the name arrive.
  // `name` answers after `delay` (nullopt: never) instead of the default.
  void SetDelay(const std::string& name, std::optional<std::chrono::milliseconds> delay) {
    std::lock_guard lock(mu_);
    rules_[name].delay = delay;
  }
  // CAA queries for `name` are answered with one record: 0 issue "VALUE".
  void SetCaaIssue(const std::string& name, const std::string& value) {
    std::lock_guard lock(mu_);
    rules_[name].caa_issue = value;
  }
  // Queries for `name` are answered SERVFAIL.
  void SetServfail(const std::string& name) {
    std::lock_guard lock(mu_);
    rules_[name].servfail = true;
  }

 private:
  using Clock = std::chrono::steady_clock;
  struct Rule {
    std::optional<std::optional<std::chrono::milliseconds>> delay;  // Unset: the default.
    std::optional<std::string> caa_issue;
    bool servfail = false;
  };
  struct Pending {
    Clock::time_point due;
    std::string reply;
    sockaddr_in to;
  };

  // The question's name (lower case, no trailing dot) and its end offset
  // (past QTYPE and QCLASS); end 0 if the query is too short.
  static std::pair<std::string, size_t> Question(const std::string& query) {
    std::string name;
    size_t at = 12;
    while (at < query.size() && query[at] != 0) {
      const size_t len = static_cast<unsigned char>(query[at]);
      if (at + 1 + len > query.size()) return {"", 0};
      if (!name.empty()) name += '.';
      for (size_t i = 0; i < len; ++i)
        name += static_cast<char>(std::tolower(static_cast<unsigned char>(query[at + 1 + i])));
      at += 1 + len;
    }
    const size_t end = at + 1 + 4;  // The root label, QTYPE, QCLASS.
    if (query.size() < 12 || end > query.size()) return {"", 0};
    return {name, end};
  }

  // The reply to `query`: its ID and question, QR and RA set, NOERROR and no
  // records unless `rule` says otherwise. Empty if the query is too short to
  // carry a question.
  static std::string Reply(const std::string& query, const Rule& rule) {
    const size_t end = Question(query).second;
    if (end == 0) return "";
    std::string reply = query.substr(0, end);
    reply[2] = static_cast<char>(0x80 | (query[2] & 0x01));       // QR, RD as asked.
    reply[3] = static_cast<char>(rule.servfail ? 0x82 : 0x80);    // RA, RCODE.
    const bool caa = static_cast<unsigned char>(query[end - 4]) == 1 &&
                     static_cast<unsigned char>(query[end - 3]) == 1;  // QTYPE 257.
    const char answers = caa && rule.caa_issue && !rule.servfail ? 1 : 0;
    const char counts[8] = {0, 1, 0, answers, 0, 0, 0, 0};  // QD=1, AN, NS=AR=0.
    reply.replace(4, 8, counts, 8);
    if (answers == 1) {
      const std::string rdata = std::string(1, '\0') + '\x05' + "issue" + *rule.caa_issue;
      // The question's name by pointer, CAA IN, TTL 0, RDATA.
      reply += std::string("\xc0\x0c\x01\x01\x00\x01\x00\x00\x00\x00", 10);
      reply += static_cast<char>(rdata.size() >> 8);
      reply += static_cast<char>(rdata.size() & 0xff);
      reply += rdata;
    }
    return reply;
  }

  void Run() {
    std::vector<Pending> pending;
    while (!stop_) {
      const Clock::time_point now = Clock::now();
      for (auto it = pending.begin(); it != pending.end();) {
        if (it->due > now) {
          ++it;
          continue;
        }
        sendto(fd_, it->reply.data(), it->reply.size(), 0,
               reinterpret_cast<const sockaddr*>(&it->to), sizeof it->to);
        it = pending.erase(it);
      }
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 10) <= 0) continue;
      char buf[1500];
      sockaddr_in from{};
      socklen_t from_len = sizeof from;
      const ssize_t n = recvfrom(fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from),
                                 &from_len);
      if (n <= 0) continue;
      ++queries_;
      const std::string query(buf, static_cast<size_t>(n));
      Rule rule;
      {
        std::lock_guard lock(mu_);
        const std::string name = Question(query).first;
        names_asked_.insert(name);
        if (auto it = rules_.find(name); it != rules_.end()) rule = it->second;
      }
      const std::optional<std::chrono::milliseconds> delay = rule.delay ? *rule.delay : delay_;
      if (!delay) {  // Never answered.
        ++never_;
        max_in_flight_ = std::max<size_t>(max_in_flight_, pending.size() + never_);
        continue;
      }
      std::string reply = Reply(query, rule);
      if (!reply.empty()) pending.push_back({Clock::now() + *delay, std::move(reply), from});
      max_in_flight_ = std::max<size_t>(max_in_flight_, pending.size() + never_);
    }
  }

  std::optional<std::chrono::milliseconds> delay_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> queries_{0};
  std::atomic<size_t> max_in_flight_{0};
  size_t never_ = 0;  // Queries left unanswered for good (server thread only).
  mutable std::mutex mu_;
  std::map<std::string, Rule> rules_;         // GUARDED_BY(mu_)
  std::set<std::string> names_asked_;         // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace signet::dns::test_support
