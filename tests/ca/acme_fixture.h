// A whole signetd (store, RA, VA, signer, WFE) in one process on a temp data
// directory, with a test ACME client that signs requests and calls the front
// end directly, and a real HTTP server on loopback answering HTTP-01. The
// only fake is DNS (every name -> 127.0.0.1), behind the Resolver interface.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <boost/json.hpp>

#include "ca/ra/ra.h"
#include "ca/signer/signer.h"
#include "ca/va/va.h"
#include "ca/wfe/wfe.h"
#include "crypto/key.h"
#include "dns/static_resolver.h"
#include "http/server.h"
#include "pki/ca_hierarchy.h"
#include "storage/sqlite/sqlite_store.h"

namespace signet::testing {

inline const std::string kHost = "ca.test:14000";
inline const std::string kBase = "https://" + kHost;

// HTTP-01 responder: serves /.well-known/acme-challenge/TOKEN from a map.
class ChallengeServer {
 public:
  ChallengeServer();
  uint16_t port() const { return server_->port(); }
  void Set(const std::string& token, const std::string& body, int status = 200);

 private:
  std::mutex mu_;
  std::map<std::string, std::pair<int, std::string>> files_;
  std::unique_ptr<http::Server> server_;
};

// What a test may change in the CA it builds (defaults: as before issue 5,
// i.e. no CRL/OCSP URLs in certificates, OCSP off, the built-in profiles).
struct CaOptions {
  ca::SignerConfig signer;
  bool ocsp = false;
  std::optional<ca::ProfileSet> profiles;
  size_t nonce_capacity = 1 << 20;  // outstanding nonces the front end keeps
  // Changes to the RA's configuration (queue sizes, CAA re-check age...).
  std::function<void(ca::RaConfig&)> tune_ra;
  // A VA the RA uses instead of the local one, given the local one (e.g. to
  // wrap it and control its timing).
  std::function<std::unique_ptr<va::ValidationAuthority>(va::ValidationAuthority&)> wrap_va;
  // --eab-required: newAccount needs an external account binding, and the
  // directory says so (RA and front end configured together, as signetd does).
  bool eab_required = false;
  // Rate limits (signetd --rate-limits): none when unset.
  std::optional<ca::ratelimit::Limits> rate_limits;
  // A store to use instead of the data directory's SQLite one (several
  // instances on one PostgreSQL); not owned. CaUnderTest::store stays null.
  storage::Store* shared_store = nullptr;
};

// The CA's parts, built over a data directory; destroy and rebuild to
// simulate a restart.
struct CaUnderTest {
  explicit CaUnderTest(const std::filesystem::path& dir, uint16_t http01_port,
                       const CaOptions& options = {});
  std::optional<pki::CaHierarchy> hierarchy;
  std::unique_ptr<storage::SqliteStore> store;  // null with CaOptions::shared_store
  storage::Store* db = nullptr;                  // the store in use
  std::unique_ptr<ca::ratelimit::RateLimiter> rate_limiter;  // CaOptions::rate_limits
  dns::StaticResolver resolver;
  std::unique_ptr<va::LocalValidationAuthority> va;
  std::unique_ptr<va::ValidationAuthority> wrapped_va;  // CaOptions::wrap_va's
  std::unique_ptr<ca::Signer> signer;
  std::unique_ptr<ca::RegistrationAuthority> ra;
  ca::MemoryNonceService nonces;
  std::unique_ptr<ca::WebFrontEnd> wfe;
};

struct Reply {
  int status = 0;
  std::string body;
  boost::json::object json;  // parsed body when JSON
  http::Response raw;
  std::string Type() const;  // problem type without the urn prefix
  std::string Header(std::string_view name) const { return std::string(raw.Header(name)); }
};

class AcmeTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  void Restart();
  // Options of the CA SetUp and Restart build; override to change them.
  virtual CaOptions Options() const { return {}; }

  // Raw access.
  Reply Send(http::Request req);
  std::string Nonce();
  // A signed POST. `payload` nullptr means POST-as-GET (empty payload).
  Reply Post(const std::string& url, const boost::json::value* payload, const crypto::Key& key,
             const std::string& kid);
  Reply PostAsGet(const std::string& url) { return Post(url, nullptr, key_, kid_); }
  Reply PostJson(const std::string& url, const boost::json::value& v) {
    return Post(url, &v, key_, kid_);
  }

  // Registers account_key_ and sets kid_.
  void Register();
  // newOrder for `names`; returns the order JSON and sets location.
  Reply NewOrder(const std::vector<std::string>& names, std::string* location = nullptr);
  // Serves the key authorization for each authz of `order`, answers the
  // challenges, and waits until they settle. Returns the final authz JSONs.
  std::vector<boost::json::object> Authorize(const boost::json::object& order, bool serve = true);
  Reply WaitForAuthz(const std::string& url);
  std::string KeyAuthorization(const std::string& token) const;
  // The whole flow for a certificate: newOrder for `names` (with `extra`
  // members such as "profile" or "replaces"), HTTP-01 for each name,
  // finalize with `csr_der`. Returns the final order reply; its
  // "certificate" URL is fetched into *chain_pem when given.
  Reply IssueWithCsr(const std::vector<std::string>& names, const std::string& csr_der,
                     const boost::json::object& extra = {}, std::string* chain_pem = nullptr);

  std::filesystem::path dir_;
  // The peer address Send gives requests that carry none.
  std::string client_address_ = "192.0.2.10";
  std::unique_ptr<ChallengeServer> challenges_;
  std::unique_ptr<CaUnderTest> ca_;
  crypto::Key key_;
  std::string kid_;
};

// DER CSR for `names` (first also the CN) signed by `key`.
std::string MakeCsr(const crypto::Key& key, const std::vector<std::string>& names);
std::string Str(const boost::json::object& o, const char* key);

}  // namespace signet::testing
