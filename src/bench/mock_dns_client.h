// The load generator's side of the mock DNS: sets and clears DNS-01 TXT
// records and the run's CAA record through pebble-challtestsrv's
// management API (mock_dns.h), over its own small pool of kept-alive plain
// HTTP connections (the management API is not the CA under test, so its
// requests stay out of the report's latency table).
//
// NOT thread-safe: one io_context thread, which must outlive it.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>

#include "base/result.h"
#include "bench/async_http.h"

namespace signet::bench {

class MockDnsClient {
 public:
  // `management_url`: e.g. "http://127.0.0.1:8055".
  MockDnsClient(boost::asio::io_context& ioc, std::string management_url);

  boost::asio::awaitable<Status> SetTxt(std::string host, std::string value);
  boost::asio::awaitable<Status> ClearTxt(std::string host);
  boost::asio::awaitable<Status> AddCaa(std::string domain, std::string issuer);
  boost::asio::awaitable<Status> ClearCaa(std::string domain);
  void Close() { http_.Close(); }

 private:
  boost::asio::awaitable<Status> Post(std::string path, std::string body);

  std::string base_;
  HttpPool http_;
};

}  // namespace signet::bench
