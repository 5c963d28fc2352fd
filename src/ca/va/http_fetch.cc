// The VA's HTTP-01 fetch: a thin layer over the HTTP client core
// (http/client_core.h) that dials one address, sends the VA's GET and words
// failures as Let's Encrypt's VA does.
#include "ca/va/http_fetch.h"

#include "http/client_core.h"

namespace signet::va {
namespace {

namespace net = boost::asio;
using http::NetError;
using http::NetFault;
using http::NetStage;

constexpr char kConnectTimeout[] = "Timeout during connect (likely firewall problem)";
constexpr char kAfterConnectTimeout[] =
    "Timeout after connect (your server may be slow or overloaded)";
// Beast's default, which the VA has always used: a challenged server's
// header has no reason to be large.
constexpr uint32_t kMaxHeaderBytes = 8 * 1024;

Error ConnectError(const NetError& e) {
  switch (e.fault) {
    case NetFault::kTimeout:
      return Error(ErrorCode::kConnection, kConnectTimeout);
    case NetFault::kRefused:
      return Error(ErrorCode::kConnection, "Connection refused");
    case NetFault::kUnreachable:
      return Error(ErrorCode::kConnection, "Network unreachable: " + e.message);
    default:
      return Error(ErrorCode::kConnection, "Error connecting: " + e.message);
  }
}

Error HandshakeError(const NetError& e, const std::string& sni) {
  if (e.fault == NetFault::kTimeout) return Error(ErrorCode::kConnection, kAfterConnectTimeout);
  if (e.fault == NetFault::kTlsName) return Error(ErrorCode::kTls, "cannot set TLS server name " + sni);
  return Error(ErrorCode::kTls, "TLS handshake failed: " + e.message);
}

Error ExchangeError(const NetError& e) {
  switch (e.fault) {
    case NetFault::kTimeout:
      return Error(ErrorCode::kConnection, kAfterConnectTimeout);
    case NetFault::kReset:
      return Error(ErrorCode::kConnection, "Connection reset by peer");
    case NetFault::kClosed:
      return Error(ErrorCode::kConnection,
                   "The server closed the connection before sending a complete response");
    default:
      return Error(ErrorCode::kConnection,
                   std::string("Error ") +
                       (e.stage == NetStage::kWrite ? "sending request" : "reading response") +
                       ": " + e.message);
  }
}

// What the VA keeps of a response.
Result<FetchResponse> ResponseFrom(const std::optional<NetError>& e,
                                   const http::ClientResponse& got) {
  if (e) return ExchangeError(*e);
  FetchResponse out;
  out.status = static_cast<unsigned>(got.response.status);
  out.location = std::string(got.response.Header("Location"));
  out.body = got.response.body;
  out.body_truncated = got.body_truncated;
  return out;
}

http::ReadLimits Limits(size_t body_limit, std::string_view fuzz_target) {
  http::ReadLimits limits;
  limits.max_body_bytes = body_limit;
  limits.max_header_bytes = kMaxHeaderBytes;
  limits.fuzz_target = fuzz_target;
  return limits;
}

}  // namespace

Result<FetchResponse> ParseFetchResponse(std::string_view raw, size_t body_limit) {
  http::ClientResponse got;
  std::optional<NetError> e = http::ParseResponseBytes(raw, Limits(body_limit, ""), got);
  return ResponseFrom(e, got);
}

Result<FetchResponse> Fetch(const FetchRequest& req, bool* connected) {
  *connected = false;
  boost::system::error_code ec;
  const net::ip::address ip = net::ip::make_address(req.address, ec);
  if (ec) return Error(ErrorCode::kConnection, "invalid IP address \"" + req.address + "\"");
  try {
    net::io_context ioc;
    std::unique_ptr<http::ClientConnection> conn;
    std::optional<NetError> e = http::RunSync(
        ioc, http::ClientConnection::Open(ioc.get_executor(), {{ip, req.port}},
                                          std::min(req.connect_deadline, req.deadline), conn));
    if (e) return ConnectError(*e);
    *connected = true;
    if (req.https) {  // HTTP-01 redirects to HTTPS: no PKI check.
      http::TlsClientOptions no_pki;
      no_pki.verify_peer = false;
      SIGNET_ASSIGN_OR_RETURN(auto tls, http::TlsClientContext::Create(no_pki));
      e = http::RunSync(ioc, conn->Handshake(*tls, req.sni, req.deadline));
      if (e) return HandshakeError(*e, req.sni);
    }
    const http::ClientRequest get{"GET", req.target, req.host_header, "signetd-va",
                                  {{"Accept", "*/*"}}, "", /*keep_alive=*/false};
    http::ClientResponse got;
    e = http::RunSync(ioc, conn->Exchange(get, Limits(req.body_limit, "http01_response_fuzz"),
                                          req.deadline, got));
    return ResponseFrom(e, got);
  } catch (const std::exception& e) {  // Allocation or OpenSSL setup failures.
    return Error(ErrorCode::kConnection, std::string("Error fetching: ") + e.what());
  }
}

}  // namespace signet::va
