// Records of the store's pausing table (migration 0010) and of the
// operator's queries (signetd admin): what Store and ReadOnlyStore take and
// return for them. Plain values.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "acme/objects.h"

namespace signet::storage {

// An account's standing with one identifier (Boulder's "paused" table, with
// the run of failures that leads to it).
struct PauseState {
  std::string account_id;
  acme::Identifier identifier;
  int64_t failures = 0;  // consecutive failed validations since the last success or unpause
  std::optional<acme::TimePoint> first_failure_at;  // start of that run
  std::optional<acme::TimePoint> paused_at;
  std::optional<acme::TimePoint> unpaused_at;
  bool paused() const { return paused_at.has_value() && !unpaused_at.has_value(); }
};

// When a run of failures pauses the pair: at least `failures` of them,
// spanning at least `min_span` from the first to the latest.
struct PauseThreshold {
  int64_t failures = 0;
  std::chrono::seconds min_span{0};
};

// signetd admin accounts list|search. Set fields must all match (empty:
// any). Results in (created_at, id) order, after the account `after_id`
// when set, at most `limit`.
struct AccountQuery {
  std::string id;
  std::string contact_substring;  // case-insensitive, anywhere in a contact URL
  std::string thumbprint;         // RFC 7638, base64url
  std::string after_id;
  size_t limit = 100;
};

// signetd admin certificates list|search, in (issued_at, serial) order.
struct CertificateQuery {
  std::string serial;      // lower-case hex, as stored
  std::string name;        // an identifier value of the certificate, exact (lower case)
  std::string account_id;
  std::string after_serial;
  size_t limit = 100;
};

// A certificate as the operator lists it: its record without the DER, and
// the identifiers it names (its order's).
struct CertificateSummary {
  std::string serial;
  std::string account_id;
  std::string order_id;
  acme::TimePoint issued_at;
  acme::TimePoint not_after;
  std::optional<acme::TimePoint> revoked_at;
  int revoked_reason = 0;
  std::string profile;
  std::vector<acme::Identifier> identifiers;
};

// signetd admin counts: a census of the store at one instant `now`.
struct StoreCounts {
  int64_t accounts_valid = 0;
  int64_t accounts_deactivated = 0;
  int64_t orders_pending = 0;
  int64_t orders_ready = 0;
  int64_t orders_processing = 0;
  int64_t orders_valid = 0;
  int64_t orders_invalid = 0;
  int64_t certificates_valid = 0;    // unexpired and not revoked
  int64_t certificates_revoked = 0;  // revoked, whether expired or not
  int64_t certificates_expired = 0;  // expired and not revoked
  int64_t authorizations_pending = 0;
  int64_t eab_keys_unbound = 0;
  int64_t eab_keys_bound = 0;
  int64_t paused_pairs = 0;  // (account, identifier) pairs paused now
};

}  // namespace signet::storage
