// Tests TSIG (RFC 8945) signing and response checking against messages
// dnspython 2.3 (the library certbot-dns-rfc2136 uses) signed with the same
// key and time, for each of the six algorithms; and that a changed byte, a
// wrong key or an unsigned BADSIG answer are told apart.
#include "client/rfc2136/tsig.h"

#include <gtest/gtest.h>

namespace signet::client::rfc2136 {
namespace {

std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(char(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return s;
}

// example.com. SOA, ID 0x1234, no flags; signed at 1700000000 with fudge 300
// by key "test-key." (secret "signet tsig test key").
constexpr const char* kQuery = "123400000001000000000000076578616d706c6503636f6d0000060001";
struct Vector {
  const char* algorithm;
  const char* signed_query;  // dnspython's to_wire() after use_tsig()
  const char* response;      // make_response(query) with AA, signed for the query
};
const Vector kVectors[] = {
    {"HMAC-MD5",
     "123400000001000000000001076578616d706c6503636f6d000006000108746573742d6b65790000fa00ff0000000"
     "0003a08484d41432d4d4435075349472d414c470352454703494e540000006553f100012c0010cfc1f72a7ae8bc5d"
     "aab8b13864e1b336123400000000",
     "123484000001000000000001076578616d706c6503636f6d000006000108746573742d6b65790000fa00ff0000000"
     "0003a08484d41432d4d4435075349472d414c470352454703494e540000006553f100012c001062dd0a9fe7025741"
     "72d5bf7f33f8573b123400000000"},
    {"HMAC-SHA1",
     "123400000001000000000001076578616d706c6503636f6d000006000108746573742d6b65790000fa00ff0000000"
     "0002f09686d61632d736861310000006553f100012c0014e8c8c0a1e2e484c003a3923ae46104e7a780f96c123400"
     "000000",
     "123484000001000000000001076578616d706c6503636f6d000006000108746573742d6b65790000fa00ff0000000"
     "0002f09686d61632d736861310000006553f100012c00144c3fbce7c71cc4f2e5a6f88a1f9187cdb9f995a9123400"
     "000000"},
    {"HMAC-SHA224",
     "123400000001000000000001076578616d706c6503636f6d000006000108746573742d6b65790000fa00ff0000000"
     "000390b686d61632d7368613232340000006553f100012c001c967b2a2b443320d410ed355f093fc34992a8ee1539"
     "5e4d0829d489a0123400000000",
     "123484000001000000000001076578616d706c6503636f6d000006000108746573742d6b65790000fa00ff0000000"
     "000390b686d61632d7368613232340000006553f100012c001c2415790580de55f1dde2afdbf8f1497a87f446acda"
     "153b26a84809d1123400000000"},
    {"HMAC-SHA256",
     "123400000001000000000001076578616d706c6503636f6d000006000108746573742d6b65790000fa00ff0000000"
     "0003d0b686d61632d7368613235360000006553f100012c0020127f147bcbd36b8ce03664a450107ac3329f95c710"
     "b1b110a41c5d6c53b6f4e9123400000000",
     "123484000001000000000001076578616d706c6503636f6d000006000108746573742d6b65790000fa00ff0000000"
     "0003d0b686d61632d7368613235360000006553f100012c00201facb06bbd76b05623c166c41215daeafd93b4c691"
     "ecfc59fdeb1aa7ccb59e1e123400000000"},
    {"HMAC-SHA384",
     "123400000001000000000001076578616d706c6503636f6d000006000108746573742d6b65790000fa00ff0000000"
     "0004d0b686d61632d7368613338340000006553f100012c0030c5d51e9d338292d3e28e31abc089e37f8569a55d15"
     "5e237713c68755827085033b27875d70174ac4e56b767c2e479369123400000000",
     "123484000001000000000001076578616d706c6503636f6d000006000108746573742d6b65790000fa00ff0000000"
     "0004d0b686d61632d7368613338340000006553f100012c0030c120d54b734d295699c497911acc4b76dd8803cd67"
     "3746d99012be3df9de4140cb55e2b1f1b857ce2e1f793c06e7c95b123400000000"},
    {"HMAC-SHA512",
     "123400000001000000000001076578616d706c6503636f6d000006000108746573742d6b65790000fa00ff0000000"
     "0005d0b686d61632d7368613531320000006553f100012c0040b2442f61a67151b0ac68981ec61c1db1e2771779ff"
     "113fd84db84cbfe9167c03277b6b6b41b0fa3a4c0ed18209f54423e76190f274948813b3c9b4ff1802b81b1234000"
     "00000",
     "123484000001000000000001076578616d706c6503636f6d000006000108746573742d6b65790000fa00ff0000000"
     "0005d0b686d61632d7368613531320000006553f100012c00407167d6eb4b593b4a5140b19a4304ce4fb1404826ba"
     "6261d780d7a5887c5034167dc964bf330c1aea7892d60770ae4e58884581938d8aeddadcae83cd38045cc81234000"
     "00000"},
};

Credentials Key(const char* algorithm, std::string secret = "c2lnbmV0IHRzaWcgdGVzdCBrZXk=") {
  Credentials c;
  c.server = "127.0.0.1";
  c.key_name = "test-key.";
  c.secret = std::move(secret);
  c.algorithm = algorithm;
  return c;
}

TEST(Tsig, SignsAsDnspythonDoes) {
  for (const Vector& v : kVectors) {
    SCOPED_TRACE(v.algorithm);
    auto key = MakeTsigKey(Key(v.algorithm));
    ASSERT_TRUE(key.ok()) << key.error().detail;
    std::string message = Unhex(kQuery);
    auto mac = SignMessage(&message, *key, 1700000000);
    ASSERT_TRUE(mac.ok()) << mac.error().detail;
    // dnspython writes the algorithm name in upper case; DNS names compare
    // without case, and the MAC covers the lower-case (canonical) form.
    EXPECT_EQ(Lower(message), Lower(Unhex(v.signed_query)));
  }
}

TEST(Tsig, VerifiesDnspythonResponses) {
  for (const Vector& v : kVectors) {
    SCOPED_TRACE(v.algorithm);
    auto key = MakeTsigKey(Key(v.algorithm));
    ASSERT_TRUE(key.ok());
    std::string message = Unhex(kQuery);
    auto mac = SignMessage(&message, *key, 1700000000);
    ASSERT_TRUE(mac.ok());
    std::string response = Unhex(v.response);
    auto good = CheckResponse(response, *key, *mac);
    ASSERT_TRUE(good.ok()) << good.error().detail;
    EXPECT_TRUE(good->present);
    EXPECT_EQ(good->error, 0);
    EXPECT_TRUE(good->verified);
    // A flipped bit in the answer's header (the RA flag) breaks the MAC.
    std::string tampered = response;
    tampered[3] = char(tampered[3] ^ 0x80);
    auto bad = CheckResponse(tampered, *key, *mac);
    ASSERT_TRUE(bad.ok());
    EXPECT_FALSE(bad->verified);
    // So does another key.
    auto other = MakeTsigKey(Key(v.algorithm, "b3RoZXIga2V5"));
    ASSERT_TRUE(other.ok());
    auto wrong = CheckResponse(response, *other, *mac);
    ASSERT_TRUE(wrong.ok());
    EXPECT_FALSE(wrong->verified);
  }
}

TEST(Tsig, UnsignedBadsigAnswer) {
  // The answer a server gives to a request it cannot verify: the TSIG record
  // with an empty MAC and error 16 (BADSIG), rcode NOTAUTH.
  auto key = MakeTsigKey(Key("HMAC-SHA256"));
  ASSERT_TRUE(key.ok());
  std::string response = Unhex(kQuery);
  response[2] = char(0x80);
  response[3] = char(0x09);  // QR, NOTAUTH
  response[11] = 1;          // ARCOUNT
  response += key->name_wire + Unhex("00fa00ff0000000000") + char(key->algorithm_wire.size() + 16) +
              key->algorithm_wire +
              Unhex(
                  "00006553f100012c"
                  "0000"
                  "1234"
                  "0010"
                  "0000");
  auto r = CheckResponse(response, *key, "mac");
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_TRUE(r->present);
  EXPECT_EQ(r->error, 16);
  EXPECT_FALSE(r->verified);
}

TEST(Tsig, NoTsigRecord) {
  auto key = MakeTsigKey(Key("HMAC-SHA256"));
  ASSERT_TRUE(key.ok());
  auto r = CheckResponse(Unhex(kQuery), *key, "mac");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->present);
  EXPECT_FALSE(CheckResponse("short", *key, "mac").ok());
}

TEST(Tsig, KeyErrors) {
  auto bad_secret = MakeTsigKey(Key("HMAC-SHA256", "not base64!"));
  ASSERT_FALSE(bad_secret.ok());
  EXPECT_NE(bad_secret.error().detail.find("dns_rfc2136_secret"), std::string::npos);
  Credentials c = Key("HMAC-SHA256");
  c.key_name = "a..b";
  EXPECT_FALSE(MakeTsigKey(c).ok());
  EXPECT_EQ(NameToWire("Key.Example."), std::string("\003key\007example\000", 13));
}

}  // namespace
}  // namespace signet::client::rfc2136
