// What the agent reads from a CA: directory, orders, authorizations,
// challenges and problem documents.
#include <boost/json.hpp>

#include "client/acme/problem.h"
#include "client/acme/resources.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  boost::system::error_code ec;
  boost::json::value v =
      boost::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec || !v.is_object()) return 0;
  const auto& o = v.get_object();
  using namespace signet::client;
  if (auto p = ParseProblem(o)) (void)DescribeProblem(*p);
  (void)ParseDirectory(o, "https://ca.test/directory");
  (void)ParseAccount(o, "https://ca.test/acct/1");
  (void)ParseOrder(o, "https://ca.test/order/1");
  (void)ParseAuthorization(o, "https://ca.test/authz/1");
  (void)ParseChallenge(o, "https://ca.test/chall/1");
  return 0;
}
