// The ACME front end (Boulder's WFE): HTTP in, RFC 8555 out. It routes a
// request, authenticates it (JwsAuthenticator), asks the RA, and renders the
// result or the problem document. Every response carries a fresh
// Replay-Nonce and a Link rel="index" to the directory.
//
// Handle() is a pure function of the request and the CA's state, safe to call
// from several threads.
#pragma once

#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "ca/ra/ra.h"
#include "ca/va/dns_persist01.h"
#include "ca/wfe/jws_auth.h"
#include "ca/wfe/nonce.h"
#include "ca/wfe/render.h"
#include "http/message.h"

namespace signet::ca {

struct WfeConfig {
  std::string terms_of_service = "https://signet.invalid/terms";
  std::string website = "https://signet.invalid/";
  std::vector<std::string> caa_identities = {"signet.invalid"};
  bool external_account_required = false;
  std::string issuer_der;  // the intermediate, served at /acme/issuer-cert
  // Appended to each certificate served (RFC 8555 7.4.2 chain): the
  // intermediate's PEM.
  std::string issuer_chain_pem;
  // RFC 8555 7.4.2: other chains for the same leaf, each the PEM appended to
  // it instead of issuer_chain_pem (signetd: the intermediate cross-signed by
  // the alternate root). Alternate N (from 1) is served at
  // /acme/cert/SERIAL/alternate/N; every chain links the others with
  // Link rel="alternate".
  std::vector<std::string> alternate_issuer_chains;
  std::string root_pem;    // served at /acme/root for convenience
  // RFC 8555 7.1.2.1: the most order URLs one page of an account's orders
  // list holds; a Link rel="next" leads to the rest.
  size_t orders_per_page = 100;
};

// How long ARI clients should wait before asking again (RFC 9773 4.3).
inline constexpr int kRenewalInfoRetryAfterSeconds = 6 * 3600;

class WebFrontEnd {
 public:
  WebFrontEnd(RegistrationAuthority& ra, NonceService& nonces, WfeConfig config)
      : ra_(ra),
        nonces_(nonces),
        auth_(nonces, ra),
        config_(std::move(config)),
        issuer_domain_names_(va::IssuerDomainNames(config_.caa_identities)) {}

  http::Response Handle(const http::Request& request);
  // Whether Handle() answers `request` from memory alone (the directory, a
  // new nonce, the issuer and root certificates, unknown paths): no
  // storage, DNS or signing, so an I/O thread may call it
  // (http::ServerConfig::answer_inline). Every other request may wait.
  static bool AnswersAtOnce(const http::Request& request);
  // The answer to a request over the listener's header (431) or body (413)
  // limit (http::ServerConfig::limit_response): a malformed problem
  // document (RFC 8555 6.7) saying which limit.
  static http::Response OversizedRequest(int status, const std::string& reason);

  struct Reply;  // a handler's result before the envelope; see reply.h

 private:
  friend struct RouteTable;  // wfe.cc: the routes to the handlers below
  using Route = Result<Reply> (WebFrontEnd::*)(const http::Request&, const Urls&,
                                               const std::string& arg);

  ChallengeContext ChallengeContextOf(const acme::Authorization& authz) const {
    return {issuer_domain_names_, ra_.AccountUrl(authz.account_id)};
  }
  Result<Reply> Dispatch(const http::Request& req, const Urls& urls);
  Result<AuthenticatedRequest> Authenticate(const http::Request& req, const Urls& urls,
                                            KeyMode mode);
  Result<boost::json::object> PayloadObject(const AuthenticatedRequest& ar);

  Result<Reply> Directory(const http::Request&, const Urls&, const std::string&);
  Result<Reply> NewNonce(const http::Request&, const Urls&, const std::string&);
  Result<Reply> NewAccount(const http::Request&, const Urls&, const std::string&);
  Result<Reply> Account(const http::Request&, const Urls&, const std::string& id);
  Result<Reply> NewOrder(const http::Request&, const Urls&, const std::string&);
  Result<Reply> Order(const http::Request&, const Urls&, const std::string& id);
  Result<Reply> Finalize(const http::Request&, const Urls&, const std::string& id);
  Result<Reply> Authorization(const http::Request&, const Urls&, const std::string& id);
  Result<Reply> Challenge(const http::Request&, const Urls&, const std::string& ids);
  Result<Reply> Certificate(const http::Request&, const Urls&, const std::string& serial);
  Result<Reply> RevokeCert(const http::Request&, const Urls&, const std::string&);
  Result<Reply> IssuerCert(const http::Request&, const Urls&, const std::string&);
  Result<Reply> Root(const http::Request&, const Urls&, const std::string&);
  Result<Reply> RenewalInfo(const http::Request&, const Urls&, const std::string& cert_id);
  // account_handlers.cc: RFC 8555 7.3.5 and 7.1.2.1.
  Result<Reply> KeyChange(const http::Request&, const Urls&, const std::string&);
  Result<Reply> AccountOrders(const http::Request&, const Urls&, const std::string& account_id);
  // unpause_handler.cc: paused clients (ca/ra/pausing.h).
  Result<Reply> Unpause(const http::Request&, const Urls&, const std::string& account_id);

  RegistrationAuthority& ra_;
  NonceService& nonces_;
  JwsAuthenticator auth_;
  WfeConfig config_;
  // dns-persist-01's "issuer-domain-names": config_.caa_identities normalized.
  std::vector<std::string> issuer_domain_names_;
};

}  // namespace signet::ca
