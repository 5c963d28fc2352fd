// Paused clients in the SQLite store (migration 0010): a run of failed
// validations per (account, identifier), reset by a success, pausing the
// pair at a threshold of count and span; pause and unpause.
#include <gtest/gtest.h>

#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/store_test_fixture.h"

namespace signet::storage {
namespace {

using std::chrono::hours;

const acme::Identifier kName{"dns", "zombie.example"};
const acme::Identifier kOther{"dns", "other.example"};

class SqlitePausedTest : public SqliteStoreFixture {
 protected:
  void SetUp() override {
    SqliteStoreFixture::SetUp();
    for (const char* id : {"acct-1", "acct-2"}) {
      acme::Account a;
      a.id = id;
      a.thumbprint = std::string("tp-") + id;
      a.jwk_json = "{}";
      a.created_at = t0_;
      ASSERT_TRUE(store_->CreateAccount(a).ok());
    }
  }
  // A failure `h` hours after t0_; true if it paused the pair.
  bool Fail(const std::string& account, const acme::Identifier& id, int h) {
    auto r = store_->RecordValidationFailure(account, id, t0_ + hours(h), threshold_);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() && *r;
  }
  PauseState State(const std::string& account, const acme::Identifier& id) {
    auto r = store_->GetPauseState(account, id);
    EXPECT_TRUE(r.ok() && r->has_value());
    return r.ok() && r->has_value() ? **r : PauseState{};
  }
  std::vector<acme::Identifier> Paused(const std::string& account) {
    auto r = store_->PausedAmong(account, {kName, kOther});
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : std::vector<acme::Identifier>{};
  }

  acme::TimePoint t0_ = acme::Clock::from_time_t(1800000000);
  PauseThreshold threshold_{3, hours(24)};
};

TEST_P(SqlitePausedTest, FailuresCountInOneRowAndASuccessResetsThem) {
  EXPECT_FALSE(Fail("acct-1", kName, 0));
  EXPECT_FALSE(Fail("acct-1", kName, 1));
  PauseState s = State("acct-1", kName);
  EXPECT_EQ(s.failures, 2);
  EXPECT_EQ(s.first_failure_at, t0_);
  EXPECT_FALSE(s.paused());
  ASSERT_TRUE(store_->RecordValidationSuccess("acct-1", kName).ok());
  auto gone = store_->GetPauseState("acct-1", kName);
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value()) << "a pair never paused keeps no row after a success";
  // The run starts again: two more failures are not three in a row.
  EXPECT_FALSE(Fail("acct-1", kName, 30));
  EXPECT_FALSE(Fail("acct-1", kName, 31));
  EXPECT_EQ(State("acct-1", kName).first_failure_at, t0_ + hours(30));
  EXPECT_TRUE(Paused("acct-1").empty());
  // A success with nothing on record writes nothing and succeeds.
  EXPECT_TRUE(store_->RecordValidationSuccess("acct-2", kOther).ok());
}

TEST_P(SqlitePausedTest, PausesAtTheCountOnlyOnceTheRunIsLongEnough) {
  EXPECT_FALSE(Fail("acct-1", kName, 0));
  EXPECT_FALSE(Fail("acct-1", kName, 1));
  EXPECT_FALSE(Fail("acct-1", kName, 2)) << "three failures within 2 hours: span too short";
  EXPECT_FALSE(Fail("acct-1", kName, 23));
  EXPECT_TRUE(Fail("acct-1", kName, 24)) << "the fifth failure, 24 hours into the run";
  PauseState s = State("acct-1", kName);
  EXPECT_TRUE(s.paused());
  EXPECT_EQ(s.paused_at, t0_ + hours(24));
  EXPECT_FALSE(Fail("acct-1", kName, 25)) << "already paused: not paused again";
  EXPECT_EQ(Paused("acct-1"), std::vector<acme::Identifier>{kName});
  // Per account and per identifier.
  EXPECT_TRUE(Paused("acct-2").empty());
  auto other = store_->GetPauseState("acct-1", kOther);
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->has_value());
  // A success ends the run but not the pause.
  ASSERT_TRUE(store_->RecordValidationSuccess("acct-1", kName).ok());
  EXPECT_EQ(State("acct-1", kName).failures, 0);
  EXPECT_TRUE(State("acct-1", kName).paused());
}

TEST_P(SqlitePausedTest, UnpauseClearsEveryPauseOfTheAccountOrOne) {
  threshold_ = {1, hours(0)};
  EXPECT_TRUE(Fail("acct-1", kName, 0));
  EXPECT_TRUE(Fail("acct-1", kOther, 0));
  EXPECT_TRUE(Fail("acct-2", kName, 0));
  auto one = store_->Unpause("acct-1", kOther, t0_ + hours(1));
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, std::vector<acme::Identifier>{kOther});
  EXPECT_EQ(Paused("acct-1"), std::vector<acme::Identifier>{kName});
  auto all = store_->Unpause("acct-1", std::nullopt, t0_ + hours(2));
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, std::vector<acme::Identifier>{kName});
  EXPECT_TRUE(Paused("acct-1").empty());
  PauseState s = State("acct-1", kName);
  EXPECT_EQ(s.failures, 0);
  EXPECT_EQ(s.unpaused_at, t0_ + hours(2));
  EXPECT_EQ(Paused("acct-2"), std::vector<acme::Identifier>{kName}) << "another account's stands";
  auto none = store_->Unpause("acct-1", std::nullopt, t0_ + hours(3));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  // A new run pauses again.
  EXPECT_TRUE(Fail("acct-1", kName, 4));
  EXPECT_TRUE(State("acct-1", kName).paused());
  EXPECT_FALSE(State("acct-1", kName).unpaused_at.has_value());
}

TEST_P(SqlitePausedTest, OperatorPauseAndListSurviveReopen) {
  auto paused = store_->PauseIdentifier("acct-2", kOther, t0_);
  ASSERT_TRUE(paused.ok());
  EXPECT_TRUE(*paused);
  auto again = store_->PauseIdentifier("acct-2", kOther, t0_ + hours(1));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again) << "already paused";
  EXPECT_EQ(State("acct-2", kOther).paused_at, t0_);
  threshold_ = {1, hours(0)};
  EXPECT_TRUE(Fail("acct-1", kName, 0));
  Reopen();
  auto all = store_->ListPaused("", 10);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].account_id, "acct-1");
  EXPECT_EQ((*all)[1].identifier, kOther);
  auto mine = store_->ListPaused("acct-2", 10);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 1u);
  auto limited = store_->ListPaused("", 1);
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(limited->size(), 1u);
}

SIGNET_STORE_BACKENDS(SqlitePausedTest);

}  // namespace
}  // namespace signet::storage
