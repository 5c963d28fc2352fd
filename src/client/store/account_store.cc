#include "client/store/account_store.h"

#include <netdb.h>
#include <openssl/evp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <ctime>

#include "base/files.h"
#include "client/store/fs_util.h"
#include "client/store/python_json.h"
#include "crypto/digest.h"
#include "jose/jwk.h"

namespace signet::client {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr unsigned kDirMode = 0700;
constexpr unsigned kKeyMode = 0400;
constexpr unsigned kJsonMode = 0644;

// Let's Encrypt directories whose accounts certbot reuses from the older
// directory (constants.LE_REUSE_SERVERS).
std::string ReusedServerPath(std::string_view server_path) {
  if (server_path == "acme-v02.api.letsencrypt.org/directory")
    return "acme-v01.api.letsencrypt.org/directory";
  if (server_path == "acme-staging-v02.api.letsencrypt.org/directory")
    return "acme-staging.api.letsencrypt.org/directory";
  return "";
}

Status CheckAccountId(std::string_view id) {
  if (id.empty() || id == "." || id == ".." || id.find('/') != std::string_view::npos)
    return Error(ErrorCode::kMalformed, "invalid account id \"" + std::string(id) + "\"");
  return OkStatus();
}

Result<json::object> ReadJsonObject(const fs::path& path) {
  SIGNET_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object())
    return Error(ErrorCode::kMalformed, path.string() + " is not a JSON object");
  return std::move(v.get_object());
}

std::string StringMember(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : "";
}

// socket.getfqdn(): the host's name as its resolver reports it.
std::string Fqdn() {
  char host[256] = {};
  if (::gethostname(host, sizeof(host) - 1) != 0) return "localhost";
  addrinfo hints{};
  hints.ai_flags = AI_CANONNAME;
  addrinfo* res = nullptr;
  std::string name = host;
  if (::getaddrinfo(host, nullptr, &hints, &res) == 0 && res != nullptr) {
    char reverse[NI_MAXHOST] = {};
    if (::getnameinfo(res->ai_addr, res->ai_addrlen, reverse, sizeof(reverse), nullptr, 0,
                      NI_NAMEREQD) == 0)
      name = reverse;
    ::freeaddrinfo(res);
  }
  return name;
}

Result<StoredAccount> LoadFrom(const fs::path& dir) {
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return Error(ErrorCode::kNotFound, "Account at " + dir.string() + " does not exist");
  StoredAccount account;
  SIGNET_ASSIGN_OR_RETURN(account.regr, ReadJsonObject(dir / "regr.json"));
  account.uri = StringMember(account.regr, "uri");
  SIGNET_ASSIGN_OR_RETURN(json::object jwk, ReadJsonObject(dir / "private_key.json"));
  SIGNET_ASSIGN_OR_RETURN(account.key, jose::PrivateKeyFromJwk(jwk));
  SIGNET_ASSIGN_OR_RETURN(json::object meta, ReadJsonObject(dir / "meta.json"));
  account.meta.creation_dt = StringMember(meta, "creation_dt");
  account.meta.creation_host = StringMember(meta, "creation_host");
  if (const json::value* eff = meta.if_contains("register_to_eff"); eff && eff->is_string())
    account.meta.register_to_eff = std::string(eff->get_string());
  if (account.meta.creation_dt.empty())
    return Error(ErrorCode::kMalformed, (dir / "meta.json").string() + " lacks creation_dt");
  return account;
}

std::vector<StoredAccount> LoadAllFrom(const fs::path& dir) {
  std::vector<StoredAccount> accounts;
  for (const std::string& id : store_internal::ListDir(dir)) {
    Result<StoredAccount> account = LoadFrom(dir / id);
    if (account.ok()) accounts.push_back(std::move(account).value());
  }
  return accounts;
}

}  // namespace

AccountMeta AccountMeta::Now() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return AccountMeta{buf, Fqdn(), std::nullopt};
}

std::string StoredAccount::id() const { return CertbotAccountId(key); }

std::string CertbotAccountId(const crypto::Key& key) {
  const std::string pem = key.PublicPem();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(pem.data(), pem.size(), digest, &len, EVP_md5(), nullptr) != 1) return "";
  return crypto::HexEncode(std::string(reinterpret_cast<char*>(digest), len));
}

Result<std::string> ServerPath(std::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0)
    return Error(ErrorCode::kMalformed, "server URL without scheme: " + std::string(url));
  std::string_view rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find_first_of("?#"));
  size_t slash = rest.find('/');
  std::string_view netloc = rest.substr(0, slash);
  if (netloc.empty())
    return Error(ErrorCode::kMalformed, "server URL without host: " + std::string(url));
  std::string path(rest);
  for (const auto& part : fs::path(path))
    if (part == "..")
      return Error(ErrorCode::kMalformed, "server URL with \"..\": " + std::string(url));
  return path;
}

