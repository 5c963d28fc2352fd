#include "ca/va/remote/mpic_rules.h"

#include <gtest/gtest.h>

namespace signet::va::remote {
namespace {

TEST(MpicRules, RirNames) {
  EXPECT_EQ(*CanonicalRir("arin"), "ARIN");
  EXPECT_EQ(*CanonicalRir("RIPE NCC"), "RIPE");
  EXPECT_EQ(*CanonicalRir("AfriNIC"), "AFRINIC");
  for (const char* bad : {"", "IANA", "EU", "ARIN "}) {
    Result<std::string> got = CanonicalRir(bad);
    ASSERT_FALSE(got.ok()) << bad;
    EXPECT_EQ(got.error().code, ErrorCode::kMalformed);
    EXPECT_NE(got.error().detail.find("want ARIN, RIPE, APNIC, LACNIC or AFRINIC"),
              std::string::npos);
  }
}

TEST(MpicRules, QuorumTable) {
  EXPECT_EQ(AllowedNonCorroborations(1), 0u);
  EXPECT_EQ(AllowedNonCorroborations(2), 1u);
  EXPECT_EQ(AllowedNonCorroborations(5), 1u);
  EXPECT_EQ(AllowedNonCorroborations(6), 2u);
  EXPECT_EQ(AllowedNonCorroborations(20), 2u);
}

// The primary's start-up check: 5 remotes, 2 RIRs among their declarations.
TEST(MpicRules, DeploymentCheck) {
  EXPECT_TRUE(CheckDeployment(5, {"ARIN", "ARIN", "ARIN", "ARIN", "RIPE"}).ok());
  EXPECT_TRUE(CheckDeployment(6, {"ARIN", "APNIC"}).ok()) << "4 did not answer, 2 RIRs known";

  Status four = CheckDeployment(4, {"ARIN", "RIPE", "APNIC", "LACNIC"});
  ASSERT_FALSE(four.ok());
  EXPECT_EQ(four.error().code, ErrorCode::kMalformed);
  EXPECT_EQ(four.error().detail,
            "multi-perspective validation (BR 3.2.2.9) needs at least 5 remote perspectives "
            "(--remote-va), 4 configured");
  Status none = CheckDeployment(0, {});
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().detail.find("0 configured"), std::string::npos);

  Status one_rir = CheckDeployment(5, {"ARIN", "ARIN", "ARIN", "ARIN", "ARIN"});
  ASSERT_FALSE(one_rir.ok());
  EXPECT_EQ(one_rir.error().detail,
            "multi-perspective validation (BR 3.2.2.9) needs remote perspectives in at least 2 "
            "regional internet registries; 5 of 5 remotes answered, declaring ARIN");
  Status silent = CheckDeployment(5, {"RIPE"});
  ASSERT_FALSE(silent.ok()) << "the RIRs of remotes that did not answer are unknown";
  EXPECT_NE(silent.error().detail.find("1 of 5 remotes answered, declaring RIPE"),
            std::string::npos)
      << silent.error().detail;
}

// The primary learns a remote's RIR from its first answer and refuses an
// answer that names another later.
TEST(MpicRules, ARemotesRirDoesNotChange) {
  DeclaredRirRecord record;
  EXPECT_EQ(record.rir(), "");
  EXPECT_TRUE(record.Record("RIPE", "https://r1").ok());
  EXPECT_TRUE(record.Record("RIPE", "https://r1").ok());
  Status moved = record.Record("ARIN", "https://r1");
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.error().code, ErrorCode::kServerInternal);
  EXPECT_EQ(moved.error().detail, "remote perspective https://r1 declared RIR ARIN, earlier RIPE");
  EXPECT_EQ(record.rir(), "RIPE");
}

}  // namespace
}  // namespace signet::va::remote
