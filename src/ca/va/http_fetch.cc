#include "ca/va/http_fetch.h"

#include <openssl/ssl.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <sstream>

#include "base/fuzz_record.h"

namespace signet::va {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using ErrorCodeT = beast::error_code;

constexpr char kConnectTimeout[] = "Timeout during connect (likely firewall problem)";
constexpr char kAfterConnectTimeout[] =
    "Timeout after connect (your server may be slow or overloaded)";

// Starts one asynchronous operation and runs `ioc` until it has completed
// (the stream's expiry timer turns a missed deadline into error::timeout).
template <typename Start>
ErrorCodeT RunOne(net::io_context& ioc, Start start) {
  ErrorCodeT result;
  start([&result](ErrorCodeT ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  return result;
}

Error ConnectError(const ErrorCodeT& ec) {
  if (ec == beast::error::timeout) return Error(ErrorCode::kConnection, kConnectTimeout);
  if (ec == net::error::connection_refused) {
    return Error(ErrorCode::kConnection, "Connection refused");
  }
  if (ec == net::error::network_unreachable || ec == net::error::host_unreachable) {
    return Error(ErrorCode::kConnection, "Network unreachable: " + ec.message());
  }
  return Error(ErrorCode::kConnection, "Error connecting: " + ec.message());
}

Error ExchangeError(const ErrorCodeT& ec, const char* stage) {
  if (ec == beast::error::timeout) return Error(ErrorCode::kConnection, kAfterConnectTimeout);
  if (ec == net::error::connection_reset) {
    return Error(ErrorCode::kConnection, "Connection reset by peer");
  }
  if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
      ec == net::error::eof) {
    return Error(ErrorCode::kConnection,
                 "The server closed the connection before sending a complete response");
  }
  return Error(ErrorCode::kConnection, std::string("Error ") + stage + ": " + ec.message());
}

// True if a read error still left a usable message: a TLS peer that closed
// without close_notify after a body delimited by the end of the stream.
bool FinishTruncatedTls(const ErrorCodeT& ec, http::response_parser<http::string_body>& parser) {
  if (ec != ssl::error::stream_truncated || !parser.is_header_done()) return false;
  if (parser.is_done()) return true;
  if (parser.chunked() || parser.content_length()) return false;
  ErrorCodeT eof_ec;
  parser.put_eof(eof_ec);
  return !eof_ec && parser.is_done();
}

// What the VA keeps of a response: the parser's state after reading it,
// with `ec` the read's error, if any.
Result<FetchResponse> ResponseFrom(http::response_parser<http::string_body>& parser,
                                   const ErrorCodeT& ec) {
  FetchResponse out;
  if (ec == http::error::body_limit && parser.is_header_done()) {
    out.body_truncated = true;
  } else if (ec) {
    return ExchangeError(ec, "reading response");
  }
  const auto& msg = parser.get();
  out.status = msg.result_int();
  if (auto it = msg.find(http::field::location); it != msg.end()) {
    out.location = std::string(it->value());
  }
  if (!out.body_truncated) out.body = msg.body();
  return out;
}

// Sends the GET and reads the answer on a connected (and, for HTTPS,
// handshaken) stream.
template <typename Stream>
Result<FetchResponse> Exchange(net::io_context& ioc, Stream& stream, const FetchRequest& req) {
  http::request<http::empty_body> get{http::verb::get, req.target, 11};
  get.set(http::field::host, req.host_header);
  get.set(http::field::user_agent, "signetd-va");
  get.set(http::field::accept, "*/*");
  get.set(http::field::connection, "close");
  ErrorCodeT ec = RunOne(ioc, [&](auto handler) { http::async_write(stream, get, handler); });
  if (ec) return ExchangeError(ec, "sending request");

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(req.body_limit);
  ec = RunOne(ioc, [&](auto handler) { http::async_read(stream, buffer, parser, handler); });
  if (ec && ec != http::error::body_limit && FinishTruncatedTls(ec, parser)) ec = {};
  if (!FuzzRecordDir().empty() && parser.is_header_done()) {
    std::ostringstream raw;  // Beast's serialization of what was read.
    raw << parser.get();
    RecordFuzzInput("http01_response_fuzz", raw.str());
  }
  return ResponseFrom(parser, ec);
}

Result<FetchResponse> FetchHttps(net::io_context& ioc, beast::tcp_stream&& tcp,
                                 const FetchRequest& req) {
  ssl::context tls(ssl::context::tls_client);
  tls.set_verify_mode(ssl::verify_none);  // HTTP-01 redirects to HTTPS: no PKI check.
  beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp), tls);
  if (!req.sni.empty() && !SSL_set_tlsext_host_name(stream.native_handle(), req.sni.c_str())) {
    return Error(ErrorCode::kTls, "cannot set TLS server name " + req.sni);
  }
  ErrorCodeT ec = RunOne(ioc, [&](auto handler) {
    stream.async_handshake(ssl::stream_base::client, handler);
  });
  if (ec == beast::error::timeout) return Error(ErrorCode::kConnection, kAfterConnectTimeout);
  if (ec) return Error(ErrorCode::kTls, "TLS handshake failed: " + ec.message());
  return Exchange(ioc, stream, req);
}

}  // namespace

Result<FetchResponse> ParseFetchResponse(std::string_view raw, size_t body_limit) {
  http::response_parser<http::string_body> parser;
  parser.body_limit(body_limit);
  net::const_buffer rest(raw.data(), raw.size());
  ErrorCodeT ec;
  while (!parser.is_done()) {
    const size_t used = parser.put(rest, ec);
    rest += used;
    if (ec == http::error::need_more) {
      ec = {};
      if (used == 0 || rest.size() == 0) break;  // What is left cannot complete a part.
      continue;
    }
    if (ec || used == 0) break;
  }
  if (!ec && !parser.got_some()) {
    ec = http::error::end_of_stream;  // As http::read says of a stream that closed at once.
  } else if (!ec && !parser.is_done()) {
    parser.put_eof(ec);  // The peer closed: the end of the stream.
  }
  return ResponseFrom(parser, ec);
}

Result<FetchResponse> Fetch(const FetchRequest& req, bool* connected) {
  *connected = false;
  ErrorCodeT ec;
  const net::ip::address ip = net::ip::make_address(req.address, ec);
  if (ec) return Error(ErrorCode::kConnection, "invalid IP address \"" + req.address + "\"");
  try {
    net::io_context ioc;
    beast::tcp_stream tcp(ioc);
    tcp.expires_at(std::min(req.connect_deadline, req.deadline));
    ec = RunOne(ioc, [&](auto handler) {
      tcp.async_connect(tcp::endpoint(ip, req.port), handler);
    });
    if (ec) return ConnectError(ec);
    *connected = true;
    tcp.expires_at(req.deadline);
    if (req.https) return FetchHttps(ioc, std::move(tcp), req);
    return Exchange(ioc, tcp, req);
  } catch (const std::exception& e) {  // Allocation or OpenSSL setup failures.
    return Error(ErrorCode::kConnection, std::string("Error fetching: ") + e.what());
  }
}

}  // namespace signet::va
