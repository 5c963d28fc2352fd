#include "client/agent/session.h"

#include <sstream>

#include "client/acme/account_signer.h"
#include "client/agent/prompt.h"

namespace signet::client {

std::string UserAgentFor(const AgentOptions& o, const std::string& default_agent) {
  if (!o.user_agent.empty()) return o.user_agent;
  if (!o.user_agent_comment.empty()) return default_agent + " (" + o.user_agent_comment + ")";
  return default_agent;
}

std::vector<std::string> ContactsFromEmail(const std::string& email) {
  std::vector<std::string> out;
  std::stringstream ss(email);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.push_back("mailto:" + item);
  return out;
}

namespace {

// certbot's e-mail prompt (display/ops.py get_email), asked until the
// address looks like one; 'c' or end of input cancels.
Result<std::string> AskEmail(const Prompter& prompter) {
  const std::string invalid_prefix = "There seem to be problems with that address. ";
  const std::string unsafe =
      "\n\nIf you really want to skip this, you can run the client with "
      "--register-unsafely-without-email but you will then be unable to receive notice about "
      "impending expiration or revocation of your certificates or problems with your Signet "
      "installation that will lead to failure to renew.\n\n";
  std::string msg = "Enter email address (used for urgent renewal and security notices)\n";
  bool invalid = false, suggest_unsafe = true;
  while (true) {
    auto email = prompter.Input(invalid ? invalid_prefix + msg : msg);
    if (!email)
      return Error(ErrorCode::kMalformed,
                   "An e-mail address or --register-unsafely-without-email must be provided.");
    if (PlausibleEmail(*email)) return *email;
    if (suggest_unsafe) {
      msg = unsafe + msg;
      suggest_unsafe = false;
    }
    invalid = !email->empty();
  }
}

}  // namespace

Result<std::optional<ExternalAccountBinding>> EabFromOptions(const AgentOptions& o) {
  if (o.eab_kid.empty() && o.eab_hmac_key.empty()) return std::optional<ExternalAccountBinding>();
  if (o.eab_kid.empty() || o.eab_hmac_key.empty())
    return Error(ErrorCode::kMalformed, "--eab-kid and --eab-hmac-key go together; pass both");
  SIGNET_ASSIGN_OR_RETURN(ExternalAccountBinding eab,
                          ParseExternalAccountBinding(o.eab_kid, o.eab_hmac_key, o.eab_hmac_alg));
  return std::optional<ExternalAccountBinding>(std::move(eab));
}

std::unique_ptr<AccountSigner> Session::SignerFor(const crypto::Key& key) const {
  return std::make_unique<KeySigner>(key);
}

Result<std::unique_ptr<Session>> Session::Open(const AgentOptions& options,
                                               const std::string& server, const Output& out,
                                               bool register_if_missing,
                                               const std::string& account_id) {
  std::unique_ptr<Session> s(new Session());
  http::ClientConfig config;
  config.ca_file = http::DefaultCaFileFromEnv();
  config.user_agent = UserAgentFor(options, config.user_agent);
  s->http_ = std::make_unique<http::Client>(config);
  StoreLayout layout(options.config_dir);
  SIGNET_ASSIGN_OR_RETURN(AccountStore store, AccountStore::ForServer(layout, server));
  s->accounts_ = std::move(store);
  s->server_ = server;
  SIGNET_RETURN_IF_ERROR(s->LoadOrRegister(options, out, register_if_missing, account_id));
  return s;
}

Status Session::LoadOrRegister(const AgentOptions& options, const Output& out,
                               bool register_if_missing, const std::string& account_id) {
  const std::string& server = server_;
  std::string wanted = account_id.empty() ? options.account : account_id;
  std::optional<StoredAccount> found;
  if (!wanted.empty()) {
    auto loaded = accounts_->Load(wanted);
    if (loaded.ok()) found = std::move(*loaded);
  } else {
    std::vector<StoredAccount> all = accounts_->LoadAll();
    if (!all.empty()) found = std::move(all.front());
  }
  auto make_client = [&](const crypto::Key& key) {
    signer_ = std::make_unique<KeySigner>(key);
    acme_ = std::make_unique<AcmeClient>(*http_, *signer_, server,
                                         [&out](const std::string& l) { out.Detail(l); });
  };
  if (found) {
    account_ = std::move(*found);
    make_client(account_.key);
    acme_->SetAccountUrl(account_.uri);
    return OkStatus();
  }
  // A key without regr.json: a registration or a key change killed between
  // the CA's answer and regr.json (Save and Finish write it last). The CA
  // tells which: it knows the key (the account is finished here and used)
  // or not (the key is discarded: nothing at the CA depends on it).
  for (StoredAccount staged : accounts_->StagedAccounts()) {
    if (!wanted.empty() && staged.id() != wanted) continue;
    make_client(staged.key);
    Result<Account> known = acme_->NewAccount({}, false, /*only_return_existing=*/true);
    if (!known.ok() && known.error().code == ErrorCode::kAccountDoesNotExist) {
      SIGNET_RETURN_IF_ERROR(accounts_->DiscardStagedKey(staged.key));
      continue;
    }
    if (!known.ok()) return known.error();
    account_ = std::move(staged);
    account_.uri = known->url;
    account_.regr = boost::json::object{};
    SIGNET_RETURN_IF_ERROR(accounts_->Save(account_));
    acme_->SetAccountUrl(account_.uri);
    out.Step("Finished saving the account an interrupted run left: " + account_.uri);
    return OkStatus();
  }
  if (!wanted.empty())
    return Error(ErrorCode::kAccountDoesNotExist, "no account " + wanted + " for " + server);
  if (!register_if_missing)
    return Error(ErrorCode::kAccountDoesNotExist,
                 "there is no account for " + server + " in " + options.config_dir +
                     "/accounts; run 'signet register' first");
  Prompter prompter(options.interactive);
  std::string email = options.email;
  if (email.empty() && !options.register_unsafely_without_email) {
    if (!prompter.interactive())
      return Error(ErrorCode::kMalformed,
                   "You should register before running non-interactively, or provide "
                   "--agree-tos and --email <email_address> flags.");
    SIGNET_ASSIGN_OR_RETURN(email, AskEmail(prompter));
  }
  if (!options.agree_tos && !prompter.interactive())
    return Error(ErrorCode::kMalformed,
                 "You must agree to the ACME server's Terms of Service: pass --agree-tos.");
  crypto::KeyType type = options.account_key_type == "rsa"       ? crypto::KeyType::kRsa
                         : options.account_key_type == "ed25519" ? crypto::KeyType::kEd25519
                                                                 : crypto::KeyType::kEcP256;
  SIGNET_ASSIGN_OR_RETURN(std::optional<ExternalAccountBinding> eab, EabFromOptions(options));
  SIGNET_ASSIGN_OR_RETURN(crypto::Key key, crypto::Key::Generate(type));
  make_client(key);
  SIGNET_ASSIGN_OR_RETURN(Directory dir, acme_->FetchDirectory());
  if (dir.external_account_required && !eab)
    return Error(ErrorCode::kExternalAccountRequired,
                 "Server requires external account binding. Please use --eab-kid and "
                 "--eab-hmac-key.");
  // certbot asks only when the CA publishes terms (directory meta).
  if (!options.agree_tos && !dir.terms_of_service.empty()) {
    auto agreed = prompter.YesNo("Please read the Terms of Service at " + dir.terms_of_service +
                                 ". You must agree in order to register with the ACME server. "
                                 "Do you agree?");
    if (!agreed || !*agreed)
      return Error(ErrorCode::kMalformed,
                   "Registration cannot proceed without accepting Terms of Service.");
  }
  SIGNET_ASSIGN_OR_RETURN(Account account, acme_->NewAccount(ContactsFromEmail(email),
                                                             true, false, eab ? &*eab : nullptr));
  account_.key = key;
  account_.uri = account.url;
  account_.meta = AccountMeta::Now();
  account_.regr = boost::json::object{};
  SIGNET_RETURN_IF_ERROR(accounts_->Save(account_));
  out.Step("Account registered: " + account.url);
  return OkStatus();
}

}  // namespace signet::client
