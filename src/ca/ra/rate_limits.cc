// The RA's use of the rate limiter (ca/ratelimit), in one place: which
// requests spend which limits, when, and which renewals are exempt, as Let's
// Encrypt does (letsencrypt.org/docs/rate-limits):
//  - newAccount spends new_registrations_per_ip and, for IPv6 clients,
//    new_registrations_per_ipv6_range (the client's /48);
//  - newOrder spends new_orders_per_account and one
//    pending_authorizations_per_account per new authorization, and checks
//    (without spending) failed_authorizations_per_identifier_per_account for
//    each identifier, certificates_per_domain for each registered domain and
//    certificates_per_exact_set;
//  - issuance spends certificates_per_domain and certificates_per_exact_set;
//  - a failed validation spends failed_authorizations...; an authorization
//    leaving "pending" gives its pending_authorizations back.
// Renewals: an order for exactly the names of an unexpired certificate of the
// account is exempt from new_orders_per_account and certificates_per_domain
// (not from the duplicate-certificate limit); an ARI renewal (RFC 9773
// "replaces") is exempt from every limit of newOrder and issuance.
#include "ca/ra/ra.h"

namespace signet::ca {

namespace rl = ratelimit;

namespace {

// Spends and refunds after the fact (the certificate is issued, the
// validation done) cannot fail the request: a store failure only leaves a
// count lower, as a crash between the two writes would.
void BestEffort(const Status& s) { (void)s; }

}  // namespace

Result<bool> RegistrationAuthority::IsRenewal(const acme::Order& order) {
  if (!config_.rate_limiter) return false;
  if (!order.replaces.empty()) return true;
  return store_.HasCertificateForNames(order.account_id,
                                       storage::IdentifierSetKey(order.identifiers),
                                       acme::Clock::now());
}

Result<std::vector<rl::Transaction>> RegistrationAuthority::SpendNewAccountLimits(
    const std::string& client_ip) {
  std::vector<rl::Transaction> batch;
  if (!config_.rate_limiter || client_ip.empty()) return batch;
  batch.push_back(rl::NewRegistrationFromIp(client_ip));
  if (auto range = rl::NewRegistrationFromIpv6Range(client_ip)) batch.push_back(*range);
  SIGNET_RETURN_IF_ERROR(config_.rate_limiter->Spend(batch));
  return batch;
}

Result<std::vector<rl::Transaction>> RegistrationAuthority::SpendNewOrderLimits(
    const acme::Order& order, size_t new_authorizations) {
  std::vector<rl::Transaction> batch;
  if (!config_.rate_limiter) return batch;
  const bool ari_renewal = !order.replaces.empty();
  if (ari_renewal) return batch;
  SIGNET_ASSIGN_OR_RETURN(bool renewal, IsRenewal(order));
  auto check_only = [](rl::Transaction t) {
    t.check_only = true;
    return t;
  };
  if (!renewal) batch.push_back(rl::NewOrder(order.account_id));
  if (new_authorizations > 0)
    batch.push_back(rl::PendingAuthorizations(order.account_id, int64_t(new_authorizations)));
  for (const auto& id : order.identifiers)
    batch.push_back(check_only(rl::FailedAuthorization(order.account_id, id)));
  if (!renewal)
    for (auto& t : rl::CertificatesPerDomain(order.identifiers))
      batch.push_back(check_only(std::move(t)));
  batch.push_back(check_only(rl::CertificatesPerExactSet(order.identifiers)));
  SIGNET_RETURN_IF_ERROR(config_.rate_limiter->Spend(batch));
  return batch;
}

void RegistrationAuthority::RefundLimits(const std::vector<rl::Transaction>& batch) {
  if (config_.rate_limiter) BestEffort(config_.rate_limiter->Refund(batch));
}

void RegistrationAuthority::SpendIssuanceLimits(const acme::Order& order, bool renewal) {
  if (!config_.rate_limiter || !order.replaces.empty()) return;
  std::vector<rl::Transaction> batch;
  if (!renewal) batch = rl::CertificatesPerDomain(order.identifiers);
  batch.push_back(rl::CertificatesPerExactSet(order.identifiers));
  BestEffort(config_.rate_limiter->SpendRegardless(batch));
}

void RegistrationAuthority::AuthorizationLeftPending(const acme::Authorization& authz,
                                                    bool failed) {
  if (!config_.rate_limiter) return;
  BestEffort(config_.rate_limiter->Refund({rl::PendingAuthorizations(authz.account_id, 1)}));
  if (failed)
    BestEffort(config_.rate_limiter->SpendRegardless(
        {rl::FailedAuthorization(authz.account_id, authz.identifier)}));
}

}  // namespace signet::ca
