// nginx configuration files, which the nginx installer reads and edits: a
// file the operator (or another program) wrote is input too. Parses, then
// applies the installer's edits to the server blocks found and parses the
// result again: an edit must never turn a valid file into an invalid one.
//
// Only the first kServersEdited server blocks are edited. Each edit reads
// its own block and the bytes around it, and the installer edits one block
// at a time, so two blocks (one before the other) reach what a file of any
// number does; editing all of them cost 1 + 5 x blocks parses an input, and
// the corpus grew inputs of ~30 blocks that ran at a quarter of the rate.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "client/nginx/edits.h"
#include "client/nginx/parser.h"

namespace {

using signet::client::nginx::Directive;

constexpr int kServersEdited = 2;

// Edits the server blocks in `list` (and in blocks within it) while
// `budget` lasts.
void EditServers(const std::string& text, const std::vector<Directive>& list, int& budget) {
  namespace n = signet::client::nginx;
  for (const Directive& d : list) {
    if (budget == 0) return;
    if (!d.is_block) continue;
    if (d.name() != "server") {
      EditServers(text, d.children, budget);
      continue;
    }
    --budget;
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
  int budget = kServersEdited;
  if (parsed.ok()) EditServers(text, *parsed, budget);
  return 0;
}
