// Account key rollover (RFC 8555 7.3.5) and the account's orders list
// (7.1.2.1), one check per function.
#include <charconv>

#include <boost/json.hpp>

#include "ca/wfe/problem.h"
#include "ca/wfe/reply.h"
#include "ca/wfe/wfe.h"
#include "jose/jwk.h"

namespace signet::ca {
namespace json = boost::json;

namespace {

Error Malformed(std::string detail) { return Error(ErrorCode::kMalformed, std::move(detail)); }
Error Unauthorized(std::string detail) {
  return Error(ErrorCode::kUnauthorized, std::move(detail));
}

// The outer payload is the inner JWS, in the flattened serialization.
Result<jose::ParsedJws> ParseInnerJws(const std::string& payload) {
  Result<jose::ParsedJws> inner = jose::ParseFlattened(payload);
  if (!inner.ok())
    return Malformed("the keyChange payload must be a JWS signed by the new key: " +
                     inner.error().detail);
  return inner;
}

// RFC 8555 7.3.5: the new key in "jwk", no "kid", no "nonce", and the url of
// the outer JWS.
Status CheckInnerHeader(const jose::ParsedJws& inner, const std::string& outer_url) {
  if (!inner.jwk)
    return Malformed("the inner JWS must carry the new key as \"jwk\" in its protected header");
  if (inner.header.contains("kid"))
    return Malformed("the inner JWS must not contain \"kid\"; it is signed by the new key (\"jwk\")");
  if (inner.header.contains("nonce"))
    return Malformed("the inner JWS must not contain a \"nonce\"; only the outer JWS carries one");
  if (!inner.header.contains("url"))
    return Malformed("the inner JWS must contain \"url\", the same as the outer JWS's");
  if (inner.url != outer_url)
    return Malformed("the inner JWS \"url\" \"" + inner.url + "\" differs from the outer JWS's \"" +
                     outer_url + "\"");
  return OkStatus();
}

// The new key, and the inner signature made with it.
Result<crypto::Key> VerifyInnerJws(const jose::ParsedJws& inner) {
  Result<crypto::Key> key = jose::KeyFromJwk(*inner.jwk);
  if (!key.ok()) {
    Error e = key.error();
    e.detail = "the new key (inner \"jwk\"): " + e.detail;
    return e;
  }
  Status verified = jose::Verify(inner, *key);
  if (!verified.ok()) {
    Error e = verified.error();
    e.detail = "the inner JWS, signed by the new key: " + e.detail;
    return e;
  }
  return key;
}

// The keyChange object: {"account": URL, "oldKey": JWK}.
struct KeyChangeObject {
  std::string account;
  json::object old_key;
};

Result<KeyChangeObject> ParseKeyChangeObject(const std::string& payload) {
  boost::system::error_code ec;
  json::value v = json::parse(payload, ec);
  const json::object* o = ec ? nullptr : v.if_object();
  if (!o) return Malformed("the inner JWS payload must be a JSON object with account and oldKey");
  const json::value* account = o->if_contains("account");
  const json::value* old_key = o->if_contains("oldKey");
  if (!account || !account->is_string())
    return Malformed("the inner JWS payload must contain \"account\", the account URL");
  if (!old_key || !old_key->is_object())
    return Malformed("the inner JWS payload must contain \"oldKey\", the account's current JWK");
  return KeyChangeObject{std::string(account->get_string()), old_key->get_object()};
}

// RFC 8555 7.3.5: "account" is the outer kid; "oldKey" the account's key.
Status CheckKeyChangeObject(const KeyChangeObject& change, const AuthenticatedRequest& outer) {
  if (change.account != outer.jws.kid)
    return Unauthorized("the keyChange \"account\" \"" + change.account +
                        "\" is not the account that signed the request (\"" + outer.jws.kid +
                        "\")");
  Result<crypto::Key> old_key = jose::KeyFromJwk(change.old_key);
  if (!old_key.ok())
    return Malformed("the keyChange \"oldKey\" is not a valid public JWK: " +
                     old_key.error().detail);
  if (jose::Thumbprint(*old_key) != outer.thumbprint)
    return Unauthorized("the keyChange \"oldKey\" is not the account's current key");
  return OkStatus();
}

// 409 Conflict with the account that has the key (RFC 8555 7.3.5).
WebFrontEnd::Reply KeyInUse(const std::string& holder_url) {
  Error e(ErrorCode::kMalformed,
          "the new key is already the key of another account (in the Location header); "
          "choose a key no account has");
  json::object doc = ProblemJson(e);
  doc["status"] = 409;
  WebFrontEnd::Reply r = WebFrontEnd::Reply::Raw(409, "application/problem+json",
                                                 json::serialize(doc));
  r.location = holder_url;
  return r;
}

// Orders-list cursors: "CREATED.ID", CREATED in unix seconds, ID the order's
// id (base64url): the last order of the page before.
std::string EncodeCursor(const storage::OrderCursor& c) {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(c.created_at.time_since_epoch());
  return std::to_string(seconds.count()) + "." + c.id;
}

Result<std::optional<storage::OrderCursor>> ParseCursor(std::string_view target) {
  size_t q = target.find('?');
  if (q == std::string_view::npos) return std::optional<storage::OrderCursor>();
  std::string_view query = target.substr(q + 1);
  std::string_view value;
  bool found = false;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view param = query.substr(0, amp);
    if (param.starts_with("cursor=")) {
      value = param.substr(7);
      found = true;
    }
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
  }
  if (!found) return std::optional<storage::OrderCursor>();
  Error bad = Malformed("orders cursor \"" + std::string(value.substr(0, 128)) +
                        "\" is not one this CA gave; start again from the account's orders URL");
  size_t dot = value.find('.');
  if (dot == std::string_view::npos || dot == 0) return bad;
  int64_t seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + dot, seconds);
  std::string_view id = value.substr(dot + 1);
  if (ec != std::errc() || end != value.data() + dot || seconds < 0 || id.empty() ||
      id.size() > 64 || id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                             "0123456789-_") != std::string_view::npos)
    return bad;
  return std::optional<storage::OrderCursor>(
      storage::OrderCursor{acme::TimePoint(std::chrono::seconds(seconds)), std::string(id)});
}

}  // namespace

