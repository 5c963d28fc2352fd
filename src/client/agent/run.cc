// run (certbot's default verb): obtain or keep, then install.
#include <set>

#include "client/agent/installer.h"

namespace signet::client {
namespace {

// certbot's plugins that authenticate but do not install.
bool AuthenticatorOnly(const std::string& name) {
  static const std::set<std::string> kOnly = {"standalone", "webroot", "manual", "dns-rfc2136"};
  return kOnly.count(name) > 0;
}

}  // namespace

int Run(const AgentOptions& o, InstallerFactory factory) {
  Output out(o.quiet, o.verbose, o.json);
  if (o.installer.empty()) {
    if (AuthenticatorOnly(o.authenticator))
      return out.Fail("With the " + o.authenticator + " plugin, you probably want to use the "
                      "\"certonly\" command, eg: signet certonly --" + o.authenticator +
                      " (Alternatively, add a --installer flag.)"),
             1;
    return out.Fail("Signet doesn't know how to automatically configure the web server on this "
                    "system. However, it can still get a certificate for you. Please run "
                    "\"signet certonly\" to do so. You'll need to manually configure your web "
                    "server to use the resulting certificate."),
           1;
  }
  Result<std::unique_ptr<Installer>> installer =
      factory ? factory(o.installer, o) : Result<std::unique_ptr<Installer>>(nullptr);
  // Installer failures are one plain line (nginx's own messages say what to fix).
  if (!installer.ok()) return out.Fail(o.installer + " installer: " + installer.error().detail), 1;
  if (!*installer)
    return out.Fail("The requested " + o.installer + " plugin does not appear to be installed"), 1;
  std::vector<RunOutcome> outcomes;
  int rc = ObtainCertificates(o, out, outcomes);
  if (rc != 0 || o.dry_run) return rc;
  for (const auto& r : outcomes) {
    if (r.kind == RunOutcome::kFailed || r.name.empty()) continue;
    Status s = (*installer)->Install(r.name, r.domains, out);
    if (!s.ok())
      return out.Fail("could not install the certificate " + r.name + ": " + s.error().detail), 1;
  }
  return 0;
}

}  // namespace signet::client
