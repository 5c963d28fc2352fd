// The ACME protocol vocabulary (RFC 8555 7.1): statuses, identifiers and the
// resource objects the CA keeps. Plain data; rendering to JSON lives in the
// front end, persistence in storage.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace signet::acme {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

// RFC 8555 7.1.6. One enum for all objects; each object uses its subset.
enum class ObjStatus { kPending, kReady, kProcessing, kValid, kInvalid, kDeactivated, kExpired, kRevoked };

std::string_view StatusName(ObjStatus s);
std::optional<ObjStatus> ParseStatus(std::string_view name);

struct Identifier {
  std::string type;   // "dns" (RFC 8555 9.7.7); "ip" arrives with RFC 8738.
  std::string value;  // lower-case
  bool operator==(const Identifier&) const = default;
};

struct Account {
  std::string id;
  std::string jwk_json;      // public key as JSON text
  std::string thumbprint;    // RFC 7638, unique
  std::vector<std::string> contacts;
  ObjStatus status = ObjStatus::kValid;  // valid | deactivated | revoked
  bool tos_agreed = false;
  TimePoint created_at;
};

struct ValidationRecord {
  std::string url;
  std::string hostname;
  std::string port;
  std::vector<std::string> addresses_resolved;
  std::string address_used;
};

struct Challenge {
  std::string id;
  std::string type;   // "http-01"
  std::string token;  // base64url, 256 bits of entropy
  ObjStatus status = ObjStatus::kPending;  // pending | processing | valid | invalid
  std::optional<TimePoint> validated_at;
  std::optional<Error> error;
  std::vector<ValidationRecord> records;
  // When CAA (RFC 8659) was last found to permit issuance for this
  // validation: as the validation started, then as each re-check before
  // signing started (whole seconds, rounded down). Unset on records from
  // before it was kept: validated_at stands for it.
  std::optional<TimePoint> caa_checked_at;
};

struct Authorization {
  std::string id;
  std::string account_id;
  Identifier identifier;
  ObjStatus status = ObjStatus::kPending;  // pending | valid | invalid | deactivated | expired | revoked
  TimePoint expires;
  bool wildcard = false;
  std::vector<Challenge> challenges;

  // The challenge with this id, or nullptr.
  Challenge* FindChallenge(const std::string& challenge_id) {
    for (auto& c : challenges)
      if (c.id == challenge_id) return &c;
    return nullptr;
  }
};

struct Order {
  std::string id;
  std::string account_id;
  ObjStatus status = ObjStatus::kPending;  // pending | ready | processing | valid | invalid
  TimePoint expires;
  std::vector<Identifier> identifiers;
  std::vector<std::string> authorization_ids;
  std::optional<TimePoint> not_before;
  std::optional<TimePoint> not_after;
  std::optional<Error> error;
  std::string certificate_serial;  // set once valid
  std::string csr_der;             // kept from finalize until issued (crash recovery)
  TimePoint created_at;
  std::string profile;           // certificate profile (draft-ietf-acme-profiles)
  std::string replaces;          // RFC 9773 5: ARI CertID of the certificate it replaces
  std::string replaces_serial;   // that certificate's serial (lower-case hex)
};

struct CertificateRecord {
  std::string serial;  // lower-case hex, unique
  std::string account_id;
  std::string order_id;
  std::string der;  // the certificate itself; its issuer is added when it is served
  TimePoint not_before;
  TimePoint not_after;
  TimePoint issued_at;
  std::optional<TimePoint> revoked_at;
  int revoked_reason = 0;  // RFC 5280 CRLReason
  int crl_shard = 0;       // fixed at issuance; named in the CRL Distribution Points
  std::string profile;
  // RFC 9773: a renewal window the operator set (both or neither), and why.
  std::optional<TimePoint> ari_window_start;
  std::optional<TimePoint> ari_window_end;
  std::string ari_explanation_url;
};

// A revocation as the CRL and OCSP publishers see it (change feed order).
struct RevocationEvent {
  int64_t sequence = 0;  // increasing
  std::string serial;
  int crl_shard = 0;
};

// One revokedCertificates entry to publish.
struct RevokedCertificate {
  std::string serial;
  TimePoint revoked_at;
  int reason = 0;
};

}  // namespace signet::acme
