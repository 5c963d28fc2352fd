#include "bench/mock_dns.h"

#include <boost/json/serialize.hpp>

#include "base/base64url.h"
#include "crypto/digest.h"

namespace signet::bench {
namespace json = boost::json;

namespace {
std::string Fqdn(std::string_view name) {
  std::string out(name);
  if (out.empty() || out.back() != '.') out += '.';
  return out;
}
}  // namespace

std::string Dns01TxtValue(std::string_view key_authorization) {
  return Base64UrlEncode(crypto::Sha256(key_authorization));
}

std::string Dns01RecordName(std::string_view name) { return "_acme-challenge." + Fqdn(name); }

std::string SetTxtBody(std::string_view host, std::string_view value) {
  return json::serialize(json::object{{"host", host}, {"value", value}});
}

std::string HostBody(std::string_view host) {
  return json::serialize(json::object{{"host", host}});
}

std::string AddCaaBody(std::string_view domain, std::string_view issuer) {
  json::array policies{json::object{{"tag", "issue"}, {"value", issuer}}};
  return json::serialize(json::object{{"host", Fqdn(domain)}, {"policies", std::move(policies)}});
}

}  // namespace signet::bench
