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

// The CA has `moved`'s key: every other account directory with its URL
// (the old key's) hands its renewal confs over and goes, then regr.json
// makes `moved` an account. Repeatable after a kill at any point.
Status Finish(AccountStore& store, const StoredAccount& moved, const AgentOptions& o,
              const Output& out) {
  for (const StoredAccount& other : store.LoadAll()) {
    if (other.uri != moved.uri || other.id() == moved.id()) continue;
    RepointRenewalConfs(o, other.id(), moved.id(), out);
    SIGNET_RETURN_IF_ERROR(store.Delete(other.id()));
    out.Step("The account " + moved.uri + " is now " + moved.id() + " (was " + other.id() +
             ") in " + store.dir().string() + ".");
  }
  return store.Save(moved);
}

// Keys an earlier run staged: finished when the CA knows the account by
// one (its URL comes from the CA), discarded when the CA knows none.
// Returns whether one was finished.
Result<bool> FinishInterrupted(AccountStore& store, http::Client& http, const AgentOptions& o,
                               const Output& out) {
  bool finished = false;
  for (StoredAccount staged : store.StagedAccounts()) {
    KeySigner signer(staged.key);
    AcmeClient probe(http, signer, o.server);
    Result<Account> found = probe.NewAccount({}, false, true);
    if (!found.ok() && found.error().code == ErrorCode::kAccountDoesNotExist) {
      SIGNET_RETURN_IF_ERROR(store.DiscardStagedKey(staged.key));
      continue;
    }
    if (!found.ok()) return found.error();
    out.Step("The CA accepted the account key an earlier run staged; finishing that change.");
    staged.uri = found->url;
    SIGNET_RETURN_IF_ERROR(Finish(store, staged, o, out));
    finished = true;
  }
  return finished;
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
  {
    auto store = AccountStore::ForServer(StoreLayout(o.config_dir), o.server);
    if (!store.ok()) return out.Fail("account", store.error()), 1;
    http::ClientConfig config;
    config.ca_file = http::DefaultCaFileFromEnv();
    http::Client http(config);
    Result<bool> finished = FinishInterrupted(*store, http, o, out);
    if (!finished.ok())
      return out.Fail("checking an account key an earlier run staged", finished.error()), 1;
    if (*finished) return out.Step("Run update_account --new-key again for another key."), 0;
  }
  auto session = Session::Open(o, o.server, out, false);
  if (!session.ok()) return out.Fail("account", session.error()), 1;
  AccountStore& store = (*session)->accounts();
  const StoredAccount current = (*session)->account();
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
  StoredAccount moved = current;
  moved.key = *new_key;
  Status s = Finish(store, moved, o, out);
  if (!s.ok()) return out.Fail("the CA has the new key but saving it failed", s.error()), 1;
  out.Step("The account key was changed.");
  return 0;
}

}  // namespace signet::client
