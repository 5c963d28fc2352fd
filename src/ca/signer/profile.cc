#include "ca/signer/profile.h"

#include <algorithm>
#include <set>

namespace signet::ca {

using std::chrono::hours;

bool Profile::AllowsIdentifierType(std::string_view type) const {
  return std::find(identifier_types.begin(), identifier_types.end(), type) !=
         identifier_types.end();
}

std::vector<Profile> DefaultProfiles() {
  Profile classic;
  classic.name = "classic";
  classic.description = "90-day certificates with a subject CN, serverAuth and clientAuth";
  classic.lifetime = hours(24 * 90);
  classic.common_name = true;
  classic.ext_key_usages = {"serverAuth", "clientAuth"};

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
  for (const Profile& p : profiles_) longest = std::max(longest, p.authz_reuse_window);
  return longest;
}

}  // namespace signet::ca
