// Paused clients (ca/ra/pausing.h): the account holder unpauses by a POST,
// signed with the account's key (kid), to /acme/unpause/ACCOUNT-ID, the URL
// a refused newOrder names. The payload is empty (POST-as-GET) or a JSON
// object; the answer lists the identifiers unpaused.
#include <boost/json.hpp>

#include "ca/wfe/reply.h"
#include "ca/wfe/wfe.h"

namespace signet::ca {
namespace json = boost::json;

Result<WebFrontEnd::Reply> WebFrontEnd::Unpause(const http::Request& req, const Urls& urls,
                                                const std::string& account_id) {
  SIGNET_ASSIGN_OR_RETURN(AuthenticatedRequest ar, Authenticate(req, urls, KeyMode::kKid));
  if (!ar.jws.payload.empty()) {
    auto payload = PayloadObject(ar);
    if (!payload.ok()) return std::move(payload).error();
  }
  SIGNET_ASSIGN_OR_RETURN(std::vector<acme::Identifier> unpaused,
                          ra_.Unpause(*ar.account, account_id));
  json::array ids;
  for (const acme::Identifier& id : unpaused)
    ids.push_back(json::object{{"type", id.type}, {"value", id.value}});
  Reply r = Reply::Json(200, json::object{{"account", urls.Account(account_id)},
                                          {"unpaused", std::move(ids)}});
  r.links.push_back("<" + urls.Account(account_id) + ">;rel=\"up\"");
  return r;
}

}  // namespace signet::ca
