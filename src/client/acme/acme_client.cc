// Directory, account, order, authorization and challenge requests.
#include "client/acme/acme_client.h"

#include <boost/json/serialize.hpp>

#include "acme/ip_identifier.h"
#include "base/base64url.h"
#include "crypto/digest.h"

namespace signet::client {
namespace json = boost::json;

namespace {

json::array StringArray(const std::vector<std::string>& values) {
  json::array out;
  for (const std::string& v : values) out.emplace_back(v);
  return out;
}

Error NoLocation(const std::string& url, std::string_view what) {
  return Error(ErrorCode::kServerInternal, "the server at " + url + " did not send the " +
                                               std::string(what) + " URL (Location header)");
}

}  // namespace

AcmeClient::AcmeClient(http::Client& http, AccountSigner& signer, std::string directory_url,
                       Logger log)
    : http_(http),
      signer_(signer),
      directory_url_(std::move(directory_url)),
      log_(std::move(log)),
      transport_(http_, log_) {}

void AcmeClient::Log(const std::string& message) const {
  if (log_) log_(message);
}

Result<Directory> AcmeClient::FetchDirectory() {
  if (directory_) return *directory_;
  SIGNET_ASSIGN_OR_RETURN(AcmeResponse r, transport_.Get(directory_url_));
  SIGNET_ASSIGN_OR_RETURN(Directory d, ParseDirectory(r.json, directory_url_));
  transport_.set_new_nonce_url(d.new_nonce);
  directory_ = d;
  return d;
}

Status AcmeClient::RequireAccount() const {
  if (kid_.empty())
    return Error(ErrorCode::kAccountDoesNotExist,
                 "no ACME account: register one (NewAccount) or set its URL first");
  return OkStatus();
}

Result<AcmeResponse> AcmeClient::PostAsGet(const std::string& url) {
  SIGNET_RETURN_IF_ERROR(RequireAccount());
  SIGNET_RETURN_IF_ERROR(FetchDirectory());
  return transport_.Post(url, std::nullopt, KeyRef{signer_, kid_});
}

Result<AcmeResponse> AcmeClient::PostJson(const std::string& url, const json::object& payload) {
  SIGNET_RETURN_IF_ERROR(RequireAccount());
  SIGNET_RETURN_IF_ERROR(FetchDirectory());
  return transport_.Post(url, json::serialize(payload), KeyRef{signer_, kid_});
}

Result<Account> AcmeClient::NewAccount(const std::vector<std::string>& contacts, bool tos_agreed,
                                       bool only_return_existing,
                                       const ExternalAccountBinding* eab) {
  SIGNET_ASSIGN_OR_RETURN(Directory dir, FetchDirectory());
  json::object payload;
  if (only_return_existing) {
    payload["onlyReturnExisting"] = true;  // the CA ignores anything else (RFC 8555 7.3.1)
  } else {
    if (tos_agreed) payload["termsOfServiceAgreed"] = true;
    if (!contacts.empty()) payload["contact"] = StringArray(contacts);
    if (eab) {
      SIGNET_ASSIGN_OR_RETURN(payload["externalAccountBinding"],
                              SignExternalAccountBinding(*eab, signer_.PublicJwk(), dir.new_account));
    }
  }
  SIGNET_ASSIGN_OR_RETURN(AcmeResponse r, transport_.Post(dir.new_account, json::serialize(payload),
                                                          KeyRef{signer_, ""}));
  std::string kid = r.Location();
  if (kid.empty()) return NoLocation(dir.new_account, "account");
  SIGNET_ASSIGN_OR_RETURN(Account account, ParseAccount(r.json, kid));
  account.created = r.status == 201;
  kid_ = kid;
  Log((account.created ? "Registered ACME account " : "Using existing ACME account ") + kid);
  return account;
}

Result<Account> AcmeClient::PostToAccount(const std::optional<json::object>& payload) {
  SIGNET_ASSIGN_OR_RETURN(AcmeResponse r, payload ? PostJson(kid_, *payload) : PostAsGet(kid_));
  return ParseAccount(r.json, kid_);
}

Result<Account> AcmeClient::GetAccount() { return PostToAccount(std::nullopt); }

Result<Account> AcmeClient::UpdateAccount(const std::vector<std::string>& contacts) {
  return PostToAccount(json::object{{"contact", StringArray(contacts)}});
}

Result<Account> AcmeClient::DeactivateAccount() {
  return PostToAccount(json::object{{"status", "deactivated"}});
}

Result<Order> AcmeClient::NewOrder(const std::vector<std::string>& dns_names,
                                   const std::string& profile, const std::string& replaces) {
  SIGNET_RETURN_IF_ERROR(RequireAccount());
  SIGNET_ASSIGN_OR_RETURN(Directory dir, FetchDirectory());
  json::array ids;
  std::string names;
  for (const std::string& n : dns_names) {
    ids.push_back(json::object{{"type", acme::IsIpAddress(n) ? "ip" : "dns"}, {"value", n}});
    names += (names.empty() ? "" : ", ") + n;
  }
  json::object payload{{"identifiers", std::move(ids)}};
  if (!profile.empty()) payload["profile"] = profile;
  if (!replaces.empty()) payload["replaces"] = replaces;
  SIGNET_ASSIGN_OR_RETURN(AcmeResponse r, PostJson(dir.new_order, payload));
  std::string url = r.Location();
  if (url.empty()) return NoLocation(dir.new_order, "order");
  Log("Created order " + url + " for " + names + (profile.empty() ? "" : " (profile " + profile + ")") +
      (replaces.empty() ? "" : " replacing " + replaces));
  return ParseOrder(r.json, url);
}

Status AcmeClient::ChangeKey(AccountSigner& new_key) {
  SIGNET_RETURN_IF_ERROR(RequireAccount());
  SIGNET_ASSIGN_OR_RETURN(Directory dir, FetchDirectory());
  if (dir.key_change.empty())
    return Error(ErrorCode::kMalformed, "the ACME server at " + directory_url_ +
                                            " does not offer key rollover (no keyChange URL)");
  json::object inner_header{{"jwk", new_key.PublicJwk()}, {"url", dir.key_change}};
  json::object change{{"account", kid_}, {"oldKey", signer_.PublicJwk()}};
  SIGNET_ASSIGN_OR_RETURN(std::string inner,
                          new_key.SignJws(std::move(inner_header), json::serialize(change)));
  // The answer's body is not specified (Pebble sends none): only the status counts.
  SIGNET_ASSIGN_OR_RETURN(AcmeResponse r, transport_.Post(dir.key_change, inner,
                                                          KeyRef{signer_, kid_}, Expect::kAny));
  (void)r;
  Log("Changed the key of ACME account " + kid_);
  return OkStatus();
}

Result<Order> AcmeClient::GetOrder(const std::string& url) {
  SIGNET_ASSIGN_OR_RETURN(AcmeResponse r, PostAsGet(url));
  return ParseOrder(r.json, url);
}

Result<Authorization> AcmeClient::GetAuthorization(const std::string& url) {
  SIGNET_ASSIGN_OR_RETURN(AcmeResponse r, PostAsGet(url));
  return ParseAuthorization(r.json, url);
}

Result<Challenge> AcmeClient::RespondToChallenge(const std::string& url) {
  SIGNET_ASSIGN_OR_RETURN(AcmeResponse r, PostJson(url, json::object{}));
  return ParseChallenge(r.json, url);
}

std::string AcmeClient::KeyAuthorization(std::string_view token) const {
  return std::string(token) + "." + signer_.Thumbprint();
}

std::string AcmeClient::Dns01TxtValue(std::string_view token) const {
  return Base64UrlEncode(crypto::Sha256(KeyAuthorization(token)));
}

}  // namespace signet::client
