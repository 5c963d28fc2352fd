#include "client/agent/renewal_check.h"

#include <boost/json.hpp>

#include "base/files.h"
#include "pki/ari_cert_id.h"
#include "pki/certificate.h"

namespace signet::client {
namespace json = boost::json;

std::filesystem::path AriStatePath(const StoreLayout& layout, const std::string& name) {
  return layout.config_dir() / "ari" / (name + ".json");
}

std::optional<AriState> LoadAriState(const std::filesystem::path& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const json::object& o = v.get_object();
  auto str = [&](const char* key) -> std::string {
    const json::value* m = o.if_contains(key);
    return m && m->is_string() ? std::string(m->get_string()) : "";
  };
  AriState s;
  s.cert_id = str("cert_id");
  s.explanation_url = str("explanation_url");
  for (auto [key, out] : {std::pair{"window_start", &s.window_start},
                          std::pair{"window_end", &s.window_end}, std::pair{"renew_at", &s.renew_at},
                          std::pair{"next_poll", &s.next_poll}}) {
    auto t = ParseRfc3339Time(str(key));
    if (!t) return std::nullopt;
    *out = *t;
  }
  if (s.cert_id.empty()) return std::nullopt;
  return s;
}

Status SaveAriState(const std::filesystem::path& path, const AriState& s) {
  json::object o{{"cert_id", s.cert_id},
                 {"window_start", FormatRfc3339Time(s.window_start)},
                 {"window_end", FormatRfc3339Time(s.window_end)},
                 {"renew_at", FormatRfc3339Time(s.renew_at)},
                 {"next_poll", FormatRfc3339Time(s.next_poll)},
                 {"explanation_url", s.explanation_url}};
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec)
    return Error(ErrorCode::kServerInternal,
                 "cannot create " + path.parent_path().string() + ": " + ec.message());
  return WriteFileAtomic(path, json::serialize(o) + "\n", 0644);
}

namespace {

std::string Window(const AriState& s) {
  return FormatRfc3339Time(s.window_start) + " .. " + FormatRfc3339Time(s.window_end);
}

void Conclude(RenewalCheck& c, TimePoint now, const std::string& what) {
  c.due = now >= c.renew_at;
  c.reason = c.due ? "renewal time " + FormatRfc3339Time(c.renew_at) + " has passed (" + what + ")"
                   : "not due until " + FormatRfc3339Time(c.renew_at) + " (" + what + ")";
}

}  // namespace

RenewalCheck ForcedRenewal(const std::string& why) {
  RenewalCheck c;
  c.due = true;
  c.basis = "forced";
  c.reason = why;
  return c;
}

RenewalCheck DecideRenewal(X509* cert, const std::optional<AriState>& cached,
                           const std::string& renew_before_expiry, const RenewalEnv& env) {
  RenewalCheck c;
  c.cert_id = pki::AriCertIdOf(cert);
  if (c.cert_id.empty()) {
    c.fallback_reason = "the certificate has no authority key identifier";
  } else if (cached && cached->cert_id == c.cert_id && env.now < cached->next_poll &&
             !env.refresh) {
    c.ari = cached;
    c.basis = "ari-cached";
  } else {
    Result<std::optional<RenewalInfo>> info = env.fetch(c.cert_id);
    if (!info.ok()) {
      c.fallback_reason = "the renewal information lookup failed: " + info.error().detail;
    } else if (!*info) {
      c.fallback_reason = "the CA offers no renewal information";
    } else {
      const RenewalInfo& got = **info;
      AriState s;
      s.cert_id = c.cert_id;
      s.window_start = got.start;
      s.window_end = got.end;
      s.explanation_url = got.explanation_url;
      s.next_poll = NextRenewalInfoPoll(env.now, got.retry_after);
      bool same_window = cached && cached->cert_id == c.cert_id &&
                         cached->window_start == got.start && cached->window_end == got.end;
      s.renew_at = same_window ? cached->renew_at
                               : ChooseRenewalTime(got.start, got.end, env.uniform01());
      c.ari = s;
      c.basis = "ari";
      c.state_changed = true;
    }
  }
  if (c.ari) {
    c.renew_at = c.ari->renew_at;
    Conclude(c, env.now, "ARI window " + Window(*c.ari));
    return c;
  }
  c.basis = "expiry";
  c.renew_at = RenewalTimeByExpiry(pki::NotBefore(cert), pki::NotAfter(cert), renew_before_expiry);
  Conclude(c, env.now,
           renew_before_expiry.empty() || !ParseInterval(renew_before_expiry)
               ? "a third of the lifetime left"
               : "renew_before_expiry " + renew_before_expiry);
  return c;
}

}  // namespace signet::client
