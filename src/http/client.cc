// The agent's HTTP client. The only translation unit of the client side that
// includes Boost.Beast. Each step (resolve, connect, handshake, write, read)
// is one asynchronous operation run to completion on the Client's own
// io_context; beast::tcp_stream's expiry turns the request deadline into
// error::timeout.
#include "http/client.h"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>

#include "http/url.h"

namespace signet::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using ErrorCodeT = beast::error_code;
using Deadline = std::chrono::steady_clock::time_point;

namespace {

constexpr uint32_t kMaxHeaderBytes = 64 * 1024;

// An absolute http:// or https:// URL.
Result<Url> ParseHttpUrl(const std::string& url) {
  SIGNET_ASSIGN_OR_RETURN(Url u, ParseUrl(url));
  if (u.scheme != "http" && u.scheme != "https")
    return Error(ErrorCode::kMalformed,
                 "invalid URL \"" + url + "\": the scheme must be http or https");
  return u;
}

// Starts one asynchronous operation and runs the io_context until it is done.
template <typename Start>
ErrorCodeT RunOne(asio::io_context& ioc, Start start) {
  ErrorCodeT result;
  start([&result](ErrorCodeT ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  return result;
}

Error NetError(const std::string& url, const ErrorCodeT& ec, std::chrono::milliseconds timeout) {
  std::string why;
  if (ec == beast::error::timeout) {
    why = "no answer within " + std::to_string(timeout.count()) + " ms";
  } else if (ec == asio::error::connection_refused) {
    why = "connection refused";
  } else if (ec == asio::error::connection_reset) {
    why = "connection reset by peer";
  } else if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
             ec == asio::error::eof || ec == ssl::error::stream_truncated) {
    why = "the server closed the connection before answering completely";
  } else {
    why = ec.message();
  }
  return Error(ErrorCode::kConnection, "cannot connect to " + url + ": " + why);
}

// True if a read error still left a usable message: a TLS peer that closed
// without close_notify after a body delimited by the end of the stream.
bool FinishTruncatedTls(const ErrorCodeT& ec, bhttp::response_parser<bhttp::string_body>& parser) {
  if (ec != ssl::error::stream_truncated || !parser.is_header_done()) return false;
  if (parser.is_done()) return true;
  if (parser.chunked() || parser.content_length()) return false;
  ErrorCodeT eof_ec;
  parser.put_eof(eof_ec);
  return !eof_ec && parser.is_done();
}

// One kept-alive connection: plain TCP, or TLS over it.
struct Connection {
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;  // bytes read past the previous response

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }

  // An idle connection is stale if the peer closed it or sent anything
  // (a TLS close_notify, or junk) while we were not asking.
  bool LooksClosed() {
    if (buffer.size() > 0) return true;
    tcp::socket& s = lowest().socket();
    ErrorCodeT ec, ignored;
    s.non_blocking(true, ec);
    if (ec) return true;
    char byte;
    s.receive(asio::buffer(&byte, 1), tcp::socket::message_peek, ec);
    s.non_blocking(false, ignored);
    return ec != asio::error::would_block;
  }
};

struct Outcome {
  Result<Response> result = Error();
  bool nothing_received = false;  // the request may be repeated on a new connection
  bool keep_alive = false;
};

}  // namespace

struct Client::Impl {
  ClientConfig config;
  asio::io_context ioc;
  std::optional<ssl::context> tls_ctx;
  std::map<std::string, std::unique_ptr<Connection>> pool;  // by Url::Origin()
  int opened = 0;

  explicit Impl(ClientConfig c) : config(std::move(c)) {}