std::string AccountKeyJson(const crypto::Key& key) {
  json::object jwk = jose::PrivateJwk(key);
  // josepy's member order: the key's parameters, then "kty".
  static constexpr std::string_view kRsaOrder[] = {"n",  "e",  "d",  "p",  "q",
                                                   "dp", "dq", "qi", "kty"};
  static constexpr std::string_view kEcOrder[] = {"d", "x", "y", "crv", "kty"};
  static constexpr std::string_view kOkpOrder[] = {"d", "x", "crv", "kty"};
  json::object ordered;
  auto add = [&](auto& order) {
    for (std::string_view name : order)
      if (const json::value* v = jwk.if_contains(name)) ordered[name] = *v;
  };
  const std::string family = key.Family();
  if (family == "RSA") {
    add(kRsaOrder);
  } else if (family == "EC") {
    add(kEcOrder);
  } else {
    add(kOkpOrder);
  }
  return store_internal::PythonJsonDumps(ordered);
}

std::string RegrJson(std::string_view uri) {
  json::object regr;
  regr["body"] = json::object();
  regr["uri"] = uri;
  return store_internal::PythonJsonDumps(regr);
}

std::string MetaJson(const AccountMeta& meta) {
  json::object o;
  o["creation_dt"] = meta.creation_dt;
  o["creation_host"] = meta.creation_host;
  if (meta.register_to_eff) o["register_to_eff"] = *meta.register_to_eff;
  return store_internal::PythonJsonDumps(o);
}

Result<AccountStore> AccountStore::ForServer(const StoreLayout& layout,
                                             std::string_view server_url) {
  SIGNET_ASSIGN_OR_RETURN(std::string server_path, ServerPath(server_url));
  return AccountStore(layout.accounts_dir(), layout.accounts_dir() / server_path, server_path);
}

Status AccountStore::Save(const StoredAccount& account) {
  const std::string id = account.id();
  SIGNET_RETURN_IF_ERROR(CheckAccountId(id));
  SIGNET_RETURN_IF_ERROR(store_internal::MakeDirs(accounts_root_.parent_path(), 0755));
  SIGNET_RETURN_IF_ERROR(store_internal::MakeDirs(accounts_root_, kDirMode));
  SIGNET_RETURN_IF_ERROR(store_internal::MakeDirs(AccountDir(id), kDirMode));
  const fs::path key_path = AccountDir(id) / "private_key.json";
  struct stat st;
  if (::lstat(key_path.c_str(), &st) != 0)
    SIGNET_RETURN_IF_ERROR(WriteFileAtomic(key_path, AccountKeyJson(account.key), kKeyMode));
  SIGNET_RETURN_IF_ERROR(SaveMeta(account));
  return SaveRegr(account);
}

Status AccountStore::SaveRegr(const StoredAccount& account) {
  const std::string id = account.id();
  SIGNET_RETURN_IF_ERROR(CheckAccountId(id));
  SIGNET_RETURN_IF_ERROR(store_internal::MakeDirs(AccountDir(id), kDirMode));
  return WriteFileAtomic(AccountDir(id) / "regr.json", RegrJson(account.uri), kJsonMode);
}

Status AccountStore::SaveMeta(const StoredAccount& account) {
  const std::string id = account.id();
  SIGNET_RETURN_IF_ERROR(CheckAccountId(id));
  SIGNET_RETURN_IF_ERROR(store_internal::MakeDirs(AccountDir(id), kDirMode));
  return WriteFileAtomic(AccountDir(id) / "meta.json", MetaJson(account.meta), kJsonMode);
}

Result<StoredAccount> AccountStore::Load(std::string_view id) const {
  SIGNET_RETURN_IF_ERROR(CheckAccountId(id));
  Result<StoredAccount> account = LoadFrom(AccountDir(id));
  std::string reused = ReusedServerPath(server_path_);
  if (!account.ok() && account.error().code == ErrorCode::kNotFound && !reused.empty())
    return LoadFrom(accounts_root_ / reused / id);
  return account;
}

std::vector<StoredAccount> AccountStore::LoadAll() const {
  std::vector<StoredAccount> accounts = LoadAllFrom(dir_);
  std::string reused = ReusedServerPath(server_path_);
  if (accounts.empty() && !reused.empty()) accounts = LoadAllFrom(accounts_root_ / reused);
  return accounts;
}

Status AccountStore::Delete(std::string_view id) {
  SIGNET_RETURN_IF_ERROR(CheckAccountId(id));
  const fs::path dir = AccountDir(id);
  struct stat st;
  if (::lstat(dir.c_str(), &st) != 0)
    return Error(ErrorCode::kNotFound, "Account at " + dir.string() + " does not exist");
  std::error_code ec;
  if (S_ISLNK(st.st_mode)) {
    fs::remove(dir, ec);  // certbot's reuse link: drop the link only
  } else {
    fs::remove_all(dir, ec);
  }
  if (ec)
    return Error(ErrorCode::kServerInternal, "cannot remove " + dir.string() + ": " + ec.message());
  if (store_internal::ListDir(dir_).empty()) fs::remove(dir_, ec);
  return OkStatus();
}

}  // namespace signet::client
