// SCTs (RFC 6962 3.2, 3.3): the TLS encoding of one SCT and of a list, byte
// for byte, the signed data, and the log-signature check.
#include "pki/sct.h"

#include <gtest/gtest.h>

#include "crypto/digest.h"

namespace signet::pki {
namespace {

Sct Example() {
  Sct sct;
  sct.log_id = std::string(32, '\x11');
  sct.timestamp_ms = 0x0102030405060708ull;
  sct.signature = "SIG";
  return sct;
}

TEST(SctTest, EncodesOneSctAsRfc6962Says) {
  std::string want;
  want += '\x00';                      // v1
  want += std::string(32, '\x11');     // LogID
  want += std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8);  // uint64 timestamp
  want += std::string("\x00\x00", 2);  // CtExtensions <0..2^16-1>, empty
  want += std::string("\x04\x03", 2);  // sha256, ecdsa
  want += std::string("\x00\x03", 2) + "SIG";  // signature <0..2^16-1>
  EXPECT_EQ(EncodeSct(Example()), want);
  auto back = DecodeSct(want);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back->timestamp_ms, 0x0102030405060708ull);
  EXPECT_EQ(back->signature, "SIG");
  EXPECT_EQ(back->log_id, std::string(32, '\x11'));
}

TEST(SctTest, EncodesAListWithTwoLengthPrefixes) {
  Sct a = Example(), b = Example();
  b.signature = "LONGER";
  auto list = EncodeSctList({a, b});
  ASSERT_TRUE(list.ok());
  const std::string one = EncodeSct(a), two = EncodeSct(b);
  const size_t inner = 2 + one.size() + 2 + two.size();
  std::string want;
  want += char(inner >> 8);
  want += char(inner & 0xff);
  want += char(one.size() >> 8);
  want += char(one.size() & 0xff);
  want += one;
  want += char(two.size() >> 8);
  want += char(two.size() & 0xff);
  want += two;
  EXPECT_EQ(*list, want);
  auto back = DecodeSctList(*list);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[1].signature, "LONGER");
}

TEST(SctTest, RefusesTruncatedAndTrailingBytes) {
  const std::string one = EncodeSct(Example());
  EXPECT_EQ(DecodeSct(one.substr(0, one.size() - 1)).error().code, ErrorCode::kMalformed);
  EXPECT_EQ(DecodeSct(one + "x").error().code, ErrorCode::kMalformed);
  auto list = EncodeSctList({Example()});
  ASSERT_TRUE(list.ok());
  EXPECT_FALSE(DecodeSctList(list->substr(0, list->size() - 2)).ok());
  EXPECT_FALSE(DecodeSctList(std::string("\x00\x00", 2)).ok());  // an empty list
  EXPECT_FALSE(EncodeSctList({}).ok());
}

TEST(SctTest, SignedDataOfAPrecertCarriesTheIssuerKeyHashAnd24BitLength) {
  Sct sct = Example();
  const std::string hash(32, '\x22');
  std::string data = SctSignedData(sct, CtEntryType::kPrecert, hash, "TBS");
  std::string want;
  want += std::string("\x00\x00", 2);  // v1, certificate_timestamp
  want += std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8);
  want += std::string("\x00\x01", 2);  // precert_entry
  want += hash;
  want += std::string("\x00\x00\x03", 3) + "TBS";
  want += std::string("\x00\x00", 2);
  EXPECT_EQ(data, want);
  std::string x509 = SctSignedData(sct, CtEntryType::kX509, hash, "CERT");
  EXPECT_EQ(x509.substr(10, 2), std::string("\x00\x00", 2));  // x509_entry
  EXPECT_EQ(x509.find(hash), std::string::npos);              // no issuer hash
}

TEST(SctTest, VerifiesTheLogsSignatureAndRefusesAnythingElse) {
  auto log = crypto::Key::Generate(crypto::KeyType::kEcP256);
  auto other = crypto::Key::Generate(crypto::KeyType::kEcP256);
  ASSERT_TRUE(log.ok() && other.ok());
  const std::string hash = crypto::Sha256("issuer");
  auto sct = SignSct(*log, 1700000000000, CtEntryType::kPrecert, hash, "TBS");
  ASSERT_TRUE(sct.ok()) << sct.error().ToString();
  EXPECT_EQ(sct->log_id, CtLogId(*log));
  EXPECT_TRUE(VerifySct(*sct, *log, CtEntryType::kPrecert, hash, "TBS").ok());
  Status wrong_payload = VerifySct(*sct, *log, CtEntryType::kPrecert, hash, "TBs");
  EXPECT_NE(wrong_payload.error().detail.find("does not verify"), std::string::npos);
  Status wrong_log = VerifySct(*sct, *other, CtEntryType::kPrecert, hash, "TBS");
  EXPECT_NE(wrong_log.error().detail.find("log id"), std::string::npos);
  EXPECT_FALSE(VerifySct(*sct, *log, CtEntryType::kX509, hash, "TBS").ok());
}

}  // namespace
}  // namespace signet::pki
