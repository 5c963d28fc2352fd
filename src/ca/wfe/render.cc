#include "ca/wfe/render.h"

#include <ctime>

#include <boost/json.hpp>

#include "acme/challenge_types.h"
#include "ca/wfe/problem.h"

namespace signet::ca {
namespace json = boost::json;

std::string Rfc3339(acme::TimePoint t) {
  std::time_t tt = acme::Clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

json::object RenderAccount(const acme::Account& a, const Urls& urls) {
  json::array contacts;
  for (const auto& c : a.contacts) contacts.emplace_back(c);
  json::object o{{"status", std::string(acme::StatusName(a.status))},
                 {"orders", urls.Orders(a.id)},
                 {"createdAt", Rfc3339(a.created_at)}};
  boost::system::error_code ec;
  json::value key = json::parse(a.jwk_json, ec);
  if (!ec) o["key"] = std::move(key);
  if (!contacts.empty()) o["contact"] = std::move(contacts);
  if (a.tos_agreed) o["termsOfServiceAgreed"] = true;
  return o;
}

json::object RenderOrder(const acme::Order& o, const Urls& urls) {
  json::array ids, authzs;
  for (const auto& id : o.identifiers) ids.push_back(json::object{{"type", id.type}, {"value", id.value}});
  for (const auto& a : o.authorization_ids) authzs.emplace_back(urls.Authz(a));
  json::object out{{"status", std::string(acme::StatusName(o.status))},
                   {"expires", Rfc3339(o.expires)},
                   {"identifiers", std::move(ids)},
                   {"authorizations", std::move(authzs)},
                   {"finalize", urls.Finalize(o.id)}};
  if (o.not_before) out["notBefore"] = Rfc3339(*o.not_before);
  if (o.not_after) out["notAfter"] = Rfc3339(*o.not_after);
  if (o.error) out["error"] = ProblemJson(*o.error);
  if (o.status == acme::ObjStatus::kValid && !o.certificate_serial.empty())
    out["certificate"] = urls.Certificate(o.certificate_serial);
  if (!o.profile.empty()) out["profile"] = o.profile;
  if (!o.replaces.empty()) out["replaces"] = o.replaces;  // RFC 9773 5
  return out;
}

json::object RenderRenewalInfo(acme::TimePoint start, acme::TimePoint end,
                               const std::string& explanation_url) {
  json::object window{{"start", Rfc3339(start)}, {"end", Rfc3339(end)}};
  json::object out{{"suggestedWindow", std::move(window)}};
  if (!explanation_url.empty()) out["explanationURL"] = explanation_url;
  return out;
}

json::object RenderChallenge(const acme::Challenge& c, const std::string& authz_id,
                             const Urls& urls, const ChallengeContext& context) {
  json::object out{{"type", c.type},
                   {"url", urls.Challenge(authz_id, c.id)},
                   {"status", std::string(acme::StatusName(c.status))}};
  const acme::ChallengeType* type = acme::FindChallengeType(c.type);
  if (!type || type->uses_token) out["token"] = c.token;
  if (c.type == acme::kDnsPersist01) {
    json::array names;
    for (const auto& n : context.issuer_domain_names) names.emplace_back(n);
    out["issuer-domain-names"] = std::move(names);
    out["accounturi"] = context.account_url;
  }
  if (c.validated_at) out["validated"] = Rfc3339(*c.validated_at);
  if (c.error) out["error"] = ProblemJson(*c.error);
  if (!c.records.empty()) {
    json::array recs;
    for (const auto& r : c.records) {
      json::array resolved;
      for (const auto& a : r.addresses_resolved) resolved.emplace_back(a);
      recs.push_back(json::object{{"url", r.url},
                                  {"hostname", r.hostname},
                                  {"port", r.port},
                                  {"addressesResolved", std::move(resolved)},
                                  {"addressUsed", r.address_used}});
    }
    out["validationRecord"] = std::move(recs);
  }
  return out;
}

json::object RenderAuthorization(const acme::Authorization& a, const Urls& urls,
                                 const ChallengeContext& context) {
  json::array challs;
  for (const auto& c : a.challenges) challs.push_back(RenderChallenge(c, a.id, urls, context));
  json::object out{{"identifier", json::object{{"type", a.identifier.type},
                                               {"value", a.identifier.value}}},
                   {"status", std::string(acme::StatusName(a.status))},
                   {"expires", Rfc3339(a.expires)},
                   {"challenges", std::move(challs)}};
  if (a.wildcard) out["wildcard"] = true;
  return out;
}

}  // namespace signet::ca