Result<WebFrontEnd::Reply> WebFrontEnd::KeyChange(const http::Request& req, const Urls& urls,
                                                  const std::string&) {
  SIGNET_ASSIGN_OR_RETURN(AuthenticatedRequest ar, Authenticate(req, urls, KeyMode::kKid));
  SIGNET_ASSIGN_OR_RETURN(jose::ParsedJws inner, ParseInnerJws(ar.jws.payload));
  SIGNET_RETURN_IF_ERROR(CheckInnerHeader(inner, ar.jws.url));
  SIGNET_ASSIGN_OR_RETURN(crypto::Key new_key, VerifyInnerJws(inner));
  SIGNET_ASSIGN_OR_RETURN(KeyChangeObject change, ParseKeyChangeObject(inner.payload));
  SIGNET_RETURN_IF_ERROR(CheckKeyChangeObject(change, ar));
  SIGNET_ASSIGN_OR_RETURN(RegistrationAuthority::KeyChange done,
                          ra_.ChangeAccountKey(*ar.account, new_key));
  if (!done.key_holder_id.empty()) return KeyInUse(urls.Account(done.key_holder_id));
  auth_.ForgetKey(ar.thumbprint);
  Reply r = Reply::Json(200, RenderAccount(done.account, urls));
  r.location = urls.Account(done.account.id);
  return r;
}

Result<WebFrontEnd::Reply> WebFrontEnd::AccountOrders(const http::Request& req, const Urls& urls,
                                                      const std::string& account_id) {
  // The JWS "url" is the URL requested, cursor included (RFC 8555 6.4).
  SIGNET_ASSIGN_OR_RETURN(AuthenticatedRequest ar,
                          auth_.Authenticate(req, urls.base + req.target, urls.AccountPrefix(),
                                             KeyMode::kKid));
  if (!ar.jws.payload.empty())
    return Malformed("POST-as-GET requests must have an empty payload");
  if (ar.account->id != account_id)
    return Unauthorized("only the account itself may list its orders");
  SIGNET_ASSIGN_OR_RETURN(std::optional<storage::OrderCursor> cursor, ParseCursor(req.target));
  SIGNET_ASSIGN_OR_RETURN(storage::OrderPage page,
                          ra_.ListOrders(*ar.account, cursor, config_.orders_per_page));
  json::array orders;
  for (const std::string& id : page.order_ids) orders.emplace_back(urls.Order(id));
  Reply r = Reply::Json(200, json::object{{"orders", std::move(orders)}});
  if (page.next)
    r.links.push_back("<" + urls.Orders(account_id) + "?cursor=" + EncodeCursor(*page.next) +
                      ">;rel=\"next\"");
  return r;
}

}  // namespace signet::ca
