// The HTTP/1.1 client core (client_core.h): the only translation unit of the
// clients that includes Boost.Beast. Each step is one asynchronous operation;
// beast::tcp_stream's expiry turns a deadline into error::timeout.
#include "http/client_core.h"

#include <arpa/inet.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <filesystem>
#include <sstream>

#include "base/fuzz_record.h"

namespace signet::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using ErrorCodeT = beast::error_code;
using Parser = bhttp::response_parser<bhttp::string_body>;

namespace {

constexpr auto kUse = asio::as_tuple(asio::use_awaitable);

NetError Fail(NetStage stage, const ErrorCodeT& ec, bool nothing_received = false) {
  NetFault fault = NetFault::kOther;
  if (ec == beast::error::timeout) {
    fault = NetFault::kTimeout;
  } else if (ec == asio::error::timed_out) {
    fault = NetFault::kSystemTimeout;
  } else if (ec == asio::error::connection_refused) {
    fault = NetFault::kRefused;
  } else if (ec == asio::error::connection_reset) {
    fault = NetFault::kReset;
  } else if (ec == asio::error::network_unreachable || ec == asio::error::host_unreachable) {
    fault = NetFault::kUnreachable;
  } else if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
             ec == asio::error::eof) {
    fault = NetFault::kClosed;
  } else if (ec == ssl::error::stream_truncated) {
    fault = NetFault::kTlsTruncated;
  }
  return NetError{stage, fault, ec.message(), nothing_received};
}

bool IsIpLiteral(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// True if a read error still left a usable message: a TLS peer that closed
// without close_notify after a body delimited by the end of the stream.
bool FinishTruncatedTls(const ErrorCodeT& ec, Parser& parser) {
  if (ec != ssl::error::stream_truncated || !parser.is_header_done()) return false;
  if (parser.is_done()) return true;
  if (parser.chunked() || parser.content_length()) return false;
  ErrorCodeT eof_ec;
  parser.put_eof(eof_ec);
  return !eof_ec && parser.is_done();
}

void SetUp(Parser& parser, const ReadLimits& limits, bool head) {
  parser.body_limit(limits.max_body_bytes);
  parser.header_limit(limits.max_header_bytes);
  if (head) parser.skip(true);
}

// What a caller keeps of a read that ended with `ec` (maybe none).
std::optional<NetError> Finish(Parser& parser, ErrorCodeT ec, const ReadLimits& limits,
                               ClientResponse& out) {
  const bool clean = !ec;  // a truncated or cut message leaves the connection unusable
  if (ec && ec != bhttp::error::body_limit && FinishTruncatedTls(ec, parser)) ec = {};
  if (!limits.fuzz_target.empty() && !FuzzRecordDir().empty() && parser.is_header_done()) {
    std::ostringstream raw;  // Beast's serialization of what was read.
    raw << parser.get();
    RecordFuzzInput(limits.fuzz_target, raw.str());
  }
  if (ec == bhttp::error::body_limit && parser.is_header_done()) {
    out.body_truncated = true;
  } else if (ec) {
    return Fail(NetStage::kRead, ec, !parser.got_some() && ec != beast::error::timeout);
  }
  auto& msg = parser.get();
  out.keep_alive = clean && msg.keep_alive();
  out.response.status = static_cast<int>(msg.result_int());
  out.response.headers.clear();
  for (const auto& f : msg)
    out.response.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  if (!out.body_truncated) out.response.body = std::move(msg.body());
  return std::nullopt;
}

bhttp::request<bhttp::string_body> Build(const ClientRequest& r) {
  bhttp::request<bhttp::string_body> req;
  bhttp::verb verb = bhttp::string_to_verb(r.method);
  if (verb == bhttp::verb::unknown)
    req.method_string(r.method);
  else
    req.method(verb);
  req.target(r.target);
  req.version(11);
  req.set(bhttp::field::host, r.host);
  bool has_agent = false;
  for (const auto& [name, value] : r.headers) has_agent |= EqualsIgnoreCase(name, "User-Agent");
  if (!has_agent && !r.user_agent.empty()) req.set(bhttp::field::user_agent, r.user_agent);
  for (const auto& [name, value] : r.headers) req.insert(name, value);
  if (!r.keep_alive) req.keep_alive(false);
  req.body() = r.body;
  req.prepare_payload();
  return req;
}

}  // namespace

// ---- TLS context and session slots ----

struct TlsClientContext::Impl {
  ssl::context ctx{ssl::context::tls_client};
  bool verify = true;
};

struct TlsSessionSlot::Impl {
  std::unique_ptr<SSL_SESSION, decltype(&SSL_SESSION_free)> session{nullptr, &SSL_SESSION_free};
};

