#include "ca/wfe/nonce.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <string>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
// The sanitizers' allocator interface (GCC ships no header for it).
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#endif

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

// The bytes the process holds on the heap. Not the resident set: under
// ASan every block carries redzones and freed blocks (the hash table's old
// bucket arrays) wait in a quarantine of up to 256 MiB, which triples RSS
// here (60 MiB against 19 plain) without the store holding a byte more.
// Under a sanitizer its allocator's count of bytes in use (as requested);
// otherwise glibc's (in use in the arenas plus mmapped blocks).
size_t HeapBytes() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return __sanitizer_get_current_allocated_bytes();
#else
  struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
#endif
}

// A newNonce flood fills the store: 2^18 outstanding nonces hold 19 MiB of
// heap as 16-byte keys (15 MiB under ASan, which counts the bytes asked
// for without malloc's headers); as strings they held 43 (35 under ASan).
// The default capacity, 2^20, holds four times as much.
TEST(MemoryNonceServiceTest, AFullStoreStaysSmall) {
  constexpr size_t kNonces = 1 << 18;
  MemoryNonceService nonces(kNonces);
  size_t before = HeapBytes();
  for (size_t i = 0; i < kNonces; ++i) (void)nonces.Issue();
  double grew_mib = double(HeapBytes() - before) / (1 << 20);
  EXPECT_LT(grew_mib, 25.0) << "MiB for " << kNonces << " nonces";
}

}  // namespace
}  // namespace signet::ca
