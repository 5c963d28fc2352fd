#include <gtest/gtest.h>

#include "ca/wfe/wfe.h"

namespace signet::ca {
namespace {

http::Request Req(std::string method, std::string target) {
  http::Request r;
  r.method = std::move(method);
  r.target = std::move(target);
  return r;
}

// What the listener may answer on its I/O threads: only resources served
// from memory, and paths no route takes (404).
TEST(WebFrontEndRoutesTest, AnswersAtOnceOnlyWhatNeedsNoStorage) {
  for (const char* path : {"/directory", "/acme/new-nonce", "/acme/issuer-cert", "/acme/root",
                           "/nowhere", "/acme/order/", "/acme/new-nonce/x"}) {
    EXPECT_TRUE(WebFrontEnd::AnswersAtOnce(Req("GET", path))) << path;
    EXPECT_TRUE(WebFrontEnd::AnswersAtOnce(Req("HEAD", std::string(path) + "?q=1"))) << path;
  }
  for (const char* path :
       {"/acme/new-acct", "/acme/acct/1", "/acme/acct/1/orders", "/acme/new-order",
        "/acme/order/1", "/acme/finalize/1", "/acme/authz/1", "/acme/chall/1/2", "/acme/cert/ab",
        "/acme/revoke-cert", "/acme/key-change", "/acme/renewal-info/x.y", "/acme/unpause/1"}) {
    EXPECT_FALSE(WebFrontEnd::AnswersAtOnce(Req("POST", path))) << path;
    EXPECT_FALSE(WebFrontEnd::AnswersAtOnce(Req("GET", path))) << path;
  }
}

}  // namespace
}  // namespace signet::ca
