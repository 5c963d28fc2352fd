// A connection to one ACME server with one account: the HTTP client, the
// account key holder and the protocol engine, set up from the options and
// the account store (certbot's accounts/SERVER/... layout).
#pragma once

#include <memory>
#include <string>

#include "base/result.h"
#include "client/acme/acme_client.h"
#include "client/agent/agent_options.h"
#include "client/agent/output.h"
#include "client/store/account_store.h"
#include "client/store/layout.h"
#include "http/client.h"

namespace signet::client {

class Session {
 public:
  // Connects to `server` and loads the account to use: --account, else the
  // only (or first) stored one. With `register_if_missing`, registers a new
  // account (ES256 key) when there is none, under certbot's rules for
  // --agree-tos, -m and --register-unsafely-without-email. A key an
  // interrupted run left without regr.json (registration or key change) is
  // finished first if the CA knows it, else discarded.
  static Result<std::unique_ptr<Session>> Open(const AgentOptions& options,
                                               const std::string& server, const Output& out,
                                               bool register_if_missing,
                                               const std::string& account_id = "");

  AcmeClient& acme() { return *acme_; }
  const StoredAccount& account() const { return account_; }
  AccountStore& accounts() { return *accounts_; }
  http::Client& http() { return *http_; }
  // The key holder for signing as the certificate key (revocation).
  std::unique_ptr<AccountSigner> SignerFor(const crypto::Key& key) const;

 private:
  Session() = default;
  Status LoadOrRegister(const AgentOptions& options, const Output& out, bool register_if_missing,
                        const std::string& account_id);

  std::string server_;
  std::unique_ptr<http::Client> http_;
  std::unique_ptr<AccountSigner> signer_;
  std::unique_ptr<AcmeClient> acme_;
  std::optional<AccountStore> accounts_;
  StoredAccount account_;
};

// --eab-kid/--eab-hmac-key/--eab-hmac-alg; nullopt when not given.
Result<std::optional<ExternalAccountBinding>> EabFromOptions(const AgentOptions& options);

// The User-Agent of the agent's requests: --user-agent, else the default
// with --user-agent-comment in parentheses.
std::string UserAgentFor(const AgentOptions& options, const std::string& default_agent);

// Contact URLs for -m (certbot accepts a comma-separated list).
std::vector<std::string> ContactsFromEmail(const std::string& email);

}  // namespace signet::client
