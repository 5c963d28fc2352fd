// The [profiles.*] tables of signetd's configuration, and the dated
// schedule of a profile (Let's Encrypt's 90 -> 64 -> 45 days).
#include "profile_config.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace signet::app {
namespace {

using std::chrono::hours;
using std::chrono::sys_days;
using std::chrono::system_clock;
namespace chr = std::chrono;

system_clock::time_point Day(int y, unsigned m, unsigned d) {
  return system_clock::time_point(sys_days(chr::year(y) / m / d));
}

const ca::Profile& Named(const CaConfig& c, const std::string& name) {
  auto it = std::find_if(c.profiles.begin(), c.profiles.end(),
                         [&](const ca::Profile& p) { return p.name == name; });
  EXPECT_NE(it, c.profiles.end()) << name;
  return *it;
}

Result<CaConfig> Load(std::string_view text) {
  CaConfig config;
  toml::table table;
  try {
    table = toml::parse(text);
  } catch (const toml::parse_error& e) {
    return Error(ErrorCode::kMalformed, "test TOML does not parse");
  }
  SIGNET_RETURN_IF_ERROR(LoadProfiles(table, config));
  return config;
}

TEST(ProfileScheduleTest, BuiltInClassicFollowsLetsEncryptsDates) {
  const ca::Profile classic = ca::DefaultProfiles()[0];
  ASSERT_EQ(classic.name, "classic");
  EXPECT_EQ(classic.LifetimeAt(Day(2026, 12, 4)), hours(24 * 90));
  EXPECT_EQ(classic.ReuseWindowAt(Day(2026, 12, 4)), hours(24 * 30));
  EXPECT_EQ(classic.LifetimeAt(Day(2027, 2, 9)), hours(24 * 90));
  EXPECT_EQ(classic.LifetimeAt(Day(2027, 2, 10)), hours(24 * 64));
  EXPECT_EQ(classic.ReuseWindowAt(Day(2027, 2, 10)), hours(24 * 10));
  EXPECT_EQ(classic.LifetimeAt(Day(2028, 2, 16)), hours(24 * 45));
  EXPECT_EQ(classic.ReuseWindowAt(Day(2028, 2, 16)), hours(7));
  const ca::Profile tlsserver = ca::DefaultProfiles()[1];
  ASSERT_EQ(tlsserver.name, "tlsserver");
  EXPECT_EQ(tlsserver.LifetimeAt(Day(2026, 12, 4)), hours(24 * 45));
}

TEST(ProfileScheduleTest, ConfiguredStepsMoveClassic) {
  auto config = Load(R"(
[profiles.classic]
schedule = [
  { from = 2026-01-01, lifetime = "64d", authz_reuse = "10d" },
  { from = 2026-06-01T12:00:00+02:00, lifetime = "45d" },
]
)");
  ASSERT_TRUE(config.ok()) << config.error().detail;
  const ca::Profile& classic = Named(*config, "classic");
  ASSERT_EQ(classic.schedule.size(), 2u);
  EXPECT_EQ(classic.LifetimeAt(Day(2025, 12, 31)), hours(24 * 90));
  EXPECT_EQ(classic.LifetimeAt(Day(2026, 1, 1)), hours(24 * 64));
  EXPECT_EQ(classic.ReuseWindowAt(Day(2026, 1, 1)), hours(24 * 10));
  // 12:00+02:00 is 10:00 UTC.
  EXPECT_EQ(classic.LifetimeAt(Day(2026, 6, 1) + hours(10) - chr::seconds(1)), hours(24 * 64));
  EXPECT_EQ(classic.LifetimeAt(Day(2026, 6, 1) + hours(10)), hours(24 * 45));
  EXPECT_EQ(classic.ReuseWindowAt(Day(2026, 6, 1) + hours(10)), hours(24 * 10))
      << "a step without authz_reuse keeps the one before";
  EXPECT_TRUE(ca::ProfileSet::Create(config->profiles, "classic").ok());
}

TEST(ProfileScheduleTest, LifetimeWithoutScheduleHoldsForGood) {
  auto config = Load("[profiles.classic]\nlifetime = \"30d\"\n");
  ASSERT_TRUE(config.ok());
  const ca::Profile& classic = Named(*config, "classic");
  EXPECT_TRUE(classic.schedule.empty());
  EXPECT_EQ(classic.LifetimeAt(Day(2029, 1, 1)), hours(24 * 30));
  auto cleared = Load("[profiles.classic]\nschedule = []\n");
  ASSERT_TRUE(cleared.ok());
  EXPECT_EQ(Named(*cleared, "classic").LifetimeAt(Day(2029, 1, 1)), hours(24 * 90));
  auto fresh = Load("[profiles.client]\nlifetime = \"10d\"\n");
  ASSERT_TRUE(fresh.ok());
  EXPECT_TRUE(Named(*fresh, "client").schedule.empty()) << "a new profile has no schedule";
}

// Found by toml_config_fuzz (UBSan: "6e+28 is outside the range of
// representable values of type 'long'" in toml++'s value<int64_t>()): a
// float lifetime out of int64_t's range is refused, not cast; a float that
// is exactly an integer still counts as one, as before.
TEST(ProfileScheduleTest, FloatLifetimesOutOfRangeAreRefusedNotCast) {
  for (const char* toml : {"[profiles.s]\nlifetime =60000040000000000000.4\n",
                           "[profiles.s]\nlifetime = 6e28\n", "[profiles.s]\nlifetime = -1e19\n",
                           "[profiles.s]\nlifetime = inf\n", "[profiles.s]\nlifetime = nan\n",
                           "[profiles.s]\nlifetime = 86400.5\n"}) {
    auto config = Load(toml);
    ASSERT_FALSE(config.ok()) << toml;
    EXPECT_NE(config.error().detail.find("lifetime must be a duration"), std::string::npos)
        << toml << " -> " << config.error().detail;
  }
  auto whole = Load("[profiles.s]\nlifetime = 86400.0\nmax_names = 1e2\n");
  ASSERT_TRUE(whole.ok()) << whole.error().detail;
  EXPECT_EQ(Named(*whole, "s").LifetimeAt(Day(2029, 1, 1)), hours(24));
  EXPECT_EQ(Named(*whole, "s").max_names, 100u);
  auto huge = Load("[profiles.s]\nlifetime = \"1d\"\nmax_names = 1e300\n");
  ASSERT_TRUE(huge.ok());  // not an integer: ignored, as a string would be
}

TEST(ProfileScheduleTest, BadSchedulesAreRefusedWithTheReason) {
  struct Case {
    const char* toml;
    const char* reason;
  } cases[] = {
      {"[profiles.classic]\nschedule = 3\n", "schedule must be an array of tables"},
      {"[profiles.classic]\nschedule = [ { lifetime = \"64d\" } ]\n", "needs from"},
      {"[profiles.classic]\nschedule = [ { from = \"2027\" } ]\n", "from must be a TOML date"},
      {"[profiles.classic]\nschedule = [ { from = 2027-02-10T00:00:00 } ]\n", "UTC offset"},
      {"[profiles.classic]\nschedule = [ { from = 2027-02-10, lifetime = \"64x\" } ]\n",
       "bad duration"},
      {"[profiles.classic]\nschedule = [ { from = 2027-02-10, life = \"64d\" } ]\n",
       "unknown key \"life\""},
      // Found by toml_config_fuzz: dates system_clock cannot hold (UBSan overflow).
      {"[[profiles.classic.schedule]]\nfrom=3816-02-10\n", "between 1678 and 2261"},
      {"[profiles.classic]\nschedule = [ { from = 1000-01-01T00:00:00Z } ]\n",
       "between 1678 and 2261"},
  };
  for (const Case& c : cases) {
    auto config = Load(c.toml);
    ASSERT_FALSE(config.ok()) << c.toml;
    EXPECT_NE(config.error().detail.find(c.reason), std::string::npos)
        << c.toml << " -> " << config.error().detail;
    EXPECT_NE(config.error().detail.find("profiles.classic"), std::string::npos);
  }
  // Steps out of order, or a zero lifetime, are the profile set's to refuse.
  auto unordered = Load(R"(
[profiles.classic]
schedule = [ { from = 2028-01-01, lifetime = "45d" }, { from = 2027-01-01, lifetime = "64d" } ]
)");
  ASSERT_TRUE(unordered.ok());
  auto set = ca::ProfileSet::Create(unordered->profiles, "classic");
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.error().detail.find("increasing date order"), std::string::npos);
  auto zero = Load("[profiles.classic]\nschedule = [ { from = 2027-01-01, lifetime = 0 } ]\n");
  ASSERT_TRUE(zero.ok());
  set = ca::ProfileSet::Create(zero->profiles, "classic");
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.error().detail.find("lifetime must be positive"), std::string::npos);
}

}  // namespace
}  // namespace signet::app
