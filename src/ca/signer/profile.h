// Certificate profiles (draft-ietf-acme-profiles, as Let's Encrypt runs
// them): a named set of choices an order makes with its "profile" field.
// Boulder splits a profile between the CA (what the certificate holds) and
// the RA (what an order may ask for); here it is one record read by both.
//
// Built-in defaults (each can be replaced from signetd's configuration):
//   classic     90 days, CN, serverAuth + clientAuth, DNS names   (default)
//   tlsserver   45 days, no CN, serverAuth only, DNS names
//   shortlived  160 hours, no CN, serverAuth only, DNS names and IP addresses
// classic also carries Let's Encrypt's announced schedule (steps below): 64
// days with 10-day authorization reuse from 2027-02-10, 45 days with 7-hour
// reuse from 2028-02-16. Configuration may replace or clear it.
// Immutable after construction; thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace signet::ca {

// A dated change of a profile: certificates signed at or after `from` get
// `lifetime`, and orders made then reuse authorizations validated within
// `authz_reuse_window`. So a CA follows a published schedule (Let's
// Encrypt's 90 -> 64 -> 45 days) by configuration alone, without a restart
// on the day.
struct ProfileStep {
  std::chrono::system_clock::time_point from;
  std::chrono::seconds lifetime;
  std::chrono::seconds authz_reuse_window;
};

struct Profile {
  std::string name;
  std::string description;  // directory meta.profiles value
  // What the certificate holds (the signer).
  std::chrono::seconds lifetime{std::chrono::hours(24 * 90)};
  bool common_name = true;  // subject CN = first name; false: empty subject
  std::vector<std::string> ext_key_usages = {"serverAuth"};  // serverAuth, clientAuth
  // What an order may ask for (the RA).
  std::vector<std::string> identifier_types = {"dns"};  // "dns", "ip" (RFC 8738)
  size_t max_names = 100;
  std::chrono::seconds authz_reuse_window{std::chrono::hours(24 * 30)};
  std::chrono::seconds pending_authz_lifetime{std::chrono::hours(24 * 7)};
  // Steps in increasing `from` order; before the first, the two values above.
  std::vector<ProfileStep> schedule;

  bool AllowsIdentifierType(std::string_view type) const;
  // The certificate lifetime and authorization reuse window in force at `t`.
  std::chrono::seconds LifetimeAt(std::chrono::system_clock::time_point t) const;
  std::chrono::seconds ReuseWindowAt(std::chrono::system_clock::time_point t) const;
};

// Let's Encrypt's schedule for its classic profile (announced 2025-12-02).
std::vector<ProfileStep> LetsEncryptClassicSchedule();

// classic, tlsserver and shortlived as described above.
std::vector<Profile> DefaultProfiles();

class ProfileSet {
 public:
  // The built-in profiles, classic the default.
  ProfileSet();
  // kMalformed when `profiles` is empty, a name is empty or repeated,
  // `default_name` is not among them, a lifetime or window is not positive,
  // max_names is 0, an identifier type is not dns/ip (or none is given), an
  // extended key usage is not serverAuth/clientAuth, or the schedule's steps
  // are not in increasing date order or have a non-positive lifetime.
  static Result<ProfileSet> Create(std::vector<Profile> profiles, std::string default_name);

  // The named profile; "" is the default. kInvalidProfile when unknown.
  Result<const Profile*> Find(std::string_view name) const;
  const std::vector<Profile>& all() const { return profiles_; }
  const std::string& default_name() const { return default_name_; }
  // The longest authorization reuse window of any profile at any time.
  std::chrono::seconds LongestReuseWindow() const;

 private:
  std::vector<Profile> profiles_;
  std::string default_name_;
};

}  // namespace signet::ca
