#include "client/acme/resources.h"

namespace signet::client {
namespace json = boost::json;

namespace {

// Reads members of one resource; the first missing required one is kept as
// the error.
class Reader {
 public:
  Reader(const json::object& o, std::string what, const std::string& url)
      : o_(o), what_(std::move(what)), url_(url) {}

  std::string Str(std::string_view key, bool required = true) {
    const json::value* v = o_.if_contains(key);
    if (v && v->is_string()) return std::string(v->get_string());
    if (required || v) Fail(key, "a string");
    return "";
  }
  bool Bool(std::string_view key) {
    const json::value* v = o_.if_contains(key);
    if (v && !v->is_bool()) Fail(key, "a boolean");
    return v && v->is_bool() && v->get_bool();
  }
  std::vector<std::string> Strings(std::string_view key, bool required = true) {
    std::vector<std::string> out;
    const json::value* v = o_.if_contains(key);
    if (!v) {
      if (required) Fail(key, "an array of strings");
      return out;
    }
    const json::array* a = v->if_array();
    if (!a) {
      Fail(key, "an array of strings");
      return out;
    }
    for (const json::value& e : *a) {
      if (!e.is_string())
        Fail(key, "an array of strings");
      else
        out.emplace_back(e.get_string());
    }
    return out;
  }
  const json::object* Object(std::string_view key) {
    const json::value* v = o_.if_contains(key);
    if (v && v->is_object()) return &v->get_object();
    if (v) Fail(key, "an object");
    return nullptr;
  }
  const json::array* Array(std::string_view key) {
    const json::value* v = o_.if_contains(key);
    if (v && v->is_array()) return &v->get_array();
    Fail(key, "an array");
    return nullptr;
  }
  std::optional<Problem> ErrorMember() {
    const json::object* e = Object("error");
    return e ? ParseProblem(*e) : std::nullopt;
  }
  void Fail(std::string_view key, std::string_view expected) {
    if (error_) return;
    error_ = Error(ErrorCode::kServerInternal, "the " + what_ + " at " + url_ + " has no valid \"" +
                                                   std::string(key) + "\" (" +
                                                   std::string(expected) + " expected)");
  }
  const std::optional<Error>& error() const { return error_; }

 private:
  const json::object& o_;
  std::string what_;
  const std::string& url_;
  std::optional<Error> error_;
};

Identifier ReadIdentifier(Reader& r, const json::object* o, const std::string& url) {
  if (!o) {
    r.Fail("identifier", "an object");
    return {};
  }
  Reader ir(*o, "identifier", url);
  Identifier id{ir.Str("type"), ir.Str("value")};
  if (ir.error()) r.Fail("identifier", "an object with type and value");
  return id;
}

}  // namespace

const Challenge* Authorization::FindChallenge(std::string_view type) const {
  for (const Challenge& c : challenges)
    if (c.type == type) return &c;
  return nullptr;
}

Result<Directory> ParseDirectory(const json::object& o, const std::string& url) {
  Reader r(o, "directory", url);
  Directory d;
  d.url = url;
  d.new_nonce = r.Str("newNonce");
  d.new_account = r.Str("newAccount");
  d.new_order = r.Str("newOrder");
  d.revoke_cert = r.Str("revokeCert", false);
  d.key_change = r.Str("keyChange", false);
  d.renewal_info = r.Str("renewalInfo", false);
  if (const json::object* meta = r.Object("meta")) {
    Reader m(*meta, "directory meta", url);
    d.terms_of_service = m.Str("termsOfService", false);
    d.website = m.Str("website", false);
    d.caa_identities = m.Strings("caaIdentities", false);
    d.external_account_required = m.Bool("externalAccountRequired");
    if (const json::object* profiles = m.Object("profiles")) {
      for (const auto& [name, description] : *profiles)
        d.profiles[std::string(name)] =
            description.is_string() ? std::string(description.get_string()) : "";
    }
    if (m.error()) return *m.error();
  }
  if (r.error()) return *r.error();
  d.raw = o;
  return d;
}

Result<Account> ParseAccount(const json::object& o, const std::string& url) {
  Reader r(o, "account", url);
  Account a;
  a.url = url;
  a.status = r.Str("status");
  a.contacts = r.Strings("contact", false);
  a.orders_url = r.Str("orders", false);
  if (r.error()) return *r.error();
  a.raw = o;
  return a;
}

Result<Challenge> ParseChallenge(const json::object& o, const std::string& url) {
  Reader r(o, "challenge", url);
  Challenge c;
  c.type = r.Str("type");
  c.url = r.Str("url");
  c.status = r.Str("status");
  c.token = r.Str("token", false);
  c.issuer_domain_names = r.Strings("issuer-domain-names", false);
  c.error = r.ErrorMember();
  if (r.error()) return *r.error();
  return c;
}

Result<Authorization> ParseAuthorization(const json::object& o, const std::string& url) {
  Reader r(o, "authorization", url);
  Authorization a;
  a.url = url;
  a.identifier = ReadIdentifier(r, r.Object("identifier"), url);
  a.status = r.Str("status");
  a.expires = r.Str("expires", false);
  a.wildcard = r.Bool("wildcard");
  if (const json::array* challenges = r.Array("challenges")) {
    for (const json::value& v : *challenges) {
      if (!v.is_object()) {
        r.Fail("challenges", "an array of objects");
        continue;
      }
      SIGNET_ASSIGN_OR_RETURN(Challenge c, ParseChallenge(v.get_object(), url));
      a.challenges.push_back(std::move(c));
    }
  }
  if (r.error()) return *r.error();
  a.raw = o;
  return a;
}

Result<Order> ParseOrder(const json::object& o, const std::string& url) {
  Reader r(o, "order", url);
  Order order;
  order.url = url;
  order.status = r.Str("status");
  order.expires = r.Str("expires", false);
  if (const json::array* ids = r.Array("identifiers")) {
    for (const json::value& v : *ids)
      order.identifiers.push_back(ReadIdentifier(r, v.if_object(), url));
  }
  order.authorizations = r.Strings("authorizations");
  order.finalize_url = r.Str("finalize");
  order.certificate_url = r.Str("certificate", false);
  order.error = r.ErrorMember();
  if (r.error()) return *r.error();
  order.raw = o;
  return order;
}

}  // namespace signet::client
