// OCSP response lints (RFC 6960 4.2, BR 4.9.10).
#include "pki/lint/lint_internal.h"

namespace signet::pki::lint::internal {
namespace {

// The times of the one SingleResponse (see e_ocsp_single_response_count).
struct SingleTimes {
  int status = -1;
  ASN1_GENERALIZEDTIME* revoked_at = nullptr;
  ASN1_GENERALIZEDTIME* this_update = nullptr;
  ASN1_GENERALIZEDTIME* next_update = nullptr;
};

std::optional<SingleTimes> Single(OCSP_BASICRESP* response) {
  if (OCSP_resp_count(response) != 1) return std::nullopt;
  SingleTimes t;
  int reason = 0;
  t.status = OCSP_single_get0_status(OCSP_resp_get0(response, 0), &reason, &t.revoked_at,
                                     &t.this_update, &t.next_update);
  return t;
}

std::string ResponderId(OCSP_BASICRESP* const& response) {
  const ASN1_OCTET_STRING* key_hash = nullptr;
  const X509_NAME* name = nullptr;
  if (OCSP_resp_get0_id(response, &key_hash, &name) != 1) return "responderID is missing";
  if (key_hash && ASN1_STRING_length(key_hash) > 0) return "";
  if (name && X509_NAME_entry_count(name) > 0) return "";
  return "responderID is empty";
}

std::string SingleCount(OCSP_BASICRESP* const& response) {
  int count = OCSP_resp_count(response);
  return count == 1 ? "" : "response holds " + std::to_string(count) + " SingleResponses, not 1";
}

std::string UpdateOrder(OCSP_BASICRESP* const& response) {
  auto single = Single(response);
  if (!single) return "";  // e_ocsp_single_response_count's
  auto produced_at = TimeOf(OCSP_resp_get0_produced_at(response));
  auto this_update = TimeOf(single->this_update);
  if (!produced_at || !this_update) return "producedAt or thisUpdate does not parse";
  if (*this_update > *produced_at) return "thisUpdate is after producedAt";
  if (!single->next_update) return "nextUpdate is missing";
  auto next_update = TimeOf(single->next_update);
  if (!next_update) return "nextUpdate does not parse";
  return *next_update < *this_update ? "nextUpdate is before thisUpdate" : "";
}

std::string ValidityTooLong(OCSP_BASICRESP* const& response) {
  auto single = Single(response);
  if (!single) return "";
  auto this_update = TimeOf(single->this_update);
  auto next_update = TimeOf(single->next_update);
  if (!this_update || !next_update) return "";  // e_ocsp_update_order's
  if (*next_update - *this_update <= kMaxRevocationWindow) return "";
  return "nextUpdate is " + std::to_string(*next_update - *this_update) +
         " s after thisUpdate, more than 10 days";
}

std::string RevocationTime(OCSP_BASICRESP* const& response) {
  auto single = Single(response);
  if (!single || single->status != V_OCSP_CERTSTATUS_REVOKED) return "";
  auto revoked_at = TimeOf(single->revoked_at);
  if (!revoked_at) return "status is revoked without a revocationTime";
  auto produced_at = TimeOf(OCSP_resp_get0_produced_at(response));
  if (produced_at && *revoked_at > *produced_at) return "revocationTime is after producedAt";
  return "";
}

}  // namespace

const std::vector<OcspLint>& OcspLints() {
  static const std::vector<OcspLint> lints = {
      {"e_ocsp_responder_id_missing", ResponderId},
      {"e_ocsp_single_response_count", SingleCount},
      {"e_ocsp_update_order", UpdateOrder},
      {"e_ocsp_validity_too_long", ValidityTooLong},
      {"e_ocsp_revocation_time_invalid", RevocationTime},
  };
  return lints;
}

}  // namespace signet::pki::lint::internal
