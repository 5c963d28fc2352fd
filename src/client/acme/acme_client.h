// The agent's ACME protocol engine (RFC 8555 7), like certbot's acme library
// or lego's core: directory, account, order, authorization, challenge,
// finalize, certificate download and revocation, each one request (plus
// nonce housekeeping and badNonce retries, see transport.h). The flow
// itself (which challenges to answer, when to give up) belongs to the
// caller.
//
// Key holder separation: AcmeClient never sees a private key. Requests are
// signed by the AccountSigner it is given (the account key) or, for
// RevokeCertificateWithKey, by the certificate key's signer.
//
// Every method returns an Error for network failures (kConnection, kTls),
// for the CA's problem documents (the code of the problem type; the detail
// is readable text naming the identifiers, see problem.h) and for answers
// that are not ACME (kServerInternal).
//
// Holds references to `http` and `signer`, which must outlive it. Not
// thread-safe: one AcmeClient per thread, like http::Client.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "client/acme/account_signer.h"
#include "client/acme/eab.h"
#include "client/acme/polling.h"
#include "client/acme/resources.h"
#include "client/acme/transport.h"
#include "http/client.h"

namespace signet::client {

class AcmeClient {
 public:
  using Deadline = std::chrono::steady_clock::time_point;

  // `log` (optional) receives one-line progress messages.
  AcmeClient(http::Client& http, AccountSigner& signer, std::string directory_url,
             Logger log = nullptr);

  // RFC 8555 7.1.1. Fetched once and cached; the other methods call it
  // when needed.
  Result<Directory> FetchDirectory();

  // RFC 8555 7.3 (newAccount) and 7.3.1 (onlyReturnExisting). On success the
  // account URL becomes this client's kid; Account::created tells 201 from
  // 200. With only_return_existing, a missing account is
  // kAccountDoesNotExist.
  // With `eab`, the request carries an external account binding (7.3.4).
  Result<Account> NewAccount(const std::vector<std::string>& contacts, bool tos_agreed,
                             bool only_return_existing = false,
                             const ExternalAccountBinding* eab = nullptr);
  // Uses a known account (e.g. from the agent's store) for kid requests.
  void SetAccountUrl(std::string kid) { kid_ = std::move(kid); }
  const std::string& account_url() const { return kid_; }
  // RFC 8555 7.3.2 (POST-as-GET on the account), 7.3.2 update, 7.3.6.
  Result<Account> GetAccount();
  Result<Account> UpdateAccount(const std::vector<std::string>& contacts);
  Result<Account> DeactivateAccount();
  // RFC 8555 7.3.5: makes `new_key` the account's key. The inner JWS is
  // signed by `new_key` (jwk, url = keyChange) over {account, oldKey}; the
  // outer by this client's signer (kid). The CA's refusal (409 when another
  // account has the key, badPublicKey, ...) is the Error. On success this
  // client's signer no longer speaks for the account: make a new
  // AcmeClient with `new_key`.
  Status ChangeKey(AccountSigner& new_key);

  // RFC 8555 7.4: an order for DNS names (a "*." prefix asks for a
  // wildcard) and IP addresses (a name that is an IPv4 or IPv6 literal is an
  // "ip" identifier, RFC 8738). Order::url is the Location.
  // `profile`, when not empty, is sent as the order's "profile"
  // (draft-ietf-acme-profiles); see ChooseProfile in profiles.h.
  // `replaces`, when not empty, is sent as "replaces" (RFC 9773 5): the ARI
  // CertID of the certificate the order renews.
  Result<Order> NewOrder(const std::vector<std::string>& dns_names,
                         const std::string& profile = "", const std::string& replaces = "");
  Result<Order> GetOrder(const std::string& url);
  // RFC 8555 7.5.
  Result<Authorization> GetAuthorization(const std::string& url);
  // RFC 8555 7.5.1: tells the CA to validate (POST {}).
  Result<Challenge> RespondToChallenge(const std::string& url);

  // Polls (POST-as-GET) until the authorization is no longer "pending", or
  // the order is neither "pending" nor "processing"; see polling.h for the
  // intervals. The result may be "invalid": the caller reads its errors.
  // Past `deadline`, kServerInternal "timed out waiting for ...".
  Result<Authorization> WaitForAuthorization(const std::string& url, Deadline deadline);
  Result<Order> WaitForOrder(const std::string& url, Deadline deadline);

  // RFC 8555 7.4: finalize `order` with a DER CSR. The returned order is
  // usually "processing" or "valid"; WaitForOrder until it is "valid".
  Result<Order> Finalize(const Order& order, std::string_view csr_der);
  // RFC 8555 7.4.2: the PEM chain (leaf first). `alternates`, when given,
  // receives the Link rel="alternate" URLs of other chains.
  Result<std::string> DownloadCertificate(const std::string& url,
                                          std::vector<std::string>* alternates = nullptr);

  // RFC 8555 7.6, signed by the account (kid) or by the certificate's own
  // key (jwk). `reason` is an RFC 5280 5.3.1 CRLReason code.
  Status RevokeCertificate(std::string_view cert_der, int reason = 0);
  Status RevokeCertificateWithKey(std::string_view cert_der, int reason,
                                  AccountSigner& cert_key_signer);

  // RFC 8555 8.1: token "." account-key thumbprint.
  std::string KeyAuthorization(std::string_view token) const;
  // RFC 8555 8.4: base64url(SHA-256(key authorization)), the dns-01 TXT value.
  std::string Dns01TxtValue(std::string_view token) const;

  void set_poll_policy(PollPolicy policy) { poll_ = policy; }

 private:
  Result<AcmeResponse> PostAsGet(const std::string& url);
  Result<AcmeResponse> PostJson(const std::string& url, const boost::json::object& payload);
  Status RequireAccount() const;
  Result<Account> PostToAccount(const std::optional<boost::json::object>& payload);
  Status Revoke(std::string_view cert_der, int reason, const KeyRef& key);
  // Polls `url` until `settled(status)`; returns the last answer.
  Result<AcmeResponse> PollUntil(const std::string& url, Deadline deadline, std::string_view what,
                                 bool (*settled)(std::string_view status));
  void Log(const std::string& message) const;

  http::Client& http_;
  AccountSigner& signer_;
  std::string directory_url_;
  Logger log_;
  AcmeTransport transport_;
  std::optional<Directory> directory_;
  std::string kid_;
  PollPolicy poll_;
};

}  // namespace signet::client
