#include "client/store/lineage.h"

#include <gtest/gtest.h>

#include "client/store/store_test_util.h"

namespace signet::client {
namespace {

using namespace store_testing;  // NOLINT: test helpers

class LineageTest : public ::testing::Test {
 protected:
  LineageTest() : layout_(tmp_.path() / "cfg") {}

  Lineage MustCreate(std::string_view name, const CertificateFiles& files) {
    Result<Lineage> l =
        Lineage::Create(layout_, name, files, StandaloneParams(layout_.config_dir()));
    EXPECT_TRUE(l.ok()) << (l.ok() ? "" : l.error().ToString());
    return std::move(l).value();
  }

  TempDir tmp_;
  StoreLayout layout_;
  TestIssuer issuer_;
};

TEST_F(LineageTest, CreateWritesCertbotLayout) {
  CertificateFiles files = issuer_.Issue({"example.test", "www.example.test"});
  Lineage lineage = MustCreate("example.test", files);
  const fs::path cfg = layout_.config_dir();
  EXPECT_EQ(lineage.name(), "example.test");

  for (LineageItem item : kLineageItems) {
    const std::string kind(LineageItemName(item));
    const fs::path link = cfg / "live/example.test" / (kind + ".pem");
    ASSERT_TRUE(IsLink(link)) << link;
    EXPECT_EQ(LinkText(link), "../../archive/example.test/" + kind + "1.pem");
    const fs::path file = cfg / "archive/example.test" / (kind + "1.pem");
    EXPECT_EQ(ModeOf(file), item == LineageItem::kPrivkey ? 0600u : 0644u) << file;
  }
  EXPECT_EQ(ReadOrDie(cfg / "live/example.test/cert.pem"), files.cert);
  EXPECT_EQ(ReadOrDie(cfg / "live/example.test/chain.pem"), files.chain);
  EXPECT_EQ(ReadOrDie(cfg / "live/example.test/fullchain.pem"), files.cert + files.chain);
  EXPECT_EQ(ReadOrDie(cfg / "live/example.test/privkey.pem"), files.privkey);

  EXPECT_EQ(ModeOf(cfg / "live"), 0700u);
  EXPECT_EQ(ModeOf(cfg / "archive"), 0700u);
  EXPECT_EQ(ModeOf(cfg / "renewal"), 0755u);
  EXPECT_EQ(ModeOf(cfg / "live/example.test"), 0755u);
  EXPECT_EQ(ModeOf(cfg / "archive/example.test"), 0755u);
  EXPECT_EQ(ModeOf(cfg / "renewal/example.test.conf"), 0644u);

  // READMEs are certbot's, byte for byte.
  EXPECT_EQ(ReadOrDie(cfg / "live/README"), ReadOrDie(GoldenCertbot() / "live/README"));
  EXPECT_EQ(ReadOrDie(cfg / "live/example.test/README"),
            ReadOrDie(GoldenCertbot() / "live/example.test/README"));

  // The conf is certbot's for the same options (the golden one, moved).
  const std::string golden = ReadOrDie(GoldenCertbot() / "renewal/example.test.conf");
  std::string expected = ReplaceAll(golden, "reuse_key = True\n", "");
  expected = ReplaceAll(expected, "6e76c2a552ff39fc78ddbf2585513b8b", "acct");
  expected = ReplaceAll(expected, "/tmp/cbg/x/cfg", cfg.string());
  expected = ReplaceAll(expected, "/tmp/cbg/x/", cfg.parent_path().string() + "/");
  EXPECT_EQ(ReadOrDie(cfg / "renewal/example.test.conf"), expected);

  // Nothing else: no temp or previous_ files are left.
  std::vector<std::string> live;
  for (const auto& e : fs::directory_iterator(cfg / "live/example.test"))
    live.push_back(e.path().filename().string());
  std::sort(live.begin(), live.end());
  EXPECT_EQ(live, (std::vector<std::string>{"README", "cert.pem", "chain.pem", "fullchain.pem",
                                            "privkey.pem"}));
}

TEST_F(LineageTest, AddVersionBumpsAndRelinks) {
  Lineage lineage = MustCreate("example.test", issuer_.Issue({"example.test"}));
  CertificateFiles v2 = issuer_.Issue({"example.test"});
  Result<int> version = lineage.AddVersion(v2, StandaloneParams(layout_.config_dir()));
  ASSERT_TRUE(version.ok()) << version.error().ToString();
  EXPECT_EQ(*version, 2);
  for (LineageItem item : kLineageItems) {
    const std::string kind(LineageItemName(item));
    EXPECT_EQ(LinkText(lineage.LivePath(item)), "../../archive/example.test/" + kind + "2.pem");
    EXPECT_EQ(lineage.CurrentVersion(item).value(), 2);
    EXPECT_TRUE(fs::exists(lineage.ArchivePath(item, 1)));  // old versions stay
  }
  EXPECT_EQ(lineage.ReadCurrent().value().cert, v2.cert);
  EXPECT_EQ(lineage.LatestCommonVersion(), 2);
  EXPECT_FALSE(fs::exists(layout_.LiveDir("example.test") / "previous_cert.pem"));

  // Reopening sees the same thing.
  Lineage reopened = Lineage::Open(layout_, "example.test").value();
  EXPECT_EQ(reopened.CurrentVersion().value(), 2);
  EXPECT_EQ(reopened.CurrentNames().value(), std::vector<std::string>{"example.test"});
}

TEST_F(LineageTest, ReusedKeyIsWrittenAgainAndKeepsAdminPermissions) {
  CertificateFiles v1 = issuer_.Issue({"example.test"});
  Lineage lineage = MustCreate("example.test", v1);
  // An administrator let a group read the key.
  ASSERT_EQ(::chmod(lineage.ArchivePath(LineageItem::kPrivkey, 1).c_str(), 0640), 0);
  CertificateFiles v2 = issuer_.Issue({"example.test"}, v1.privkey);
  RenewalParams params = StandaloneParams(layout_.config_dir());
  params.SetBool("reuse_key", true);
  ASSERT_EQ(lineage.AddVersion(v2, params).value(), 2);
  EXPECT_FALSE(IsLink(lineage.ArchivePath(LineageItem::kPrivkey, 2)));
  EXPECT_EQ(ReadOrDie(lineage.ArchivePath(LineageItem::kPrivkey, 2)), v1.privkey);
  EXPECT_EQ(ModeOf(lineage.ArchivePath(LineageItem::kPrivkey, 2)), 0640u);
  EXPECT_EQ(lineage.conf().ParamBool("reuse_key"), true);
}

TEST_F(LineageTest, TakenNamesGetCertbotSuffixes) {
  MustCreate("example.test", issuer_.Issue({"example.test"}));
  Lineage second = MustCreate("example.test", issuer_.Issue({"example.test"}));
  Lineage third = MustCreate("example.test", issuer_.Issue({"example.test"}));
  EXPECT_EQ(second.name(), "example.test-0001");
  EXPECT_EQ(third.name(), "example.test-0002");
  EXPECT_EQ(LinkText(second.LivePath(LineageItem::kCert)),
            "../../archive/example.test-0001/cert1.pem");
  // Sorted by file name, as certbot's sorted glob: '-' sorts before '.'.
  EXPECT_EQ(Lineage::ListNames(layout_),
            (std::vector<std::string>{"example.test-0001", "example.test-0002", "example.test"}));
}

TEST_F(LineageTest, NamesFollowCertbot) {
  EXPECT_EQ(ChooseLineageName({"*.wild.test", "wild.test"}), "wild.test");
  EXPECT_EQ(ChooseLineageName({"a.test", "b.test"}), "a.test");
  EXPECT_EQ(ChooseLineageName({"a.test"}, "mycert"), "mycert");
  Lineage wild = MustCreate(ChooseLineageName({"*.wild.test"}), issuer_.Issue({"*.wild.test"}));
  EXPECT_EQ(wild.name(), "wild.test");
  EXPECT_TRUE(fs::exists(layout_.config_dir() / "renewal/wild.test.conf"));
  for (const char* bad : {"", ".", "..", "a/b"})
    EXPECT_FALSE(Lineage::Create(layout_, bad, issuer_.Issue({"x.test"}), {}).ok()) << bad;
}

// --ip-address (certbot 5.3): a lineage of addresses only is named after the
// first ("-" for ":" in IPv6), and its names (what renew orders again)
// include its iPAddress SANs after the DNS ones.
TEST_F(LineageTest, IpAddressLineages) {
  EXPECT_EQ(ChooseLineageName({"127.0.0.1", "10.0.0.1"}), "127.0.0.1");
  EXPECT_EQ(ChooseLineageName({"2001:db8::1"}), "2001-db8--1");
  EXPECT_EQ(ChooseLineageName({"a.test", "127.0.0.1"}), "a.test");
  Lineage ip = MustCreate(ChooseLineageName({"2001:db8::1"}),
                          issuer_.Issue({"a.test"}, "", std::chrono::hours(24),
                                        {"2001:db8::1", "127.0.0.1"}));
  EXPECT_EQ(ip.name(), "2001-db8--1");
  EXPECT_EQ(Lineage::Open(layout_, "2001-db8--1").value().CurrentNames().value(),
            (std::vector<std::string>{"a.test", "2001:db8::1", "127.0.0.1"}));
}

TEST_F(LineageTest, RefusesMismatchedKeyAndForeignDirectories) {
  CertificateFiles files = issuer_.Issue({"example.test"});
  files.privkey = issuer_.Issue({"example.test"}).privkey;
  EXPECT_FALSE(Lineage::Create(layout_, "example.test", files, {}).ok());
  // certbot refuses a name whose archive directory holds something else.
  fs::create_directories(layout_.ArchiveDir("taken.test"));
  ASSERT_TRUE(WriteFileAtomic(layout_.ArchiveDir("taken.test") / "notes.txt", "mine").ok());
  Result<Lineage> l = Lineage::Create(layout_, "taken.test", issuer_.Issue({"taken.test"}), {});
  ASSERT_FALSE(l.ok());
  EXPECT_NE(l.error().detail.find("archive directory exists"), std::string::npos);
}

TEST_F(LineageTest, DeleteRemovesEverything) {
  MustCreate("a.test", issuer_.Issue({"a.test"}));
  Lineage b = MustCreate("b.test", issuer_.Issue({"b.test"}));
  ASSERT_TRUE(b.AddVersion(issuer_.Issue({"b.test"}), {}).ok());
  ASSERT_TRUE(Lineage::Delete(layout_, "b.test").ok());
  EXPECT_FALSE(fs::exists(layout_.RenewalConfPath("b.test")));
  EXPECT_FALSE(fs::exists(layout_.LiveDir("b.test")));
  EXPECT_FALSE(fs::exists(layout_.ArchiveDir("b.test")));
  EXPECT_EQ(Lineage::ListNames(layout_), std::vector<std::string>{"a.test"});
  EXPECT_TRUE(Lineage::Open(layout_, "a.test").ok());
  EXPECT_EQ(Lineage::Delete(layout_, "b.test").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Lineage::Open(layout_, "b.test").error().code, ErrorCode::kNotFound);
}

TEST_F(LineageTest, ReadsAndExtendsCertbotLineage) {
  CopyGoldenStore(layout_.config_dir());
  Result<Lineage> lineage = Lineage::Open(layout_, "example.test");
  ASSERT_TRUE(lineage.ok()) << lineage.error().ToString();
  EXPECT_EQ(lineage->CurrentVersion().value(), 3);
  EXPECT_EQ(lineage->AvailableVersions(LineageItem::kFullchain), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(lineage->CurrentNames().value(), std::vector<std::string>{"example.test"});
  CertificateFiles current = lineage->ReadCurrent().value();
  EXPECT_EQ(current.cert, ReadOrDie(GoldenCertbot() / "archive/example.test/cert3.pem"));
  EXPECT_EQ(current.fullchain(),
            ReadOrDie(GoldenCertbot() / "archive/example.test/fullchain3.pem"));
  // The names certbot lists (those with a conf).
  EXPECT_EQ(Lineage::ListNames(layout_),
            (std::vector<std::string>{"example.test", "wild.test", "www.example.test"}));

  // A renewal keeps every option certbot recorded.
  const std::string before = ReadOrDie(layout_.RenewalConfPath("example.test"));
  ASSERT_EQ(lineage->AddVersion(issuer_.Issue({"example.test"}), lineage->conf().Params()).value(),
            4);
  EXPECT_EQ(LinkText(lineage->LivePath(LineageItem::kCert)),
            "../../archive/example.test/cert4.pem");
  EXPECT_EQ(ReadOrDie(layout_.RenewalConfPath("example.test")), before);
}

TEST_F(LineageTest, EnsureDeployedLinksCompleteNewerVersion) {
  Lineage lineage = MustCreate("example.test", issuer_.Issue({"example.test"}));
  // A version 2 in the archive that is not linked (as after a crash).
  CertificateFiles v2 = issuer_.Issue({"example.test"});
  for (LineageItem item : kLineageItems) {
    std::string data = item == LineageItem::kCert      ? v2.cert
                       : item == LineageItem::kChain   ? v2.chain
                       : item == LineageItem::kPrivkey ? v2.privkey
                                                       : v2.fullchain();
    ASSERT_TRUE(WriteFileAtomic(lineage.ArchivePath(item, 2), data).ok());
  }
  EXPECT_EQ(lineage.EnsureDeployed().value(), false);
  EXPECT_EQ(lineage.CurrentVersion(LineageItem::kPrivkey).value(), 2);
  EXPECT_EQ(lineage.EnsureDeployed().value(), true);
}

}  // namespace
}  // namespace signet::client