TlsSessionSlot::TlsSessionSlot() : impl_(std::make_unique<Impl>()) {}
TlsSessionSlot::~TlsSessionSlot() = default;

namespace {

// Our ex_data slot on each SSL: its TlsSessionSlot. (Asio owns SSL app data.)
int SlotIndex() {
  static const int kIndex = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return kIndex;
}

// OpenSSL calls this with each new client session (TLS 1.3: per ticket);
// the slot keeps the newest. Returning 1 takes ownership.
int OnNewSession(SSL* ssl, SSL_SESSION* session) {
  auto* slot = static_cast<TlsSessionSlot::Impl*>(SSL_get_ex_data(ssl, SlotIndex()));
  if (slot == nullptr) return 0;
  slot->session.reset(session);
  return 1;
}

Status LoadTrust(ssl::context& ctx, const std::string& ca_file) {
  ErrorCodeT ec;
  if (ca_file.empty()) {
    ctx.set_default_verify_paths(ec);
    if (ec) return Error(ErrorCode::kTls, "cannot load the system trust store: " + ec.message());
    return OkStatus();
  }
  std::error_code fec;
  if (!std::filesystem::is_regular_file(ca_file, fec))
    return Error(ErrorCode::kTls, "cannot read the CA file " + ca_file);
  ctx.load_verify_file(ca_file, ec);
  if (ec)
    return Error(ErrorCode::kTls,
                 "cannot load trusted certificates from " + ca_file + ": " + ec.message());
  return OkStatus();
}

}  // namespace

TlsClientContext::TlsClientContext(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsClientContext::~TlsClientContext() = default;

Result<std::unique_ptr<TlsClientContext>> TlsClientContext::Create(const TlsClientOptions& o) {
  auto impl = std::make_unique<Impl>();
  SSL_CTX* native = impl->ctx.native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  if (o.resume_sessions) {
    SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(native, &OnNewSession);
  }
  impl->verify = o.verify_peer;
  ErrorCodeT ec;
  impl->ctx.set_verify_mode(o.verify_peer ? ssl::verify_peer : ssl::verify_none, ec);
  if (o.verify_peer) SIGNET_RETURN_IF_ERROR(LoadTrust(impl->ctx, o.ca_file));
  if (!o.client_cert_pem.empty()) {
    impl->ctx.use_certificate_chain(asio::buffer(o.client_cert_pem), ec);
    if (!ec) impl->ctx.use_private_key(asio::buffer(o.client_key_pem), ssl::context::pem, ec);
    if (ec) return Error(ErrorCode::kTls, "cannot load the client certificate: " + ec.message());
  }
  return std::unique_ptr<TlsClientContext>(new TlsClientContext(std::move(impl)));
}

// ---- connections ----

struct ClientConnection::Impl {
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;  // bytes read past the previous response
  bool resumed = false;
  bool ended_cleanly = false;  // the last exchange read a whole response, no error

  // OpenSSL marks the session of an SSL freed without a TLS shutdown as not
  // resumable (a truncation attack could have cut it). After a whole
  // response that is not so: mark the shutdown done, without sending the
  // alert (the socket closes at once), so that a TlsSessionSlot's ticket
  // stays usable.
  ~Impl() {
    if (tls && ended_cleanly) {
      SSL* s = tls->native_handle();
      SSL_set_quiet_shutdown(s, 1);
      SSL_shutdown(s);
    }
  }

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }

  template <typename Stream>
  asio::awaitable<std::optional<NetError>> Exchange(Stream& stream, const ClientRequest& request,
                                                    const ReadLimits& limits,
                                                    Clock::time_point deadline,
                                                    ClientResponse& out) {
    bhttp::request<bhttp::string_body> req = Build(request);
    lowest().expires_at(deadline);
    auto [wec, written] = co_await bhttp::async_write(stream, req, kUse);
    if (wec) co_return Fail(NetStage::kWrite, wec, wec != beast::error::timeout);
    Parser parser;
    SetUp(parser, limits, req.method() == bhttp::verb::head);
    auto [rec, read] = co_await bhttp::async_read(stream, buffer, parser, kUse);
    lowest().expires_never();
    std::optional<NetError> error = Finish(parser, rec, limits, out);
    ended_cleanly = !error && !rec;
    co_return error;
  }
};

ClientConnection::ClientConnection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ClientConnection::~ClientConnection() = default;

