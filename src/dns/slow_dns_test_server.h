// Test-only: a tiny DNS server on 127.0.0.1 (UDP, ephemeral port) that
// answers every query late, or never, with an empty answer (NOERROR, no
// records: NODATA). For tests of deadlines: a resolver forwarding to it
// sees a slow but working server. Header-only; used by dns_test and va_test.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
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

 private:
  using Clock = std::chrono::steady_clock;
  struct Pending {
    Clock::time_point due;
    std::string reply;
    sockaddr_in to;
  };

  // The reply to `query`: its ID and question, QR and RA set, NOERROR, no
  // records. Empty if the query is too short to carry a question.
  static std::string Reply(const std::string& query) {
    size_t end = 12;
    while (end < query.size() && query[end] != 0) end += 1 + static_cast<unsigned char>(query[end]);
    end += 1 + 4;  // The root label, QTYPE, QCLASS.
    if (query.size() < 12 || end > query.size()) return "";
    std::string reply = query.substr(0, end);
    reply[2] = static_cast<char>(0x80 | (query[2] & 0x01));  // QR, RD as asked.
    reply[3] = static_cast<char>(0x80);                      // RA, RCODE 0.
    const char counts[8] = {0, 1, 0, 0, 0, 0, 0, 0};          // QD=1, AN=NS=AR=0.
    reply.replace(4, 8, counts, 8);
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
      if (!delay_) continue;  // Never answered.
      std::string reply = Reply(std::string(buf, static_cast<size_t>(n)));
      if (!reply.empty()) pending.push_back({Clock::now() + *delay_, std::move(reply), from});
    }
  }

  std::optional<std::chrono::milliseconds> delay_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> queries_{0};
  std::thread thread_;
};

}  // namespace signet::dns::test_support
