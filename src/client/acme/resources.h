// The ACME resources as the agent sees them (RFC 8555 7.1): plain values
// parsed from the CA's JSON. Statuses stay strings ("pending", "valid", ...)
// so that a status this code does not know is still shown to the user. Each
// object keeps the JSON it came from in `raw` for anything not modelled here.
#pragma once

#include <boost/json/object.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "client/acme/problem.h"

namespace signet::client {

// RFC 8555 9.7.7: {"type": "dns", "value": "example.com"}.
struct Identifier {
  std::string type;
  std::string value;
  bool operator==(const Identifier&) const = default;
};

// RFC 8555 7.1.1.
struct Directory {
  std::string url;  // where it was fetched
  std::string new_nonce;
  std::string new_account;
  std::string new_order;
  std::string revoke_cert;
  std::string key_change;
  std::string renewal_info;      // "" when the CA has no ARI (RFC 9773)
  std::string terms_of_service;  // meta.termsOfService, "" if none
  std::string website;
  std::vector<std::string> caa_identities;
  bool external_account_required = false;
  // meta.profiles (draft-ietf-acme-profiles): name -> description; empty
  // when the CA offers no profiles.
  std::map<std::string, std::string> profiles;
  boost::json::object raw;
};

// RFC 8555 7.1.2.
struct Account {
  std::string url;  // the "kid" (Location of newAccount)
  std::string status;
  std::vector<std::string> contacts;
  std::string orders_url;
  bool created = false;  // newAccount made it now (201), rather than found it
  boost::json::object raw;
};

// RFC 8555 7.1.5 (challenge objects; 8.3 http-01, 8.4 dns-01).
struct Challenge {
  std::string type;
  std::string url;
  std::string token;  // "" for challenge types without one
  std::string status;
  // dns-persist-01 (draft-ietf-acme-dns-persist): the CA's issuer domain
  // names, one of which the TXT record must name.
  std::vector<std::string> issuer_domain_names;
  std::optional<Problem> error;
};

// RFC 8555 7.1.4.
struct Authorization {
  std::string url;
  Identifier identifier;
  std::string status;
  std::string expires;  // RFC 3339 text as sent
  bool wildcard = false;
  std::vector<Challenge> challenges;
  boost::json::object raw;

  // The challenge of `type`, or nullptr.
  const Challenge* FindChallenge(std::string_view type) const;
};

// RFC 8555 7.1.3.
struct Order {
  std::string url;
  std::string status;
  std::string expires;
  std::vector<Identifier> identifiers;
  std::vector<std::string> authorizations;  // URLs
  std::string finalize_url;
  std::string certificate_url;  // once valid
  std::optional<Problem> error;
  boost::json::object raw;
};

// Each parser checks the members the protocol needs and reports a missing or
// mistyped one as kServerInternal naming the resource URL.
Result<Directory> ParseDirectory(const boost::json::object& json, const std::string& url);
Result<Account> ParseAccount(const boost::json::object& json, const std::string& url);
Result<Order> ParseOrder(const boost::json::object& json, const std::string& url);
Result<Authorization> ParseAuthorization(const boost::json::object& json, const std::string& url);
Result<Challenge> ParseChallenge(const boost::json::object& json, const std::string& url);

}  // namespace signet::client