asio::awaitable<std::optional<NetError>> ClientConnection::Open(
    asio::any_io_executor executor, std::vector<tcp::endpoint> endpoints,
    Clock::time_point deadline, std::unique_ptr<ClientConnection>& out) {
  auto impl = std::make_unique<Impl>();
  impl->plain.emplace(executor);
  impl->plain->expires_at(deadline);
  auto [ec, endpoint] = co_await impl->plain->async_connect(endpoints, kUse);
  if (ec) co_return Fail(NetStage::kConnect, ec);
  ErrorCodeT ignored;
  impl->plain->socket().set_option(tcp::no_delay(true), ignored);
  out.reset(new ClientConnection(std::move(impl)));
  co_return std::nullopt;
}

asio::awaitable<std::optional<NetError>> ClientConnection::Handshake(TlsClientContext& tls,
                                                                     const std::string& host,
                                                                     Clock::time_point deadline,
                                                                     TlsSessionSlot* session) {
  Impl& c = *impl_;
  c.tls.emplace(std::move(*c.plain), tls.impl_->ctx);
  c.plain.reset();
  SSL* s = c.tls->native_handle();
  bool named = true;
  if (IsIpLiteral(host)) {
    if (tls.impl_->verify)
      named = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s), host.c_str()) == 1;
  } else if (!host.empty()) {
    named = SSL_set_tlsext_host_name(s, host.c_str()) == 1 &&
            (!tls.impl_->verify || SSL_set1_host(s, host.c_str()) == 1);
  }
  if (!named) co_return NetError{NetStage::kHandshake, NetFault::kTlsName, "bad TLS server name"};
  if (session != nullptr) {
    SSL_set_ex_data(s, SlotIndex(), session->impl_.get());
    if (session->impl_->session) SSL_set_session(s, session->impl_->session.get());
  }
  c.lowest().expires_at(deadline);
  auto [ec] = co_await c.tls->async_handshake(ssl::stream_base::client, kUse);
  if (!ec) {
    c.resumed = SSL_session_reused(s) == 1;
    co_return std::nullopt;
  }
  NetError error = Fail(NetStage::kHandshake, ec);
  long verify = SSL_get_verify_result(s);
  if (tls.impl_->verify && error.fault != NetFault::kTimeout && verify != X509_V_OK) {
    error.fault = NetFault::kCertificate;
    error.message = X509_verify_cert_error_string(verify);
  }
  co_return error;
}

asio::awaitable<std::optional<NetError>> ClientConnection::Exchange(const ClientRequest& request,
                                                                    const ReadLimits& limits,
                                                                    Clock::time_point deadline,
                                                                    ClientResponse& out) {
  // (No ?: here: GCC 12 destroys the temporary of a co_await inside a
  // conditional expression twice.)
  if (impl_->tls) co_return co_await impl_->Exchange(*impl_->tls, request, limits, deadline, out);
  co_return co_await impl_->Exchange(*impl_->plain, request, limits, deadline, out);
}

bool ClientConnection::is_tls() const { return impl_->tls.has_value(); }

bool ClientConnection::tls_resumed() const { return impl_->resumed; }

bool ClientConnection::IdleLooksClosed() {
  if (impl_->buffer.size() > 0) return true;
  tcp::socket& s = impl_->lowest().socket();
  ErrorCodeT ec, ignored;
  s.non_blocking(true, ec);
  if (ec) return true;
  char byte;
  s.receive(asio::buffer(&byte, 1), tcp::socket::message_peek, ec);
  s.non_blocking(false, ignored);
  return ec != asio::error::would_block;
}

void ClientConnection::Close() {
  ErrorCodeT ignored;
  impl_->lowest().socket().close(ignored);
}

// ---- in memory ----

std::optional<NetError> ParseResponseBytes(std::string_view raw, const ReadLimits& limits,
                                           ClientResponse& out) {
  Parser parser;
  SetUp(parser, limits, false);
  asio::const_buffer rest(raw.data(), raw.size());
  ErrorCodeT ec;
  while (!parser.is_done()) {
    const size_t used = parser.put(rest, ec);
    rest += used;
    if (ec == bhttp::error::need_more) {
      ec = {};
      if (used == 0 || rest.size() == 0) break;  // What is left cannot complete a part.
      continue;
    }
    if (ec || used == 0) break;
  }
  if (!ec && !parser.got_some()) {
    ec = bhttp::error::end_of_stream;  // As http::read says of a stream that closed at once.
  } else if (!ec && !parser.is_done()) {
    parser.put_eof(ec);  // The peer closed: the end of the stream.
  }
  return Finish(parser, ec, limits, out);
}

std::string SerializeRequest(const ClientRequest& request) {
  std::ostringstream out;
  out << Build(request);
  return out.str();
}

}  // namespace signet::http
