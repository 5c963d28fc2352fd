#include "ct/log_list.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <ctime>

#include "base/base64url.h"
#include "crypto/digest.h"

namespace signet::ct {

std::string Rfc3339(uint64_t ms) {
  std::time_t t = std::time_t(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<int64_t> ParseRfc3339(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (!end || *end != '\0') return std::nullopt;
  return int64_t(timegm(&tm));
}

std::string LogListJson(const LogListInfo& info, const crypto::Key& log_key) {
  namespace json = boost::json;
  std::string spki = log_key.PublicDer();
  std::string when = Rfc3339(info.created_ms);
  json::object log{{"description", info.description},
                   {"log_id", Base64Encode(crypto::Sha256(spki))},
                   {"key", Base64Encode(spki)},
                   {"url", info.url},
                   {"mmd", info.mmd_seconds},
                   {"state", json::object{{"usable", json::object{{"timestamp", when}}}}}};
  if (info.not_after_end_s > 0) {
    log["temporal_interval"] =
        json::object{{"start_inclusive", Rfc3339(uint64_t(info.not_after_start_s) * 1000)},
                     {"end_exclusive", Rfc3339(uint64_t(info.not_after_end_s) * 1000)}};
  }
  json::object op{{"name", info.operator_name},
                  {"email", json::array{json::value(info.operator_email)}},
                  {"logs", json::array{std::move(log)}}};
  json::object list{
      {"version", "1.0"}, {"log_list_timestamp", when}, {"operators", json::array{std::move(op)}}};
  return json::serialize(list) + "\n";
}

}  // namespace signet::ct
