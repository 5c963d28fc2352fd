#include "client/agent/account_rollover.h"

#include "client/agent/session.h"
#include "client/store/lineage.h"
#include "client/store/lock.h"

namespace signet::client {
namespace {

// Points every renewal conf of this server that names `old_id` at `new_id`
// (certbot's renew loads the conf's account by id). Failures are warnings:
// the account itself has moved already.
void RepointRenewalConfs(const AgentOptions& o, const std::string& old_id,
                         const std::string& new_id, const Output& out) {
  StoreLayout layout(o.config_dir);
  Result<std::string> server_path = ServerPath(o.server);
  for (const std::string& name : Lineage::ListNames(layout)) {
    Result<Lineage> lineage = Lineage::Open(layout, name);
    if (!lineage.ok() || lineage->conf().Param("account") != old_id) continue;
    Result<std::string> conf_server = ServerPath(lineage->conf().Param("server").value_or(""));
    if (!conf_server.ok() || !server_path.ok() || *conf_server != *server_path) continue;
    RenewalParams params = lineage->conf().Params();
    params.Set("account", new_id);
    Status s = lineage->UpdateRenewalParams(params);
    if (!s.ok())
      out.Fail("could not point " + layout.RenewalConfPath(name).string() +
                   " at the account's new id " + new_id + "; set account = " + new_id + " there",
               s.error());
  }
}

// The CA has the new key: the account moves to NEW_ID.
Status Finish(AccountStore& store, const StoredAccount& current, const crypto::Key& new_key,
              const AgentOptions& o, const Output& out) {
  StoredAccount moved = current;
  moved.key = new_key;
  SIGNET_RETURN_IF_ERROR(store.Save(moved));
  RepointRenewalConfs(o, current.id(), moved.id(), out);
  SIGNET_RETURN_IF_ERROR(store.Delete(current.id()));
  out.Step("The account key was changed. The account " + current.uri + " is now " +
           moved.id() + " (was " + current.id() + ") in " + store.dir().string() + ".");
  return OkStatus();
}

// A key an earlier run staged: does the CA know the account by it?
Result<bool> CaHasKey(Session& session, const std::string& server, const crypto::Key& key) {
  KeySigner signer(key);
  AcmeClient probe(session.http(), signer, server);
  Result<Account> found = probe.NewAccount({}, false, true);
  if (!found.ok() && found.error().code == ErrorCode::kAccountDoesNotExist) return false;
  if (!found.ok()) return found.error();
  return found->url == session.account().uri;
}

}  // namespace

Result<crypto::Key> NewAccountKey(const AgentOptions& o, const crypto::Key& current) {
  const std::string family = current.Family();
  std::string type = o.new_key_type;
  if (type.empty()) type = family == "RSA" ? "rsa" : family == "OKP" ? "ed25519" : "ecdsa";
  if (type == "rsa") {
    int bits = o.new_rsa_key_size ? o.new_rsa_key_size : family == "RSA" ? current.Bits() : 2048;
    return crypto::Key::Generate(crypto::KeyType::kRsa, bits);
  }
  if (type == "ed25519") return crypto::Key::Generate(crypto::KeyType::kEd25519);
  bool p384 = o.new_elliptic_curve.empty() ? current.CurveName() == "P-384"
                                           : o.new_elliptic_curve == "secp384r1";
  return crypto::Key::Generate(p384 ? crypto::KeyType::kEcP384 : crypto::KeyType::kEcP256);
}

int RollOverAccountKey(const AgentOptions& o, const Output& out) {
  auto lock = StoreLock::LockDir(o.config_dir);
  if (!lock.ok()) return out.Fail(lock.error().detail), 1;
  auto session = Session::Open(o, o.server, out, false);
  if (!session.ok()) return out.Fail("account", session.error()), 1;
  AccountStore& store = (*session)->accounts();
  const StoredAccount current = (*session)->account();
  if (!(*session)->acme().FetchDirectory().ok())
    return out.Fail("cannot reach " + o.server), 1;

  for (const crypto::Key& staged : store.StagedKeys()) {
    Result<bool> has = CaHasKey(**session, o.server, staged);
    if (!has.ok()) return out.Fail("checking a key an earlier run left", has.error()), 1;
    if (*has) {
      out.Step("An earlier key change was accepted by the CA but not finished; finishing it.");
      Status s = Finish(store, current, staged, o, out);
      if (!s.ok()) return out.Fail("could not save the account's new key", s.error()), 1;
      out.Step("Run update_account --new-key again to change the key once more.");
      return 0;
    }
    if (Status s = store.DiscardStagedKey(staged); !s.ok())
      return out.Fail("could not discard a key an earlier run left", s.error()), 1;
  }

  auto new_key = NewAccountKey(o, current.key);
  if (!new_key.ok()) return out.Fail("could not generate the new key", new_key.error()), 1;
  if (Status s = store.StageNewKey(current, *new_key); !s.ok())
    return out.Fail("could not save the new key", s.error()), 1;
  KeySigner signer(*new_key);
  Status changed = (*session)->acme().ChangeKey(signer);
  if (!changed.ok()) {
    Status discarded = store.DiscardStagedKey(*new_key);
    if (!discarded.ok()) out.Fail("could not remove the refused key", discarded.error());
    return out.Fail("the CA refused the new account key", changed.error()), 1;
  }
  Status s = Finish(store, current, *new_key, o, out);
  if (!s.ok()) return out.Fail("the CA has the new key but saving it failed", s.error()), 1;
  return 0;
}

}  // namespace signet::client