  Result<ssl::context*> TlsContext() {
    if (tls_ctx) return &*tls_ctx;
    ssl::context ctx(ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    ErrorCodeT ec;
    ctx.set_verify_mode(ssl::verify_peer, ec);
    if (config.ca_file.empty()) {
      ctx.set_default_verify_paths(ec);  // SSL_CTX_set_default_verify_paths
      if (ec) return Error(ErrorCode::kTls, "cannot load the system trust store: " + ec.message());
    } else {
      std::error_code fec;
      if (!std::filesystem::is_regular_file(config.ca_file, fec))
        return Error(ErrorCode::kTls, "cannot read the CA file " + config.ca_file);
      ctx.load_verify_file(config.ca_file, ec);
      if (ec)
        return Error(ErrorCode::kTls, "cannot load trusted certificates from " + config.ca_file +
                                          ": " + ec.message());
    }
    if (!config.client_cert_pem.empty()) {
      ctx.use_certificate_chain(asio::buffer(config.client_cert_pem), ec);
      if (!ec) ctx.use_private_key(asio::buffer(config.client_key_pem), ssl::context::pem, ec);
      if (ec) return Error(ErrorCode::kTls, "cannot load the client certificate: " + ec.message());
    }
    tls_ctx.emplace(std::move(ctx));
    return &*tls_ctx;
  }

  Result<std::vector<tcp::endpoint>> Resolve(const Url& t, const std::string& url,
                                             Deadline deadline) {
    if (t.HostIsIpLiteral()) return std::vector<tcp::endpoint>{{asio::ip::make_address(t.host), t.EffectivePort()}};
    tcp::resolver resolver(ioc);
    bool done = false;
    ErrorCodeT ec;
    std::vector<tcp::endpoint> out;
    resolver.async_resolve(t.host, std::to_string(t.EffectivePort()),
                           [&](ErrorCodeT e, const tcp::resolver::results_type& results) {
                             done = true;
                             ec = e;
                             for (const auto& r : results) out.push_back(r.endpoint());
                           });
    ioc.restart();
    ioc.run_until(deadline);
    if (!done) {
      resolver.cancel();
      ioc.restart();
      ioc.run();
      return NetError(url, beast::error::timeout, config.timeout);
    }
    if (ec || out.empty())
      return Error(ErrorCode::kConnection,
                   "cannot connect to " + url + ": cannot resolve " + t.host + ": " + ec.message());
    return out;
  }

  Status Handshake(Connection& c, const Url& t, const std::string& url, Deadline deadline) {
    SIGNET_ASSIGN_OR_RETURN(ssl::context * ctx, TlsContext());
    c.tls.emplace(std::move(*c.plain), *ctx);
    c.plain.reset();
    SSL* ssl = c.tls->native_handle();
    bool named = t.HostIsIpLiteral()
                     ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), t.host.c_str()) == 1
                     : SSL_set_tlsext_host_name(ssl, t.host.c_str()) == 1 &&
                           SSL_set1_host(ssl, t.host.c_str()) == 1;
    if (!named) return Error(ErrorCode::kTls, "cannot connect to " + url + ": bad TLS server name");
    c.lowest().expires_at(deadline);
    ErrorCodeT ec = RunOne(
        ioc, [&](auto done) { c.tls->async_handshake(ssl::stream_base::client, std::move(done)); });
    if (!ec) return OkStatus();
    if (ec == beast::error::timeout) return NetError(url, ec, config.timeout);
    long verify = SSL_get_verify_result(ssl);
    if (verify != X509_V_OK)
      return Error(ErrorCode::kTls, "cannot connect to " + url +
                                        ": TLS certificate verification failed: " +
                                        X509_verify_cert_error_string(verify));
    return Error(ErrorCode::kTls,
                 "cannot connect to " + url + ": TLS handshake failed: " + ec.message());
  }

  Result<std::unique_ptr<Connection>> Connect(const Url& t, const std::string& url,
                                              Deadline deadline) {
    if (t.https()) SIGNET_RETURN_IF_ERROR(TlsContext());  // a bad CA file fails before connecting
    SIGNET_ASSIGN_OR_RETURN(std::vector<tcp::endpoint> endpoints, Resolve(t, url, deadline));
    auto c = std::make_unique<Connection>();
    c->plain.emplace(ioc);
    c->plain->expires_at(deadline);
    ErrorCodeT ec =
        RunOne(ioc, [&](auto done) { c->plain->async_connect(endpoints, std::move(done)); });
    if (ec) return NetError(url, ec, config.timeout);
    ++opened;
    c->plain->socket().set_option(tcp::no_delay(true), ec);
    if (t.https()) SIGNET_RETURN_IF_ERROR(Handshake(*c, t, url, deadline));
    return c;
  }

  template <typename Stream>
  Outcome Exchange(Stream& stream, Connection& c, bhttp::request<bhttp::string_body>& req,
                   const std::string& url, Deadline deadline) {
    Outcome out;
    c.lowest().expires_at(deadline);
    ErrorCodeT ec =
        RunOne(ioc, [&](auto done) { bhttp::async_write(stream, req, std::move(done)); });
    if (ec) {
      out.nothing_received = ec != beast::error::timeout;
      out.result = NetError(url, ec, config.timeout);
      return out;
    }
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(config.max_body_bytes);
    parser.header_limit(kMaxHeaderBytes);
    if (req.method() == bhttp::verb::head) parser.skip(true);
    ec = RunOne(ioc,
                [&](auto done) { bhttp::async_read(stream, c.buffer, parser, std::move(done)); });
    c.lowest().expires_never();
    if (ec == bhttp::error::body_limit) {
      out.result =
          Error(ErrorCode::kConnection, "the response from " + url + " is larger than " +
                                            std::to_string(config.max_body_bytes) + " bytes");
      return out;
    }
    if (ec && !FinishTruncatedTls(ec, parser)) {
      out.nothing_received = ec != beast::error::timeout && !parser.got_some();
      out.result = NetError(url, ec, config.timeout);
      return out;
    }
    auto msg = parser.release();
    out.keep_alive = !ec && msg.keep_alive();
    Response res;
    res.status = static_cast<int>(msg.result_int());
    for (const auto& f : msg)
      res.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    res.body = std::move(msg.body());
    out.result = std::move(res);
    return out;
  }

  Result<Response> Send(const std::string& method, const std::string& url,
                        std::vector<std::pair<std::string, std::string>>& headers,
                        std::string& body) {
    SIGNET_ASSIGN_OR_RETURN(Url t, ParseHttpUrl(url));
    const Deadline deadline = std::chrono::steady_clock::now() + config.timeout;
    bhttp::request<bhttp::string_body> req;
    bhttp::verb verb = bhttp::string_to_verb(method);
    if (verb == bhttp::verb::unknown)
      req.method_string(method);
    else
      req.method(verb);
    req.target(t.target);
    req.version(11);
    req.set(bhttp::field::host, t.Authority());
    bool has_agent = false;
    for (const auto& [name, value] : headers) {
      has_agent = has_agent || EqualsIgnoreCase(name, "User-Agent");
      req.insert(name, value);
    }
    if (!has_agent) req.set(bhttp::field::user_agent, config.user_agent);
    req.body() = std::move(body);
    req.prepare_payload();

    const std::string key = t.Origin();
    for (int attempt = 0;; ++attempt) {
      std::unique_ptr<Connection> conn;
      if (auto it = pool.find(key); it != pool.end()) {
        conn = std::move(it->second);
        pool.erase(it);
        if (conn->LooksClosed()) conn.reset();
      }
      const bool reused = conn != nullptr;
      if (!conn) {
        SIGNET_ASSIGN_OR_RETURN(conn, Connect(t, url, deadline));
      }
      Outcome out = conn->tls ? Exchange(*conn->tls, *conn, req, url, deadline)
                              : Exchange(*conn->plain, *conn, req, url, deadline);
      if (out.result.ok()) {
        if (out.keep_alive) pool[key] = std::move(conn);
        return std::move(out.result);
      }
      // The server closed a kept-alive connection as we reused it: once more, fresh.
      if (reused && out.nothing_received && attempt == 0) continue;
      return std::move(out.result).error();
    }
  }
};

std::string DefaultCaFileFromEnv() {
  for (const char* name : {"REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"}) {
    const char* v = std::getenv(name);
    if (v != nullptr && *v != '\0') return v;
  }
  return "";
}

Client::Client(ClientConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

Client::~Client() = default;

Result<Response> Client::Send(const std::string& method, const std::string& url,
                              std::vector<std::pair<std::string, std::string>> headers,
                              std::string body) {
  try {
    return impl_->Send(method, url, headers, body);
  } catch (const std::exception& e) {  // allocation or OpenSSL setup failures
    return Error(ErrorCode::kConnection, "cannot connect to " + url + ": " + e.what());
  }
}

int Client::connections_opened() const { return impl_->opened; }

void Client::CloseIdleConnections() { impl_->pool.clear(); }

}  // namespace signet::http
