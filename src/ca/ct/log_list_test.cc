// Chrome's log list v3: usable and qualified logs kept with their operator,
// others skipped by state, malformed lists refused naming the field.
#include "ca/ct/log_list.h"

#include <gtest/gtest.h>

#include "base/base64url.h"
#include "pki/sct.h"

namespace signet::ca::ct {
namespace {

std::string LogJson(const crypto::Key& key, const std::string& description,
                    const std::string& state, const std::string& url = "https://log.test/x") {
  return R"({"description":")" + description + R"(","log_id":")" +
         Base64Encode(pki::CtLogId(key)) + R"(","key":")" + Base64Encode(key.PublicDer()) +
         R"(","url":")" + url + R"(","mmd":86400,"state":{")" + state +
         R"(":{"timestamp":"2026-01-01T00:00:00Z"}}})";
}

class LogListTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (crypto::Key* k : {&a_, &b_, &c_}) *k = *crypto::Key::Generate(crypto::KeyType::kEcP256);
  }
  crypto::Key a_, b_, c_;
};

TEST_F(LogListTest, KeepsUsableAndQualifiedLogsWithTheirOperators) {
  std::string json = R"({"version":"1","operators":[{"name":"Op1","email":[],"logs":[)" +
                     LogJson(a_, "a", "usable") + "," + LogJson(b_, "b", "retired") +
                     R"(]},{"name":"Op2","logs":[)" + LogJson(c_, "c", "qualified") + "]}]}";
  auto list = ParseLogList(json);
  ASSERT_TRUE(list.ok()) << list.error().ToString();
  ASSERT_EQ(list->logs.size(), 2u);
  EXPECT_EQ(list->logs[0].operator_name, "Op1");
  EXPECT_EQ(list->logs[0].url, "https://log.test/x/");  // ends with '/'
  EXPECT_EQ(list->logs[0].mmd, std::chrono::seconds(86400));
  EXPECT_TRUE(list->logs[0].key.SamePublicKey(a_));
  EXPECT_EQ(list->logs[1].operator_name, "Op2");
  EXPECT_EQ(list->logs[1].state, "qualified");
  ASSERT_EQ(list->skipped.size(), 1u);
  EXPECT_EQ(list->skipped[0], "b: state is retired");
}

TEST_F(LogListTest, RefusesMalformedListsNamingTheField) {
  auto detail = [](const std::string& json) {
    auto list = ParseLogList(json);
    EXPECT_FALSE(list.ok());
    return list.ok() ? std::string() : list.error().detail;
  };
  EXPECT_NE(detail("not json").find("not a JSON object"), std::string::npos);
  EXPECT_NE(detail("{}").find("\"operators\""), std::string::npos);
  std::string wrong_id = LogJson(a_, "a", "usable");
  wrong_id.replace(wrong_id.find(Base64Encode(pki::CtLogId(a_))),
                   Base64Encode(pki::CtLogId(a_)).size(), Base64Encode(pki::CtLogId(b_)));
  EXPECT_NE(detail(R"({"operators":[{"name":"O","logs":[)" + wrong_id + "]}]}").find("log_id"),
            std::string::npos);
  EXPECT_NE(detail(R"({"operators":[{"name":"O","logs":[)" +
                   LogJson(a_, "a", "usable", "ftp://x") + "]}]}")
                .find("\"url\""),
            std::string::npos);
  EXPECT_NE(detail(R"({"operators":[{"name":"O","logs":[{"description":"k","key":"AAAA"}]}]})")
                .find("\"key\""),
            std::string::npos);
  EXPECT_NE(detail(R"({"operators":[{"logs":[]}]})").find("\"name\""), std::string::npos);
}

}  // namespace
}  // namespace signet::ca::ct
