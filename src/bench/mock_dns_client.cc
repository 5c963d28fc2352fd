#include "bench/mock_dns_client.h"

#include <boost/asio/awaitable.hpp>

#include "bench/mock_dns.h"

namespace signet::bench {
namespace asio = boost::asio;

MockDnsClient::MockDnsClient(asio::io_context& ioc, std::string management_url)
    : base_(std::move(management_url)),
      http_(ioc, HttpPoolConfig{.ca_file = "", .max_connections = 8, .timeout = std::chrono::seconds(10)}) {
  while (!base_.empty() && base_.back() == '/') base_.pop_back();
}

asio::awaitable<Status> MockDnsClient::Post(std::string path, std::string body) {
  std::vector<std::pair<std::string, std::string>> headers;
  headers.emplace_back("Content-Type", "application/json");
  std::string url = base_ + path;
  Result<http::Response> r =
      co_await http_.Send("POST", url, std::move(headers), std::move(body), nullptr);
  if (!r.ok()) co_return Error(r.error().code, "dns: " + url + ": " + r.error().detail);
  if (r->status != 200)
    co_return Error(ErrorCode::kServerInternal,
                    "dns: " + url + " answered HTTP " + std::to_string(r->status));
  co_return OkStatus();
}

asio::awaitable<Status> MockDnsClient::SetTxt(std::string host, std::string value) {
  co_return co_await Post("/set-txt", SetTxtBody(host, value));
}

asio::awaitable<Status> MockDnsClient::ClearTxt(std::string host) {
  co_return co_await Post("/clear-txt", HostBody(host));
}

asio::awaitable<Status> MockDnsClient::AddCaa(std::string domain, std::string issuer) {
  co_return co_await Post("/add-caa", AddCaaBody(domain, issuer));
}

asio::awaitable<Status> MockDnsClient::ClearCaa(std::string domain) {
  std::string host = domain.ends_with('.') ? domain : domain + ".";
  co_return co_await Post("/clear-caa", HostBody(host));
}

}  // namespace signet::bench
