// Whole ACME requests through the front end of an in-process CA: any body,
// to any resource. Bodies rarely get past JWS and nonce checks, which is
// exactly the code that faces the network first.
#include <filesystem>

#include "../ca/acme_fixture.h"
#include "crypto/digest.h"

namespace {

signet::testing::CaUnderTest& Ca() {
  static signet::testing::CaUnderTest* ca = [] {
    auto dir = std::filesystem::temp_directory_path() /
               ("signet-fuzz-" + signet::crypto::HexEncode(signet::crypto::RandomBytes(6)));
    std::filesystem::create_directories(dir);
    return new signet::testing::CaUnderTest(dir, 1);
  }();
  return *ca;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const char* kRoutes[] = {"/acme/new-acct",   "/acme/new-order", "/acme/revoke-cert",
                                  "/acme/acct/a",     "/acme/order/a",   "/acme/finalize/a",
                                  "/acme/authz/a",    "/acme/chall/a/b", "/acme/cert/a",
                                  "/acme/key-change", "/directory",      "/acme/new-nonce"};
  if (size == 0) return 0;
  signet::http::Request req;
  req.method = (data[0] & 0x80) ? "GET" : "POST";
  req.target = kRoutes[data[0] % (sizeof(kRoutes) / sizeof(kRoutes[0]))];
  req.host = signet::testing::kHost;
  req.tls = true;
  req.headers = {{"Content-Type", (data[0] & 0x40) ? "application/json" : "application/jose+json"}};
  req.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  (void)Ca().wfe->Handle(req);
  return 0;
}
