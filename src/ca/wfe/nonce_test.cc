#include "ca/wfe/nonce.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace signet::ca {
namespace {

TEST(MemoryNonceServiceTest, EachNonceIsAcceptedOnce) {
  MemoryNonceService nonces;
  std::string n = nonces.Issue();
  EXPECT_EQ(n.size(), 22u);  // 16 bytes, base64url without padding
  EXPECT_TRUE(*nonces.Redeem(n));
  EXPECT_FALSE(*nonces.Redeem(n));
}

TEST(MemoryNonceServiceTest, RefusesWhatItDidNotIssue) {
  MemoryNonceService nonces;
  std::string n = nonces.Issue();
  std::string other_ending = n;  // the same 16 bytes, a non-canonical last character
  other_ending.back() = other_ending.back() == 'A' ? 'B' : 'A';
  for (const std::string& bad : {std::string(), std::string("abc"), std::string(22, '!'),
                                 std::string(22, 'A'), n + "AA", other_ending})
    EXPECT_FALSE(*nonces.Redeem(bad)) << bad;
  EXPECT_TRUE(*nonces.Redeem(n));
}

TEST(MemoryNonceServiceTest, ForgetsTheOldestPastItsCapacity) {
  MemoryNonceService nonces(2);
  std::string first = nonces.Issue(), second = nonces.Issue(), third = nonces.Issue();
  EXPECT_FALSE(*nonces.Redeem(first));
  EXPECT_TRUE(*nonces.Redeem(second));
  EXPECT_TRUE(*nonces.Redeem(third));
}

long RssKib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

// A newNonce flood fills the store: 2^18 outstanding nonces take about
// 19 MiB as 16-byte keys (they took 43 MiB as strings; the default 2^20,
// 172 MiB).
TEST(MemoryNonceServiceTest, AFullStoreStaysSmall) {
  constexpr size_t kNonces = 1 << 18;
  MemoryNonceService nonces(kNonces);
  long before = RssKib();
  for (size_t i = 0; i < kNonces; ++i) (void)nonces.Issue();
  long grew_mib = (RssKib() - before) / 1024;
  EXPECT_LT(grew_mib, 30) << "MiB for " << kNonces << " nonces";
}

}  // namespace
}  // namespace signet::ca
