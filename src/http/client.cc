// The agent's HTTP client: a synchronous layer over the client core
// (client_core.h) that resolves names, keeps one connection per origin and
// words errors for the agent. Each step runs to completion on the Client's
// own io_context.
#include "http/client.h"

#include <boost/asio/ip/tcp.hpp>
#include <cstdlib>
#include <map>
#include <optional>

#include "http/client_core.h"
#include "http/url.h"

namespace signet::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Deadline = Clock::time_point;

namespace {

// An absolute http:// or https:// URL.
Result<Url> ParseHttpUrl(const std::string& url) {
  SIGNET_ASSIGN_OR_RETURN(Url u, ParseUrl(url));
  if (u.scheme != "http" && u.scheme != "https")
    return Error(ErrorCode::kMalformed,
                 "invalid URL \"" + url + "\": the scheme must be http or https");
  return u;
}

Error Failed(const std::string& url, const NetError& e, std::chrono::milliseconds timeout) {
  std::string why;
  switch (e.fault) {
    case NetFault::kTimeout:
      why = "no answer within " + std::to_string(timeout.count()) + " ms";
      break;
    case NetFault::kRefused:
      why = "connection refused";
      break;
    case NetFault::kReset:
      why = "connection reset by peer";
      break;
    case NetFault::kClosed:
    case NetFault::kTlsTruncated:
      why = "the server closed the connection before answering completely";
      break;
    default:
      why = e.message;
  }
  if (e.stage == NetStage::kHandshake && e.fault != NetFault::kTimeout) {
    if (e.fault == NetFault::kCertificate) why = "TLS certificate verification failed: " + why;
    else if (e.fault == NetFault::kTlsName) why = "bad TLS server name";
    else why = "TLS handshake failed: " + why;
    return Error(ErrorCode::kTls, "cannot connect to " + url + ": " + why);
  }
  return Error(ErrorCode::kConnection, "cannot connect to " + url + ": " + why);
}

}  // namespace

struct Client::Impl {
  ClientConfig config;
  asio::io_context ioc;
  std::unique_ptr<TlsClientContext> tls_ctx;
  std::map<std::string, std::unique_ptr<ClientConnection>> pool;  // by Url::Origin()
  int opened = 0;

  explicit Impl(ClientConfig c) : config(std::move(c)) {}

  Result<TlsClientContext*> TlsContext() {
    if (!tls_ctx) {
      TlsClientOptions options;
      options.ca_file = config.ca_file;
      options.client_cert_pem = config.client_cert_pem;
      options.client_key_pem = config.client_key_pem;
      SIGNET_ASSIGN_OR_RETURN(tls_ctx, TlsClientContext::Create(options));
    }
    return tls_ctx.get();
  }

  // getaddrinfo cannot be interrupted: a lookup past the deadline is
  // abandoned, not stopped.
  Result<std::vector<tcp::endpoint>> Resolve(const Url& t, const std::string& url,
                                             Deadline deadline) {
    if (t.HostIsIpLiteral())
      return std::vector<tcp::endpoint>{{asio::ip::make_address(t.host), t.EffectivePort()}};
    tcp::resolver resolver(ioc);
    bool done = false;
    boost::system::error_code ec;
    std::vector<tcp::endpoint> out;
    resolver.async_resolve(t.host, std::to_string(t.EffectivePort()),
                           [&](boost::system::error_code e, const tcp::resolver::results_type& r) {
                             done = true;
                             ec = e;
                             for (const auto& entry : r) out.push_back(entry.endpoint());
                           });
    ioc.restart();
    ioc.run_until(deadline);
    if (!done) {
      resolver.cancel();
      ioc.restart();
      ioc.run();
      return Failed(url, NetError{NetStage::kConnect, NetFault::kTimeout, ""}, config.timeout);
    }
    if (ec || out.empty())
      return Error(ErrorCode::kConnection,
                   "cannot connect to " + url + ": cannot resolve " + t.host + ": " + ec.message());
    return out;
  }

  Result<std::unique_ptr<ClientConnection>> Connect(const Url& t, const std::string& url,
                                                    Deadline deadline) {
    TlsClientContext* tls = nullptr;
    if (t.https()) {  // a bad CA file fails before connecting
      SIGNET_ASSIGN_OR_RETURN(tls, TlsContext());
    }
    SIGNET_ASSIGN_OR_RETURN(std::vector<tcp::endpoint> endpoints, Resolve(t, url, deadline));
    std::unique_ptr<ClientConnection> c;
    std::optional<NetError> e =
        RunSync(ioc, ClientConnection::Open(ioc.get_executor(), endpoints, deadline, c));
    if (e) return Failed(url, *e, config.timeout);
    ++opened;
    if (tls != nullptr) {
      e = RunSync(ioc, c->Handshake(*tls, t.host, deadline));
      if (e) return Failed(url, *e, config.timeout);
    }
    return c;
  }

  Result<Response> Send(const std::string& method, const std::string& url,
                        std::vector<std::pair<std::string, std::string>>& headers,
                        std::string& body) {
    SIGNET_ASSIGN_OR_RETURN(Url t, ParseHttpUrl(url));
    const Deadline deadline = Clock::now() + config.timeout;
    const ClientRequest req{method,      t.target,           t.Authority(), config.user_agent,
                            std::move(headers), std::move(body), true};
    ReadLimits limits;
    limits.max_body_bytes = config.max_body_bytes;
    const std::string key = t.Origin();
    for (int attempt = 0;; ++attempt) {
      std::unique_ptr<ClientConnection> conn;
      if (auto it = pool.find(key); it != pool.end()) {
        conn = std::move(it->second);
        pool.erase(it);
        if (conn->IdleLooksClosed()) conn.reset();
      }
      const bool reused = conn != nullptr;
      if (!conn) {
        SIGNET_ASSIGN_OR_RETURN(conn, Connect(t, url, deadline));
      }
      ClientResponse out;
      std::optional<NetError> e = RunSync(ioc, conn->Exchange(req, limits, deadline, out));
      if (!e && out.body_truncated)
        return Error(ErrorCode::kConnection, "the response from " + url + " is larger than " +
                                                 std::to_string(config.max_body_bytes) + " bytes");
      if (!e) {
        if (out.keep_alive) pool[key] = std::move(conn);
        return std::move(out.response);
      }
      // The server closed a kept-alive connection as we reused it: once more, fresh.
      if (reused && e->nothing_received && attempt == 0) continue;
      return Failed(url, *e, config.timeout);
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
