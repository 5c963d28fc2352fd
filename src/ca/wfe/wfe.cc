// Routing, the unauthenticated resources, and the response envelope.
#include "ca/wfe/wfe.h"

#include <boost/json.hpp>

#include "ca/wfe/problem.h"
#include "ca/wfe/reply.h"

namespace signet::ca {
namespace json = boost::json;

namespace {

// The account the request being handled on this thread authenticated as,
// for the access log: Handle() points it at its local, Authenticate() fills
// it. Handlers run synchronously on the calling thread, so this needs no
// change to every handler's signature.
thread_local std::string* t_account_id = nullptr;

struct RouteEntry {
  std::string_view prefix;  // exact match unless it ends in '/'
  bool post_only;
  // Answered from memory alone (configuration, the nonce service): no
  // storage, DNS or signing, so it never waits (AnswersAtOnce).
  bool at_once;
  Result<WebFrontEnd::Reply> (WebFrontEnd::*handler)(const http::Request&, const Urls&,
                                                     const std::string&);
};

}  // namespace

// The routes, in order; a friend of WebFrontEnd, for its handlers.
struct RouteTable {
  // The route `path` takes and its argument (the rest of the path after a
  // prefix route); nullptr: no such resource.
  static const RouteEntry* Find(std::string_view path, std::string_view* arg) {
    using W = WebFrontEnd;
    static constexpr RouteEntry kRoutes[] = {
        {"/directory", false, true, &W::Directory},
        {"/acme/new-nonce", false, true, &W::NewNonce},
        {"/acme/new-acct", true, false, &W::NewAccount},
        {"/acme/acct/", true, false, &W::Account},
        {"/acme/new-order", true, false, &W::NewOrder},
        {"/acme/order/", true, false, &W::Order},
        {"/acme/finalize/", true, false, &W::Finalize},
        {"/acme/authz/", true, false, &W::Authorization},
        {"/acme/chall/", true, false, &W::Challenge},
        {"/acme/cert/", true, false, &W::Certificate},
        {"/acme/revoke-cert", true, false, &W::RevokeCert},
        {"/acme/key-change", true, false, &W::KeyChange},
        {"/acme/issuer-cert", false, true, &W::IssuerCert},
        {"/acme/root", false, true, &W::Root},
        {"/acme/renewal-info/", false, false, &W::RenewalInfo},
        {"/acme/unpause/", true, false, &W::Unpause},
    };
    for (const RouteEntry& r : kRoutes) {
      bool prefix = r.prefix.back() == '/';
      if (prefix ? !path.starts_with(r.prefix) : path != r.prefix) continue;
      *arg = path.substr(prefix ? r.prefix.size() : path.size());
      if (prefix && arg->empty()) return nullptr;
      return &r;
    }
    return nullptr;
  }
};

Result<WebFrontEnd::Reply> WebFrontEnd::Dispatch(const http::Request& req, const Urls& urls) {
  std::string_view path = req.Path();
  std::string_view arg;
  const RouteEntry* r = RouteTable::Find(path, &arg);
  if (!r) return Error(ErrorCode::kNotFound, "No such resource: " + std::string(path));
  if (r->post_only && req.method != "POST")
    return Error(ErrorCode::kMethodNotAllowed, "Method not allowed: use POST");
  if (!r->post_only && req.method != "GET" && req.method != "HEAD")
    return Error(ErrorCode::kMethodNotAllowed, "Method not allowed: use GET");
  return (this->*r->handler)(req, urls, std::string(arg));
}

bool WebFrontEnd::AnswersAtOnce(const http::Request& req) {
  std::string_view arg;
  const RouteEntry* r = RouteTable::Find(req.Path(), &arg);
  return !r || r->at_once;
}

http::Response WebFrontEnd::Handle(const http::Request& req) {
  Urls urls{(req.tls ? "https://" : "http://") + req.host};
  http::Response res;
  std::string account_id;
  std::string* outer = std::exchange(t_account_id, &account_id);
  Result<Reply> reply = Dispatch(req, urls);
  t_account_id = outer;
  if (reply.ok()) {
    res = std::move(*reply).ToResponse();
    // newAccount (and a key found by onlyReturnExisting): the account is the Location.
    if (account_id.empty() && req.Path() == "/acme/new-acct") {
      std::string_view location = res.Header("Location");
      if (location.starts_with(urls.AccountPrefix()))
        account_id = location.substr(urls.AccountPrefix().size());
    }
  } else {
    const Error& e = reply.error();
    res.status = ProblemStatus(e.code);
    res.Set("Content-Type", "application/problem+json");
    if (e.retry_after_seconds > 0) res.Set("Retry-After", std::to_string(e.retry_after_seconds));
    json::object doc = ProblemJson(e);
    if (e.code == ErrorCode::kBadSignatureAlgorithm) {
      json::array algs;
      for (const auto& a : jose::SupportedAlgs()) algs.emplace_back(a);
      doc["algorithms"] = std::move(algs);
    }
    doc["status"] = res.status;
    res.body = json::serialize(doc);
    res.log_fields.emplace_back("problem", std::string(doc["type"].as_string()));
    // The CA's own faults (storage, signing): the operator's log line says what failed.
    if (res.status >= 500) res.log_fields.emplace_back("detail", e.detail);
  }
  if (!account_id.empty()) res.log_fields.emplace_back("account", account_id);
  // RFC 8555 6.5, 7.2: a fresh nonce on every response to a POST (so
  // clients, and badNonce retries, always have the next one) and from
  // newNonce; nowhere else, so a flood of unauthenticated GETs cannot push
  // real clients' nonces out of the bounded nonce store.
  if (req.method == "POST" || req.Path() == "/acme/new-nonce")
    res.Set("Replay-Nonce", nonces_.Issue());
  res.Add("Link", "<" + urls.Directory() + ">;rel=\"index\"");
  return res;
}

http::Response WebFrontEnd::OversizedRequest(int status, const std::string& reason) {
  http::Response res;
  res.status = status;
  res.Set("Content-Type", "application/problem+json");
  json::object doc{{"type", ProblemType(ErrorCode::kMalformed)},
                   {"detail", reason + "; send a smaller request"},
                   {"status", status}};
  res.body = json::serialize(doc);
  return res;
}

Result<WebFrontEnd::Reply> WebFrontEnd::Directory(const http::Request&, const Urls& urls,
                                                  const std::string&) {
  json::array caa;
  for (const auto& c : config_.caa_identities) caa.emplace_back(c);
  json::object profiles;  // draft-ietf-acme-profiles: name -> description
  for (const Profile& p : ra_.profiles()->all()) profiles[p.name] = p.description;
  json::object meta{{"termsOfService", config_.terms_of_service},
                    {"website", config_.website},
                    {"caaIdentities", std::move(caa)},
                    {"externalAccountRequired", config_.external_account_required},
                    {"profiles", std::move(profiles)}};
  json::object dir{{"newNonce", urls.NewNonce()},   {"newAccount", urls.NewAccount()},
                   {"newOrder", urls.NewOrder()},   {"revokeCert", urls.RevokeCert()},
                   {"keyChange", urls.KeyChange()}, {"renewalInfo", urls.RenewalInfo()},
                   {"meta", std::move(meta)}};
  return Reply::Json(200, dir);
}

Result<WebFrontEnd::Reply> WebFrontEnd::NewNonce(const http::Request& req, const Urls&,
                                                 const std::string&) {
  // RFC 8555 7.2: HEAD answers 200, GET 204; never cached.
  Reply r;
  r.status = req.method == "HEAD" ? 200 : 204;
  r.cache_control = "no-store";
  return r;
}

Result<WebFrontEnd::Reply> WebFrontEnd::IssuerCert(const http::Request&, const Urls&,
                                                   const std::string&) {
  return Reply::Raw(200, "application/pkix-cert", config_.issuer_der);
}

Result<WebFrontEnd::Reply> WebFrontEnd::Root(const http::Request&, const Urls&, const std::string&) {
  return Reply::Raw(200, "application/pem-certificate-chain", config_.root_pem);
}

// RFC 9773 4.2: unauthenticated GET; Retry-After says when to ask again.
Result<WebFrontEnd::Reply> WebFrontEnd::RenewalInfo(const http::Request&, const Urls&,
                                                    const std::string& cert_id) {
  SIGNET_ASSIGN_OR_RETURN(RenewalWindow window, ra_.GetRenewalWindow(cert_id));
  Reply r = Reply::Json(200, RenderRenewalInfo(window.start, window.end, window.explanation_url));
  r.retry_after = kRenewalInfoRetryAfterSeconds;
  return r;
}

Result<AuthenticatedRequest> WebFrontEnd::Authenticate(const http::Request& req, const Urls& urls,
                                                       KeyMode mode) {
  auto ar =
      auth_.Authenticate(req, urls.base + std::string(req.Path()), urls.AccountPrefix(), mode);
  if (ar.ok() && ar->account && t_account_id) *t_account_id = ar->account->id;
  return ar;
}

Result<json::object> WebFrontEnd::PayloadObject(const AuthenticatedRequest& ar) {
  boost::system::error_code ec;
  json::value v = json::parse(ar.jws.payload, ec);
  if (ec || !v.is_object())
    return Error(ErrorCode::kMalformed, "request payload must be a JSON object");
  return std::move(v.get_object());
}

}  // namespace signet::ca
