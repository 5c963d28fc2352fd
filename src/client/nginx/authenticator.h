// certbot's nginx plugin as an authenticator: answers HTTP-01 through the
// running nginx. Each name's server block on the HTTP port gets an exact
// `location = /.well-known/acme-challenge/TOKEN` returning the key
// authorization, after a `rewrite ... break` that keeps a redirect's
// server-level `return 301` from answering first (the TLS block for the
// name gets the location too, for a CA that follows the redirect); a name no block answers gets a server block of its own in
// WORK_DIR/le_http_01_cert_challenge.conf, included from the http block
// (certbot's file). nginx is checked and reloaded; Cleanup restores every
// file byte for byte and reloads again. Nothing is checkpointed: the change
// lives only while the CA validates.
#pragma once

#include <memory>
#include <vector>

#include "client/nginx/installer.h"
#include "client/solvers/solver.h"

namespace signet::client::nginx {

inline constexpr const char* kChallengeConfName = "le_http_01_cert_challenge.conf";

class NginxAuthenticator : public Solver {
 public:
  NginxAuthenticator(NginxSettings settings, LogFn log)
      : s_(std::move(settings)), log_(std::move(log)) {}

  Status Perform(const std::vector<ChallengeSpec>& challenges) override;
  void Cleanup(const std::vector<ChallengeSpec>& challenges) override;

 private:
  Status Stage(NginxTransaction& t, const ChallengeSpec& c, std::string& own_blocks);
  Status IncludeOwnBlocks(NginxTransaction& t, const std::string& own_blocks);
  void AddLocation(NginxTransaction& t, const NginxConfig& cfg, const ServerBlock& server,
                   const ChallengeSpec& c);

  NginxSettings s_;
  LogFn log_;
  std::unique_ptr<NginxTransaction> t_;
};

}  // namespace signet::client::nginx
