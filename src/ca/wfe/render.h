// JSON representations of ACME resources (RFC 8555 7.1.2-7.1.5), with the
// URLs this CA gives them. Pure functions.
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "acme/objects.h"

namespace signet::ca {

// URL layout of the ACME resources under a base like "https://host:port".
struct Urls {
  std::string base;
  std::string Directory() const { return base + "/directory"; }
  std::string NewNonce() const { return base + "/acme/new-nonce"; }
  std::string NewAccount() const { return base + "/acme/new-acct"; }
  std::string NewOrder() const { return base + "/acme/new-order"; }
  std::string RevokeCert() const { return base + "/acme/revoke-cert"; }
  std::string KeyChange() const { return base + "/acme/key-change"; }
  std::string AccountPrefix() const { return base + "/acme/acct/"; }
  std::string Account(const std::string& id) const { return AccountPrefix() + id; }
  std::string Orders(const std::string& account_id) const { return Account(account_id) + "/orders"; }
  std::string Order(const std::string& id) const { return base + "/acme/order/" + id; }
  std::string Finalize(const std::string& id) const { return base + "/acme/finalize/" + id; }
  std::string Authz(const std::string& id) const { return base + "/acme/authz/" + id; }
  std::string Challenge(const std::string& authz, const std::string& id) const {
    return base + "/acme/chall/" + authz + "/" + id;
  }
  std::string Certificate(const std::string& serial) const { return base + "/acme/cert/" + serial; }
  // RFC 8555 7.4.2: chain 0 is the default, 1... the alternates.
  std::string CertificateChain(const std::string& serial, size_t chain) const {
    return chain == 0 ? Certificate(serial)
                      : Certificate(serial) + "/alternate/" + std::to_string(chain);
  }
  std::string IssuerCert() const { return base + "/acme/issuer-cert"; }
  std::string RenewalInfo() const { return base + "/acme/renewal-info"; }  // RFC 9773
  // Paused clients (ca/ra/pausing.h): where an account unpauses itself.
  std::string Unpause(const std::string& account_id) const {
    return base + "/acme/unpause/" + account_id;
  }
};

std::string Rfc3339(acme::TimePoint t);

boost::json::object RenderAccount(const acme::Account& a, const Urls& urls);
boost::json::object RenderOrder(const acme::Order& o, const Urls& urls);
boost::json::object RenderChallenge(const acme::Challenge& c, const std::string& authz_id,
                                    const Urls& urls);
boost::json::object RenderAuthorization(const acme::Authorization& a, const Urls& urls);
// RFC 9773 4.2: {"suggestedWindow": {"start", "end"}, "explanationURL"?}.
boost::json::object RenderRenewalInfo(acme::TimePoint start, acme::TimePoint end,
                                      const std::string& explanation_url);

}  // namespace signet::ca
