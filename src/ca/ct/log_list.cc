#include "ca/ct/log_list.h"

#include <boost/json.hpp>

#include "base/fuzz_record.h"
#include "base/base64url.h"
#include "base/files.h"
#include "pki/sct.h"

namespace signet::ca::ct {
namespace json = boost::json;
namespace {

std::string StringField(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// Chrome's "state" is an object with one member named after the state.
std::string StateOf(const json::object& log) {
  const json::value* state = log.if_contains("state");
  if (!state || !state->is_object() || state->get_object().size() != 1) return "";
  return std::string(state->get_object().begin()->key());
}

Result<LogInfo> ParseLog(const json::object& log, const std::string& operator_name) {
  LogInfo info;
  info.operator_name = operator_name;
  info.description = StringField(log, "description");
  const std::string named = "log \"" + info.description + "\"";
  auto key_der = Base64Decode(StringField(log, "key"));
  if (!key_der.ok() || key_der->empty())
    return Error(ErrorCode::kMalformed, named + ": \"key\" is not base64");
  auto key = crypto::Key::FromPublicDer(*key_der);
  if (!key.ok()) return Error(ErrorCode::kMalformed, named + ": \"key\" is not a public key");
  info.key = std::move(*key);
  auto log_id = Base64Decode(StringField(log, "log_id"));
  if (!log_id.ok() || *log_id != pki::CtLogId(info.key))
    return Error(ErrorCode::kMalformed, named + ": \"log_id\" is not the SHA-256 of its key");
  info.log_id = std::move(*log_id);
  info.url = StringField(log, "url");
  if (!info.url.starts_with("http://") && !info.url.starts_with("https://"))
    return Error(ErrorCode::kMalformed, named + ": \"url\" is not an http(s) URL");
  if (info.url.back() != '/') info.url += '/';
  if (const json::value* mmd = log.if_contains("mmd"); mmd && mmd->is_int64() &&
                                                       mmd->get_int64() >= 0)
    info.mmd = std::chrono::seconds(mmd->get_int64());
  info.state = StateOf(log);
  return info;
}

}  // namespace

Result<LogList> ParseLogList(std::string_view text) {
  RecordFuzzInput("ct_log_list_fuzz", text);
  boost::system::error_code ec;
  json::value root = json::parse(text, ec);
  if (ec || !root.is_object()) return Error(ErrorCode::kMalformed, "log list is not a JSON object");
  const json::value* operators = root.get_object().if_contains("operators");
  if (!operators || !operators->is_array())
    return Error(ErrorCode::kMalformed, "log list has no \"operators\" array");
  LogList out;
  for (const json::value& op : operators->get_array()) {
    if (!op.is_object()) return Error(ErrorCode::kMalformed, "an operator is not an object");
    const std::string name = StringField(op.get_object(), "name");
    if (name.empty()) return Error(ErrorCode::kMalformed, "an operator has no \"name\"");
    const json::value* logs = op.get_object().if_contains("logs");
    if (!logs) continue;  // an operator of tiled logs only
    if (!logs->is_array())
      return Error(ErrorCode::kMalformed, "operator \"" + name + "\": \"logs\" is not an array");
    for (const json::value& log : logs->get_array()) {
      if (!log.is_object())
        return Error(ErrorCode::kMalformed, "operator \"" + name + "\": a log is not an object");
      SIGNET_ASSIGN_OR_RETURN(LogInfo info, ParseLog(log.get_object(), name));
      if (info.state != "usable" && info.state != "qualified") {
        out.skipped.push_back(info.description + ": state is " +
                              (info.state.empty() ? std::string("missing") : info.state));
        continue;
      }
      out.logs.push_back(std::move(info));
    }
  }
  return out;
}

Result<LogList> LoadLogList(const std::string& path) {
  SIGNET_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  auto list = ParseLogList(text);
  if (!list.ok()) return Error(ErrorCode::kMalformed, path + ": " + list.error().detail);
  return list;
}

}  // namespace signet::ca::ct
