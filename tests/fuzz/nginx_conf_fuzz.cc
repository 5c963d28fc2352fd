// nginx configuration files, which the nginx installer reads and edits: a
// file the operator (or another program) wrote is input too. Parses, then
// applies the installer's edits to every server block found and parses the
// result again: an edit must never turn a valid file into an invalid one.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "client/nginx/edits.h"
#include "client/nginx/parser.h"

namespace {

using signet::client::nginx::Directive;

void EditServers(const std::string& text, const std::vector<Directive>& list) {
  namespace n = signet::client::nginx;
  for (const Directive& d : list) {
    if (!d.is_block) continue;
    if (d.name() != "server") {
      EditServers(text, d.children);
      continue;
    }
    n::ServerBlock s;
    for (const auto& c : d.children) {
      if (c.name() == "listen") s.listens.push_back(n::ParseListen(c.args()));
      if (c.name() == "server_name") s.names = c.args();
    }
    n::TlsDeploy tls;
    tls.fullchain = "/etc/le/live/a b/fullchain.pem";
    tls.key = "/etc/le/live/a;b/privkey.pem";
    tls.options_conf = "/etc/le/options-ssl-nginx.conf";
    tls.dhparams = "/etc/le/ssl-dhparams.pem";
    for (const auto& edits :
         {n::DeployEdits(text, d, s, tls), n::RedirectEdits(text, d, s, "a.example.test", 80),
          n::RedirectEdits(text, d, s, "*.example.test", 80), n::HstsEdits(text, d),
          n::DuplicateForName(text, d, "b.example.test")}) {
      std::string out = n::ApplyEdits(text, edits);
      if (!n::ParseConfig(out).ok()) std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto parsed = signet::client::nginx::ParseConfig(text);
  if (parsed.ok()) EditServers(text, *parsed);
  return 0;
}
