// HttpPool against a plain-HTTP http::Server on loopback: kept-alive
// connections are reused; with keep_alive off every request has its own
// connection and says "Connection: close" (signet-bench's connection-per-
// request profile, as uacme and curl scripts behave).
#include "bench/async_http.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>

#include "http/server.h"

namespace signet::bench {
namespace {

namespace asio = boost::asio;

struct Seen {
  std::atomic<int> requests{0};
  std::atomic<int> close_asked{0};
};

// Sends `n` GETs one after the other through a pool with `keep_alive`;
// returns the connections the pool opened.
int ConnectionsFor(int n, bool keep_alive, Seen& seen) {
  http::ServerConfig sc;
  http::Server server(sc, [&seen](const http::Request& req) {
    ++seen.requests;
    if (req.Header("Connection") == "close") ++seen.close_asked;
    http::Response res;
    res.body = "ok";
    return res;
  });
  EXPECT_TRUE(server.Start().ok());
  asio::io_context ioc;
  HttpPool pool(ioc, HttpPoolConfig{.max_connections = 4, .keep_alive = keep_alive});
  EXPECT_TRUE(pool.Init().ok());
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/x";
  int ok = 0;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        for (int i = 0; i < n; ++i) {
          auto r = co_await pool.Send("GET", url, {}, "", nullptr);
          if (r.ok() && r->status == 200 && r->body == "ok") ++ok;
        }
        pool.Close();
      },
      asio::detached);
  ioc.run();
  EXPECT_EQ(ok, n);
  return pool.connections_opened();
}

TEST(HttpPoolTest, KeepAliveReusesOneConnection) {
  Seen seen;
  EXPECT_EQ(ConnectionsFor(3, true, seen), 1);
  EXPECT_EQ(seen.close_asked, 0);
}

TEST(HttpPoolTest, ConnectionPerRequestOpensOneForEachAndAsksToClose) {
  Seen seen;
  EXPECT_EQ(ConnectionsFor(3, false, seen), 3);
  EXPECT_EQ(seen.requests, 3);
  EXPECT_EQ(seen.close_asked, 3);
}

}  // namespace
}  // namespace signet::bench
