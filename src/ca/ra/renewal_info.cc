// ACME Renewal Information (RFC 9773): suggested renewal windows, and the
// `replaces` link of a new order to the certificate it renews.
#include "ca/ra/ra.h"
#include "pki/ari_cert_id.h"

namespace signet::ca {

namespace {

using std::chrono::seconds;

acme::TimePoint Seconds(acme::TimePoint t) { return std::chrono::floor<seconds>(t); }

// Boulder's RenewalInfoImmediate: a window that ended in the past, so every
// client renews at once.
RenewalWindow Immediate(acme::TimePoint now, std::string explanation_url) {
  acme::TimePoint start = Seconds(now - std::chrono::hours(1));
  return {start, start + std::chrono::minutes(30), std::move(explanation_url)};
}

}  // namespace

RenewalWindow DefaultRenewalWindow(acme::TimePoint not_before, acme::TimePoint not_after) {
  auto validity = std::chrono::duration_cast<seconds>(not_after - not_before) + seconds(1);
  acme::TimePoint ideal = not_before + validity * 2 / 3;
  seconds half_width = validity / 50;
  return {Seconds(ideal - half_width), Seconds(ideal + half_width), ""};
}

Result<RenewalWindow> RegistrationAuthority::GetRenewalWindow(const std::string& cert_id) {
  SIGNET_ASSIGN_OR_RETURN(pki::AriCertId id, pki::ParseAriCertId(cert_id));
  if (id.key_id != signer_.IssuerKeyId())
    return Error(ErrorCode::kNotFound, "certificate ID names another issuer");
  SIGNET_ASSIGN_OR_RETURN(auto record, store_.GetCertificate(id.serial_hex));
  if (!record) return Error(ErrorCode::kNotFound, "no certificate with serial " + id.serial_hex);
  if (record->revoked_at) return Immediate(acme::Clock::now(), record->ari_explanation_url);
  if (record->ari_window_start && record->ari_window_end)
    return RenewalWindow{*record->ari_window_start, *record->ari_window_end,
                         record->ari_explanation_url};
  RenewalWindow window = DefaultRenewalWindow(record->not_before, record->not_after);
  window.explanation_url = record->ari_explanation_url;
  return window;
}

Result<std::string> RegistrationAuthority::CheckReplaces(const acme::Account& account,
                                                         const std::string& replaces,
                                                         const std::vector<acme::Identifier>& ids) {
  auto id = pki::ParseAriCertId(replaces);
  if (!id.ok()) return Error(ErrorCode::kMalformed, "invalid \"replaces\": " + id.error().detail);
  std::optional<acme::CertificateRecord> record;
  if (id->key_id == signer_.IssuerKeyId()) {
    SIGNET_ASSIGN_OR_RETURN(record, store_.GetCertificate(id->serial_hex));
  }
  if (!record)
    return Error(ErrorCode::kMalformed,
                 "\"replaces\" names no certificate of this CA (serial " + id->serial_hex + ")");
  if (record->account_id != account.id)
    return Error(ErrorCode::kUnauthorized,
                 "the certificate named by \"replaces\" belongs to another account");
  SIGNET_ASSIGN_OR_RETURN(auto old_order, store_.GetOrder(record->order_id));
  bool shared = false;
  for (const auto& mine : ids)
    for (const auto& theirs : old_order ? old_order->identifiers : std::vector<acme::Identifier>{})
      shared = shared || mine == theirs;
  if (!shared)
    return Error(ErrorCode::kMalformed,
                 "the order shares no identifier with the certificate it replaces");
  SIGNET_ASSIGN_OR_RETURN(bool replaced, store_.HasReplacementOrder(record->serial));
  if (replaced)
    return Error(ErrorCode::kAlreadyReplaced,
                 "certificate " + record->serial + " already has a replacement order");
  return record->serial;
}

}  // namespace signet::ca
