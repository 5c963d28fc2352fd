#include "ca/ra/pausing.h"

#include <algorithm>

#include "ca/ra/ra.h"

namespace signet::ca {

namespace {

// How many paused identifiers a refusal names before "and N more".
constexpr size_t kNamedInDetail = 5;

std::string Describe(const std::vector<acme::Identifier>& ids) {
  std::string out;
  for (size_t i = 0; i < ids.size() && i < kNamedInDetail; ++i)
    out += (i ? ", " : "") + ids[i].type + ":" + ids[i].value;
  if (ids.size() > kNamedInDetail)
    out += " and " + std::to_string(ids.size() - kNamedInDetail) + " more";
  return out;
}

}  // namespace

acme::Identifier PauseKey(const acme::Identifier& id) {
  if (id.type == "dns" && id.value.starts_with("*.")) return {id.type, id.value.substr(2)};
  return id;
}

Status PauseTracker::RecordOutcome(const std::string& account_id, const acme::Identifier& id,
                                   bool valid, acme::TimePoint now) {
  acme::Identifier key = PauseKey(id);
  if (valid) return store_.RecordValidationSuccess(account_id, key);
  if (config_.after_failures <= 0) return OkStatus();
  SIGNET_ASSIGN_OR_RETURN(
      bool paused, store_.RecordValidationFailure(
                       account_id, key, now, {config_.after_failures, config_.min_span}));
  (void)paused;
  return OkStatus();
}

Status PauseTracker::CheckNotPaused(const std::string& account_id,
                                    const std::vector<acme::Identifier>& ids,
                                    const std::string& unpause_url) {
  std::vector<acme::Identifier> keys;
  for (const auto& id : ids) {
    acme::Identifier k = PauseKey(id);
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(std::move(k));
  }
  SIGNET_ASSIGN_OR_RETURN(std::vector<acme::Identifier> paused,
                          store_.PausedAmong(account_id, keys));
  if (paused.empty()) return OkStatus();
  std::string how = unpause_url.empty()
                        ? "ask the CA's operator to unpause it"
                        : "unpause it with a POST signed by this account (kid) to " + unpause_url;
  Error e(ErrorCode::kRateLimited,
          "account is paused for " + Describe(paused) +
              " after a long run of failed validations; fix what makes validation fail, then " +
              how);
  return e;
}

Result<std::vector<acme::Identifier>> RegistrationAuthority::Unpause(
    const acme::Account& requester, const std::string& account_id) {
  if (requester.id != account_id)
    return Error(ErrorCode::kUnauthorized,
                 "only the account itself may unpause it; sign the request with its key (kid)");
  return store_.Unpause(account_id, std::nullopt,
                        std::chrono::time_point_cast<std::chrono::seconds>(acme::Clock::now()));
}

}  // namespace signet::ca
