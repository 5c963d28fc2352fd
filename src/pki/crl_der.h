// Internal to pki: the minimal DER writer behind BuildCrl (crl.cc), and the
// signing step it needs. Not part of the module's API.
//
// Everywhere else Signet encodes ASN.1 through OpenSSL. A CRL is the
// exception: OpenSSL's X509_CRL path keeps a heap object per entry and
// re-encodes the whole list while signing and again while serializing
// (measured: about 10 s and 390 MB for 1 million entries), while a CA must
// publish CRLs that large in seconds (see bench/crl_bench.cc). The structure
// written here is small and fixed (RFC 5280 5.1), and the tests check every
// CRL with OpenSSL's own parser and verifier.
//
// All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "base/result.h"
#include "crypto/key.h"

namespace signet::pki::internal {

// Universal and context-specific tags (X.690 8.1.2).
inline constexpr uint8_t kDerBoolean = 0x01;
inline constexpr uint8_t kDerInteger = 0x02;
inline constexpr uint8_t kDerBitString = 0x03;
inline constexpr uint8_t kDerOctetString = 0x04;
inline constexpr uint8_t kDerOid = 0x06;
inline constexpr uint8_t kDerEnumerated = 0x0a;
inline constexpr uint8_t kDerUtcTime = 0x17;
inline constexpr uint8_t kDerGeneralizedTime = 0x18;
inline constexpr uint8_t kDerSequence = 0x30;
inline constexpr uint8_t DerContextPrimitive(int n) { return uint8_t(0x80 | n); }
inline constexpr uint8_t DerContextConstructed(int n) { return uint8_t(0xa0 | n); }

// Appends a tag and the definite length `length` (X.690 8.1.3, short or long form).
void AppendDerHeader(std::string* out, uint8_t tag, size_t length);
// Appends tag, length and `contents`.
void AppendDerTlv(std::string* out, uint8_t tag, std::string_view contents);
std::string DerTlv(uint8_t tag, std::string_view contents);
// One TLV whose contents are `parts` concatenated, copied once.
std::string DerConcat(uint8_t tag, std::initializer_list<std::string_view> parts);

// INTEGER contents (two's complement, minimal) for a non-negative value.
std::string DerUnsignedContents(uint64_t value);
// Writes the INTEGER contents for the unsigned big-endian magnitude in `hex`
// (any case, leading zeros allowed) to `out` and returns their length. Fails
// on an empty or non-hex string, or when the contents exceed `out`.
Result<size_t> DerSerialContents(std::string_view hex, std::span<char> out);

// A Time (RFC 5280 4.1.2.5): UTCTime for 1950-2049, GeneralizedTime
// otherwise, always in UTC ("Z") and to the second.
void AppendDerTime(std::string* out, std::time_t t);
// The size AppendDerTime appends for `t`.
size_t DerTimeSize(std::time_t t);

}  // namespace signet::pki::internal
