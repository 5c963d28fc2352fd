// register, update_account, unregister, show_account (RFC 8555 7.3).
#include "client/agent/account_rollover.h"
#include "client/agent/commands.h"
#include "client/agent/session.h"

namespace signet::client {

int Register(const AgentOptions& o) {
  Output out(o.quiet, o.verbose);
  {
    auto existing = Session::Open(o, o.server, out, false);
    if (existing.ok())
      return out.Fail("There is an existing account; registration of a duplicate account is not "
                      "allowed."),
             1;
  }
  auto session = Session::Open(o, o.server, out, true);
  if (!session.ok()) return out.Fail("registration failed", session.error()), 1;
  return 0;
}

int UpdateAccount(const AgentOptions& o) {
  Output out(o.quiet, o.verbose);
  if (o.email.empty() && !o.new_account_key)
    return out.Fail("update_account needs -m/--email or --new-key"), 1;
  if (!o.new_account_key &&
      (!o.new_key_type.empty() || o.new_rsa_key_size || !o.new_elliptic_curve.empty()))
    return out.Fail("--new-key-type, --new-rsa-key-size and --new-elliptic-curve need --new-key"), 1;
  if (!o.email.empty()) {
    auto session = Session::Open(o, o.server, out, false);
    if (!session.ok()) return out.Fail("account", session.error()), 1;
    auto updated = (*session)->acme().UpdateAccount(ContactsFromEmail(o.email));
    if (!updated.ok()) return out.Fail("update failed", updated.error()), 1;
    out.Step("Your e-mail address was updated to " + o.email + ".");
  }
  return o.new_account_key ? RollOverAccountKey(o, out) : 0;
}

int Unregister(const AgentOptions& o) {
  Output out(o.quiet, o.verbose);
  auto session = Session::Open(o, o.server, out, false);
  if (!session.ok()) return out.Fail("account", session.error()), 1;
  auto deactivated = (*session)->acme().DeactivateAccount();
  if (!deactivated.ok()) return out.Fail("deactivation failed", deactivated.error()), 1;
  Status s = (*session)->accounts().Delete((*session)->account().id());
  if (!s.ok()) return out.Fail("could not remove the local account files", s.error()), 1;
  out.Step("Account deactivated.");
  return 0;
}

int ShowAccount(const AgentOptions& o) {
  Output out(o.quiet, o.verbose);
  auto session = Session::Open(o, o.server, out, false);
  if (!session.ok()) return out.Fail("account", session.error()), 1;
  auto account = (*session)->acme().GetAccount();
  if (!account.ok()) return out.Fail("could not fetch the account", account.error()), 1;
  std::cout << "Account details for server " << o.server << ":\n"
            << "  Account URL: " << account->url << "\n"
            << "  Account status: " << account->status << "\n";
  for (const auto& c : account->contacts)
    std::cout << "  Email contact: " << (c.rfind("mailto:", 0) == 0 ? c.substr(7) : c) << "\n";
  if (account->contacts.empty()) std::cout << "  Email contact: none\n";
  std::cout.flush();
  return 0;
}

}  // namespace signet::client
