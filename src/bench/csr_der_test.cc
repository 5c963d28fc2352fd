#include "bench/csr_der.h"

#include <gtest/gtest.h>

#include "pki/csr.h"

namespace signet::bench {
namespace {

TEST(CsrDer, Lengths) {
  EXPECT_EQ(DerTlv(0x04, "ab"), std::string("\x04\x02" "ab", 4));
  std::string long_content(200, 'x');
  EXPECT_EQ(DerTlv(0x04, long_content).substr(0, 3), std::string("\x04\x81\xc8", 3));
  std::string longer(300, 'x');
  EXPECT_EQ(DerTlv(0x30, longer).substr(0, 4), std::string("\x30\x82\x01\x2c", 4));
}

TEST(CsrDer, TheCaParsesAndVerifiesIt) {
  auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
  ASSERT_TRUE(key.ok());
  auto writer = CsrWriter::ForKey(*key);
  ASSERT_TRUE(writer.ok()) << writer.error().ToString();
  auto der = writer->Build({"o1-abc.bench.test", "o1n1-abc.bench.test"});
  ASSERT_TRUE(der.ok());
  auto csr = pki::ParseCsr(*der);  // checks the self-signature too
  ASSERT_TRUE(csr.ok()) << csr.error().ToString();
  EXPECT_EQ(csr->common_name, "o1-abc.bench.test");
  EXPECT_EQ(csr->dns_names, (std::vector<std::string>{"o1-abc.bench.test", "o1n1-abc.bench.test"}));
  EXPECT_TRUE(csr->public_key.SamePublicKey(*key));
  EXPECT_FALSE(csr->has_other_san_types);
}

TEST(CsrDer, LongFirstNameHasNoCommonName) {
  auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
  ASSERT_TRUE(key.ok());
  std::string name(70, 'a');
  name += ".bench.test";
  auto der = CsrWriter::ForKey(*key)->Build({name});
  ASSERT_TRUE(der.ok());
  auto csr = pki::ParseCsr(*der);
  ASSERT_TRUE(csr.ok()) << csr.error().ToString();
  EXPECT_EQ(csr->common_name, "");
  EXPECT_EQ(csr->dns_names, std::vector<std::string>{name});
}

TEST(CsrDer, RejectsWhatItCannotWrite) {
  auto rsa = crypto::Key::Generate(crypto::KeyType::kEcP384);
  ASSERT_TRUE(rsa.ok());
  EXPECT_FALSE(CsrWriter::ForKey(*rsa).ok());
  auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
  EXPECT_FALSE(CsrWriter::ForKey(*key)->Build({}).ok());
}

}  // namespace
}  // namespace signet::bench
