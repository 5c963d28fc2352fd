// The JWS-authenticated ACME resources (RFC 8555 7.3-7.5).
#include <boost/json.hpp>

#include "base/base64url.h"
#include "ca/wfe/reply.h"
#include "ca/wfe/wfe.h"

namespace signet::ca {
namespace json = boost::json;
using acme::ObjStatus;

namespace {

// RFC 8555 6.3: a POST-as-GET has an empty payload.
Status RequirePostAsGet(const AuthenticatedRequest& ar) {
  if (!ar.jws.payload.empty())
    return Error(ErrorCode::kMalformed, "POST-as-GET requests must have an empty payload");
  return OkStatus();
}

Status RequireOwner(const AuthenticatedRequest& ar, const std::string& owner) {
  if (ar.account->id != owner)
    return Error(ErrorCode::kUnauthorized, "this resource belongs to another account");
  return OkStatus();
}

// RFC 8555 7.3: contact URLs; only single-address mailto: is supported.
Result<std::vector<std::string>> ParseContacts(const json::value& v) {
  if (!v.is_array()) return Error(ErrorCode::kMalformed, "contact must be an array of strings");
  std::vector<std::string> out;
  for (const auto& c : v.get_array()) {
    if (!c.is_string()) return Error(ErrorCode::kMalformed, "contact must be an array of strings");
    std::string s(c.get_string());
    if (s.rfind("mailto:", 0) != 0)
      return Error(ErrorCode::kUnsupportedContact, "contact \"" + s + "\" is not a mailto: URL");
    std::string addr = s.substr(7);
    size_t at = addr.find('@');
    if (at == std::string::npos || at == 0 || at + 1 >= addr.size() ||
        addr.find_first_of(",?& <>\"") != std::string::npos ||
        addr.find('.', at) == std::string::npos)
      return Error(ErrorCode::kInvalidContact, "contact \"" + s + "\" is not a valid email address");
    out.push_back(std::move(s));
  }
  return out;
}

// An optional string member: "" when absent, malformed when not a string.
Result<std::string> OptionalString(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  if (!v) return std::string();
  if (!v->is_string()) return Error(ErrorCode::kMalformed, std::string(key) + " must be a string");
  return std::string(v->get_string());
}

struct CertificatePath {
  std::string serial;
  size_t chain = 0;  // 0: the default chain; N: WfeConfig::alternate_issuer_chains[N - 1]
};

// "SERIAL" or "SERIAL/alternate/N" with N in 1..alternates, written as
// Urls::CertificateChain writes it.
Result<CertificatePath> ParseCertificatePath(const std::string& path, size_t alternates) {
  constexpr std::string_view kAlternate = "/alternate/";
  size_t at = path.find(kAlternate);
  if (at == std::string::npos) return CertificatePath{path, 0};
  std::string number = path.substr(at + kAlternate.size());
  for (size_t n = 1; n <= alternates; ++n)
    if (number == std::to_string(n)) return CertificatePath{path.substr(0, at), n};
  return Error(ErrorCode::kNotFound,
               "No such certificate chain: alternate " + number.substr(0, 20));
}

bool BoolMember(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_bool() && v->get_bool();
}

}  // namespace

Result<WebFrontEnd::Reply> WebFrontEnd::NewAccount(const http::Request& req, const Urls& urls,
                                                   const std::string&) {
  SIGNET_ASSIGN_OR_RETURN(AuthenticatedRequest ar, Authenticate(req, urls, KeyMode::kJwk));
  SIGNET_ASSIGN_OR_RETURN(json::object payload, PayloadObject(ar));
  SIGNET_ASSIGN_OR_RETURN(auto existing, ra_.FindAccountByThumbprint(ar.thumbprint));
  if (existing) {
    if (existing->status != ObjStatus::kValid)
      return Error(ErrorCode::kUnauthorized, "account is " +
                                                 std::string(acme::StatusName(existing->status)));
    Reply r = Reply::Json(200, RenderAccount(*existing, urls));
    r.location = urls.Account(existing->id);
    return r;
  }
  if (BoolMember(payload, "onlyReturnExisting"))
    return Error(ErrorCode::kAccountDoesNotExist, "no account exists with the provided key");
  std::vector<std::string> contacts;
  if (const json::value* c = payload.if_contains("contact")) {
    SIGNET_ASSIGN_OR_RETURN(contacts, ParseContacts(*c));
  }
  if (!config_.terms_of_service.empty() && !BoolMember(payload, "termsOfServiceAgreed"))
    return Error(ErrorCode::kMalformed, "must agree to terms of service");
  // RFC 8555 7.3.4: verified (and required, by policy) in the RA; null is
  // absent, as for the other optional members.
  std::optional<ExternalAccountBinding> eab;
  const json::value* binding = payload.if_contains("externalAccountBinding");
  if (binding && !binding->is_null())
    eab = ExternalAccountBinding{json::serialize(*binding), ar.jws.url};
  SIGNET_ASSIGN_OR_RETURN(acme::Account account,
                          ra_.NewAccount(ar.jwk_json, ar.thumbprint, std::move(contacts),
                                         BoolMember(payload, "termsOfServiceAgreed"),
                                         eab ? &*eab : nullptr, req.remote_address));
  Reply r = Reply::Json(201, RenderAccount(account, urls));
  r.location = urls.Account(account.id);
  return r;
}

Result<WebFrontEnd::Reply> WebFrontEnd::Account(const http::Request& req, const Urls& urls,
                                                const std::string& id) {
  constexpr std::string_view kOrders = "/orders";  // RFC 8555 7.1.2.1
  if (id.ends_with(kOrders))
    return AccountOrders(req, urls, id.substr(0, id.size() - kOrders.size()));
  SIGNET_ASSIGN_OR_RETURN(AuthenticatedRequest ar, Authenticate(req, urls, KeyMode::kKid));
  SIGNET_RETURN_IF_ERROR(RequireOwner(ar, id));
  acme::Account account = *ar.account;
  if (!ar.jws.payload.empty()) {
    SIGNET_ASSIGN_OR_RETURN(json::object payload, PayloadObject(ar));
    std::optional<std::vector<std::string>> contacts;
    if (const json::value* c = payload.if_contains("contact")) {
      SIGNET_ASSIGN_OR_RETURN(contacts, ParseContacts(*c));
    }
    bool deactivate = false;
    if (const json::value* s = payload.if_contains("status")) {
      if (!s->is_string() || s->get_string() != "deactivated")
        return Error(ErrorCode::kMalformed, "the only status a client may set is \"deactivated\"");
      deactivate = true;
    }
    SIGNET_ASSIGN_OR_RETURN(account, ra_.UpdateAccount(account, std::move(contacts), deactivate));
  }
  Reply r = Reply::Json(200, RenderAccount(account, urls));
  r.location = urls.Account(account.id);
  return r;
}

Result<WebFrontEnd::Reply> WebFrontEnd::NewOrder(const http::Request& req, const Urls& urls,
                                                 const std::string&) {
  SIGNET_ASSIGN_OR_RETURN(AuthenticatedRequest ar, Authenticate(req, urls, KeyMode::kKid));
  SIGNET_ASSIGN_OR_RETURN(json::object payload, PayloadObject(ar));
  const json::value* ids = payload.if_contains("identifiers");
  if (!ids || !ids->is_array() || ids->get_array().empty())
    return Error(ErrorCode::kMalformed, "NewOrder request did not specify any identifiers");
  std::vector<acme::Identifier> identifiers;
  for (const auto& v : ids->get_array()) {
    const json::object* o = v.if_object();
    const json::value* type = o ? o->if_contains("type") : nullptr;
    const json::value* value = o ? o->if_contains("value") : nullptr;
    if (!type || !value || !type->is_string() || !value->is_string())
      return Error(ErrorCode::kMalformed, "each identifier needs string \"type\" and \"value\"");
    identifiers.push_back({std::string(type->get_string()), std::string(value->get_string())});
  }
  std::optional<acme::TimePoint> not_before, not_after;
  if (payload.contains("notBefore")) not_before = acme::Clock::now();
  if (payload.contains("notAfter")) not_after = acme::Clock::now();
  OrderOptions options;
  SIGNET_ASSIGN_OR_RETURN(options.profile, OptionalString(payload, "profile"));
  SIGNET_ASSIGN_OR_RETURN(options.replaces, OptionalString(payload, "replaces"));
  options.unpause_url = urls.Unpause(ar.account->id);
  SIGNET_ASSIGN_OR_RETURN(acme::Order order, ra_.NewOrder(*ar.account, std::move(identifiers),
                                                          not_before, not_after, options));
  Reply r = Reply::Json(201, RenderOrder(order, urls));
  r.location = urls.Order(order.id);
  return r;
}

Result<WebFrontEnd::Reply> WebFrontEnd::Order(const http::Request& req, const Urls& urls,
                                              const std::string& id) {
  SIGNET_ASSIGN_OR_RETURN(AuthenticatedRequest ar, Authenticate(req, urls, KeyMode::kKid));
  SIGNET_RETURN_IF_ERROR(RequirePostAsGet(ar));
  SIGNET_ASSIGN_OR_RETURN(acme::Order order, ra_.GetOrder(id));
  SIGNET_RETURN_IF_ERROR(RequireOwner(ar, order.account_id));
  Reply r = Reply::Json(200, RenderOrder(order, urls));
  r.location = urls.Order(order.id);
  if (order.status == ObjStatus::kProcessing) r.retry_after = 1;
  return r;
}

Result<WebFrontEnd::Reply> WebFrontEnd::Finalize(const http::Request& req, const Urls& urls,
                                                 const std::string& id) {
  SIGNET_ASSIGN_OR_RETURN(AuthenticatedRequest ar, Authenticate(req, urls, KeyMode::kKid));
  SIGNET_ASSIGN_OR_RETURN(json::object payload, PayloadObject(ar));
  const json::value* csr = payload.if_contains("csr");
  if (!csr || !csr->is_string())
    return Error(ErrorCode::kMalformed, "finalize request must contain a \"csr\" string");
  auto der = Base64UrlDecode(csr->get_string());
  if (!der.ok()) return Error(ErrorCode::kBadCsr, "CSR is not valid base64url");
  SIGNET_ASSIGN_OR_RETURN(acme::Order order, ra_.Finalize(*ar.account, id, *der));
  Reply r = Reply::Json(200, RenderOrder(order, urls));
  r.location = urls.Order(order.id);
  if (order.status == ObjStatus::kProcessing) r.retry_after = 1;
  return r;
}

Result<WebFrontEnd::Reply> WebFrontEnd::Authorization(const http::Request& req, const Urls& urls,
                                                      const std::string& id) {
  SIGNET_ASSIGN_OR_RETURN(AuthenticatedRequest ar, Authenticate(req, urls, KeyMode::kKid));
  SIGNET_ASSIGN_OR_RETURN(acme::Authorization authz, ra_.GetAuthorization(id));
  SIGNET_RETURN_IF_ERROR(RequireOwner(ar, authz.account_id));
  if (!ar.jws.payload.empty()) {
    SIGNET_ASSIGN_OR_RETURN(json::object payload, PayloadObject(ar));
    const json::value* s = payload.if_contains("status");
    if (!s || !s->is_string() || s->get_string() != "deactivated")
      return Error(ErrorCode::kMalformed, "the only status a client may set is \"deactivated\"");
    SIGNET_ASSIGN_OR_RETURN(authz, ra_.DeactivateAuthorization(*ar.account, id));
  }
  Reply r = Reply::Json(200, RenderAuthorization(authz, urls, ChallengeContextOf(authz)));
  r.location = urls.Authz(authz.id);
  return r;
}

Result<WebFrontEnd::Reply> WebFrontEnd::Challenge(const http::Request& req, const Urls& urls,
                                                  const std::string& ids) {
  size_t slash = ids.find('/');
  if (slash == std::string::npos) return Error(ErrorCode::kNotFound, "No such challenge");
  std::string authz_id = ids.substr(0, slash), chall_id = ids.substr(slash + 1);
  SIGNET_ASSIGN_OR_RETURN(AuthenticatedRequest ar, Authenticate(req, urls, KeyMode::kKid));
  SIGNET_ASSIGN_OR_RETURN(acme::Authorization authz, ra_.GetAuthorization(authz_id));
  SIGNET_RETURN_IF_ERROR(RequireOwner(ar, authz.account_id));
  std::optional<acme::Challenge> chall;
  if (ar.jws.payload.empty()) {  // POST-as-GET
    const acme::Challenge* found = authz.FindChallenge(chall_id);
    if (!found) return Error(ErrorCode::kNotFound, "No such challenge");
    chall = *found;
  } else {
    SIGNET_ASSIGN_OR_RETURN(json::object payload, PayloadObject(ar));
    SIGNET_ASSIGN_OR_RETURN(chall, ra_.StartChallenge(*ar.account, authz_id, chall_id));
  }
  Reply r = Reply::Json(200, RenderChallenge(*chall, authz_id, urls, ChallengeContextOf(authz)));
  r.location = urls.Challenge(authz_id, chall->id);
  r.links.push_back("<" + urls.Authz(authz_id) + ">;rel=\"up\"");
  // Still processing (the validation outlasted the RA's answer wait): lego
  // polls after Retry-After, or 5 s without one; certbot and uacme ignore
  // it here. Not on authorizations, which signet's agent polls at 50 ms.
  if (chall->status == ObjStatus::kProcessing) r.retry_after = 1;
  return r;
}

// RFC 8555 7.4.2: /acme/cert/SERIAL is the default chain (leaf + the
// intermediate signed by root.pem), /acme/cert/SERIAL/alternate/N (N = 1...)
// the alternate ones; each links every other with rel="alternate".
Result<WebFrontEnd::Reply> WebFrontEnd::Certificate(const http::Request& req, const Urls& urls,
                                                    const std::string& path) {
  SIGNET_ASSIGN_OR_RETURN(AuthenticatedRequest ar, Authenticate(req, urls, KeyMode::kKid));
  SIGNET_RETURN_IF_ERROR(RequirePostAsGet(ar));
  SIGNET_ASSIGN_OR_RETURN(CertificatePath where,
                          ParseCertificatePath(path, config_.alternate_issuer_chains.size()));
  SIGNET_ASSIGN_OR_RETURN(acme::CertificateRecord cert, ra_.GetCertificate(where.serial));
  SIGNET_RETURN_IF_ERROR(RequireOwner(ar, cert.account_id));
  const std::string& issuers = where.chain == 0 ? config_.issuer_chain_pem
                                                : config_.alternate_issuer_chains[where.chain - 1];
  Reply r = Reply::Raw(200, "application/pem-certificate-chain",
                       pki::CertDerToPem(cert.der) + issuers);
  r.links.push_back("<" + urls.IssuerCert() + ">;rel=\"up\"");
  for (size_t i = 0; i <= config_.alternate_issuer_chains.size(); ++i)
    if (i != where.chain)
      r.links.push_back("<" + urls.CertificateChain(where.serial, i) + ">;rel=\"alternate\"");
  return r;
}

Result<WebFrontEnd::Reply> WebFrontEnd::RevokeCert(const http::Request& req, const Urls& urls,
                                                   const std::string&) {
  SIGNET_ASSIGN_OR_RETURN(AuthenticatedRequest ar, Authenticate(req, urls, KeyMode::kEither));
  SIGNET_ASSIGN_OR_RETURN(json::object payload, PayloadObject(ar));
  const json::value* cert = payload.if_contains("certificate");
  if (!cert || !cert->is_string())
    return Error(ErrorCode::kMalformed, "revocation request must contain a \"certificate\" string");
  auto der = Base64UrlDecode(cert->get_string());
  if (!der.ok()) return Error(ErrorCode::kMalformed, "certificate is not valid base64url");
  int reason = 0;
  if (const json::value* r = payload.if_contains("reason")) {
    if (!r->is_int64()) return Error(ErrorCode::kBadRevocationReason, "reason must be an integer");
    reason = int(r->get_int64());
  }
  if (ar.account) {
    SIGNET_RETURN_IF_ERROR(ra_.RevokeCertificate(*der, reason, &*ar.account, nullptr));
  } else {
    SIGNET_RETURN_IF_ERROR(ra_.RevokeCertificate(*der, reason, nullptr, &ar.key));
  }
  return Reply::Raw(200, "", "");
}

}  // namespace signet::ca
