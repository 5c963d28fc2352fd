// log.json: Chrome's v3 log list, checked field by field (log_id is the
// SHA-256 of the key's DER SPKI), with and without a temporal interval.
#include "ct/log_list.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "base/base64url.h"
#include "crypto/digest.h"

namespace signet::ct {
namespace {

namespace json = boost::json;

TEST(LogListTest, IsAV3ListWithOneOperatorAndLog) {
  crypto::Key key = *crypto::Key::Generate(crypto::KeyType::kEcP256);
  LogListInfo info;
  info.operator_name = "Op";
  info.operator_email = "ct@op.test";
  info.description = "Op log";
  info.url = "http://127.0.0.1:6962/";
  info.mmd_seconds = 60;
  info.created_ms = 1'796'436'000'000;
  json::object list = json::parse(LogListJson(info, key)).as_object();
  EXPECT_EQ(list.at("version").as_string(), "1.0");
  EXPECT_EQ(list.at("log_list_timestamp").as_string(), "2026-12-05T02:00:00Z");
  json::object op = list.at("operators").as_array().at(0).as_object();
  EXPECT_EQ(op.at("name").as_string(), "Op");
  EXPECT_EQ(op.at("email").as_array().at(0).as_string(), "ct@op.test");
  json::object log = op.at("logs").as_array().at(0).as_object();
  EXPECT_EQ(log.at("description").as_string(), "Op log");
  EXPECT_EQ(*Base64Decode(log.at("key").as_string()), key.PublicDer());
  EXPECT_EQ(*Base64Decode(log.at("log_id").as_string()), crypto::Sha256(key.PublicDer()));
  EXPECT_EQ(log.at("url").as_string(), "http://127.0.0.1:6962/");
  EXPECT_EQ(log.at("mmd").as_int64(), 60);
  EXPECT_EQ(log.at("state").at("usable").at("timestamp").as_string(), "2026-12-05T02:00:00Z");
  EXPECT_FALSE(log.contains("temporal_interval"));

  info.not_after_start_s = *ParseRfc3339("2026-01-01T00:00:00Z");
  info.not_after_end_s = *ParseRfc3339("2027-01-01T00:00:00Z");
  log = json::parse(LogListJson(info, key)).at("operators").at(0).at("logs").at(0).as_object();
  EXPECT_EQ(log.at("temporal_interval").at("start_inclusive").as_string(), "2026-01-01T00:00:00Z");
  EXPECT_EQ(log.at("temporal_interval").at("end_exclusive").as_string(), "2027-01-01T00:00:00Z");
}

TEST(LogListTest, ParsesOnlyRfc3339Utc) {
  EXPECT_EQ(ParseRfc3339("1970-01-01T00:01:00Z"), 60);
  EXPECT_EQ(ParseRfc3339("2026-01-01"), std::nullopt);
  EXPECT_EQ(ParseRfc3339("2026-01-01T00:00:00Zjunk"), std::nullopt);
}

}  // namespace
}  // namespace signet::ct
