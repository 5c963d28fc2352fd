#include "bench/challenge_responder.h"

#include <boost/asio.hpp>
#include <unordered_map>

#include "bench/http01_wire.h"

namespace signet::bench {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
constexpr auto kUse = asio::as_tuple(asio::use_awaitable);
constexpr size_t kMaxHeadBytes = 16 * 1024;
constexpr auto kIdleLimit = std::chrono::seconds(10);
}  // namespace

struct ChallengeResponder::Impl {
  asio::io_context& ioc;
  tcp::acceptor acceptor{ioc};
  std::unordered_map<std::string, std::string> answers;  // token -> key authorization
  int64_t served = 0;
  int64_t not_found = 0;
  bool stopped = false;

  explicit Impl(asio::io_context& io) : ioc(io) {}

  std::string Answer(std::string_view head) {
    std::optional<ChallengeRequest> req = ParseChallengeRequest(head);
    if (!req) return ChallengeResponse(400, "", false);
    bool is_head = req->method == "HEAD";
    auto it = req->token.empty() ? answers.end() : answers.find(req->token);
    if (it == answers.end()) {
      ++not_found;
      return ChallengeResponse(404, "", is_head);
    }
    ++served;
    return ChallengeResponse(200, it->second, is_head);
  }

  // `self` keeps the Impl alive while the connection lives; the socket is
  // shared with the idle timer's handler, which may run after we return.
  static asio::awaitable<void> Serve(std::shared_ptr<Impl> self, tcp::socket s) {
    auto socket = std::make_shared<tcp::socket>(std::move(s));
    asio::steady_timer timer(self->ioc);
    timer.expires_after(kIdleLimit);
    timer.async_wait([socket](boost::system::error_code ec) {
      if (!ec) socket->close(ec);  // a silent validator: give up on it
    });
    std::string buffer;
    auto [ec, n] = co_await asio::async_read_until(
        *socket, asio::dynamic_buffer(buffer, kMaxHeadBytes), "\r\n\r\n", kUse);
    if (!ec) {
      std::string response = self->Answer(std::string_view(buffer).substr(0, n));
      co_await asio::async_write(*socket, asio::buffer(response), kUse);
      boost::system::error_code ignored;
      socket->shutdown(tcp::socket::shutdown_send, ignored);
    }
    timer.cancel();
  }

  static asio::awaitable<void> Accept(std::shared_ptr<Impl> self) {
    while (!self->stopped) {
      auto [ec, socket] = co_await self->acceptor.async_accept(kUse);
      if (ec) {
        if (self->stopped || ec == asio::error::operation_aborted) co_return;
        continue;  // e.g. EMFILE: keep serving the connections we have
      }
      asio::co_spawn(self->ioc, Serve(self, std::move(socket)), asio::detached);
    }
  }
};

ChallengeResponder::ChallengeResponder(asio::io_context& ioc) : impl_(std::make_shared<Impl>(ioc)) {}

ChallengeResponder::~ChallengeResponder() { Stop(); }

Status ChallengeResponder::Listen(const std::string& address, uint16_t port) {
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(address, ec);
  if (ec) return Error(ErrorCode::kMalformed, "bad HTTP-01 listen address " + address);
  tcp::endpoint ep(addr, port);
  tcp::acceptor& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return Error(ErrorCode::kConnection, "cannot listen for HTTP-01 on " + address + ":" +
                                             std::to_string(port) + ": " + ec.message());
  asio::co_spawn(impl_->ioc, Impl::Accept(impl_), asio::detached);
  return OkStatus();
}

void ChallengeResponder::Stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
}

void ChallengeResponder::Set(const std::string& token, std::string key_authorization) {
  impl_->answers[token] = std::move(key_authorization);
}

void ChallengeResponder::Erase(const std::string& token) { impl_->answers.erase(token); }

int64_t ChallengeResponder::served() const { return impl_->served; }

int64_t ChallengeResponder::not_found() const { return impl_->not_found; }

}  // namespace signet::bench
