#include "ca/signer/profile.h"

#include <algorithm>
#include <set>

namespace signet::ca {

using std::chrono::hours;

bool Profile::AllowsIdentifierType(std::string_view type) const {
  return std::find(identifier_types.begin(), identifier_types.end(), type) !=
         identifier_types.end();
}

namespace {

const ProfileStep* StepAt(const std::vector<ProfileStep>& schedule,
                          std::chrono::system_clock::time_point t) {
  const ProfileStep* in_force = nullptr;
  for (const ProfileStep& step : schedule)
    if (step.from <= t) in_force = &step;
  return in_force;
}

std::chrono::system_clock::time_point Utc(int y, unsigned m, unsigned d) {
  return std::chrono::sys_days(std::chrono::year(y) / m / d);
}

}  // namespace

std::chrono::seconds Profile::LifetimeAt(std::chrono::system_clock::time_point t) const {
  const ProfileStep* step = StepAt(schedule, t);
  return step ? step->lifetime : lifetime;
}

std::chrono::seconds Profile::ReuseWindowAt(std::chrono::system_clock::time_point t) const {
  const ProfileStep* step = StepAt(schedule, t);
  return step ? step->authz_reuse_window : authz_reuse_window;
}

std::vector<ProfileStep> LetsEncryptClassicSchedule() {
  return {{Utc(2027, 2, 10), hours(24 * 64), hours(24 * 10)},
          {Utc(2028, 2, 16), hours(24 * 45), hours(7)}};
}

std::vector<Profile> DefaultProfiles() {
  Profile classic;
  classic.name = "classic";
  classic.description = "90-day certificates with a subject CN, serverAuth and clientAuth";
  classic.lifetime = hours(24 * 90);
  classic.common_name = true;
  classic.ext_key_usages = {"serverAuth", "clientAuth"};
  classic.schedule = LetsEncryptClassicSchedule();

  Profile tlsserver;
  tlsserver.name = "tlsserver";
  tlsserver.description = "45-day TLS server certificates: no subject CN, serverAuth only";
  tlsserver.lifetime = hours(24 * 45);
  tlsserver.common_name = false;
  tlsserver.ext_key_usages = {"serverAuth"};
  tlsserver.authz_reuse_window = hours(24 * 7);

  Profile shortlived;
  shortlived.name = "shortlived";
  shortlived.description = "160-hour certificates for DNS names and IP addresses, serverAuth only";
  shortlived.lifetime = hours(160);
  shortlived.common_name = false;
  shortlived.ext_key_usages = {"serverAuth"};
  shortlived.identifier_types = {"dns", "ip"};
  shortlived.authz_reuse_window = hours(7);
  shortlived.pending_authz_lifetime = hours(7);
  return {classic, tlsserver, shortlived};
}

ProfileSet::ProfileSet() : profiles_(DefaultProfiles()), default_name_("classic") {}

namespace {

Status CheckProfile(const Profile& p) {
  auto bad = [&](const std::string& what) {
    return Error(ErrorCode::kMalformed, "profile \"" + p.name + "\": " + what);
  };
  if (p.name.empty()) return Error(ErrorCode::kMalformed, "a profile needs a name");
  if (p.lifetime.count() <= 0) return bad("lifetime must be positive");
  if (p.authz_reuse_window.count() < 0) return bad("authorization reuse window is negative");
  if (p.pending_authz_lifetime.count() <= 0)
    return bad("pending authorization lifetime must be positive");
  if (p.max_names == 0) return bad("max_names must be at least 1");
  if (p.identifier_types.empty()) return bad("no identifier types");
  for (const auto& t : p.identifier_types)
    if (t != "dns" && t != "ip") return bad("unknown identifier type \"" + t + "\"");
  for (const auto& e : p.ext_key_usages)
    if (e != "serverAuth" && e != "clientAuth")
      return bad("unknown extended key usage \"" + e + "\"");
  for (size_t i = 0; i < p.schedule.size(); ++i) {
    const ProfileStep& step = p.schedule[i];
    if (i > 0 && step.from <= p.schedule[i - 1].from)
      return bad("schedule steps must be in increasing date order");
    if (step.lifetime.count() <= 0) return bad("a schedule step's lifetime must be positive");
    if (step.authz_reuse_window.count() < 0)
      return bad("a schedule step's authorization reuse window is negative");
  }
  return OkStatus();
}

}  // namespace

Result<ProfileSet> ProfileSet::Create(std::vector<Profile> profiles, std::string default_name) {
  if (profiles.empty()) return Error(ErrorCode::kMalformed, "no certificate profiles");
  std::set<std::string> names;
  for (const Profile& p : profiles) {
    SIGNET_RETURN_IF_ERROR(CheckProfile(p));
    if (!names.insert(p.name).second)
      return Error(ErrorCode::kMalformed, "profile \"" + p.name + "\" is defined twice");
  }
  if (!names.count(default_name))
    return Error(ErrorCode::kMalformed, "default profile \"" + default_name + "\" is not defined");
  ProfileSet set;
  set.profiles_ = std::move(profiles);
  set.default_name_ = std::move(default_name);
  return set;
}

Result<const Profile*> ProfileSet::Find(std::string_view name) const {
  if (name.empty()) name = default_name_;
  for (const Profile& p : profiles_)
    if (p.name == name) return &p;
  std::string known;
  for (const Profile& p : profiles_) known += (known.empty() ? "" : ", ") + p.name;
  return Error(ErrorCode::kInvalidProfile,
               "unknown profile \"" + std::string(name) + "\" (this CA offers " + known + ")");
}

std::chrono::seconds ProfileSet::LongestReuseWindow() const {
  std::chrono::seconds longest{0};
  for (const Profile& p : profiles_) {
    longest = std::max(longest, p.authz_reuse_window);
    for (const ProfileStep& step : p.schedule)
      longest = std::max(longest, step.authz_reuse_window);
  }
  return longest;
}

}  // namespace signet::ca
