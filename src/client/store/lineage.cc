// Lineage: opening, reading, listing and deleting (certbot storage.py
// RenewableCert.__init__, current_version, available_versions,
// renewal_conf_files, delete_files).
#include "client/store/lineage.h"

#include <sys/stat.h>

#include <algorithm>
#include <charconv>

#include "base/files.h"
#include "client/store/fs_util.h"
#include "pki/acme_tls_cert.h"
#include "pki/certificate.h"

namespace signet::client {
namespace {

namespace fs = std::filesystem;
using store_internal::ListDir;
using store_internal::ReadLink;
using store_internal::RemoveIfExists;

// "cert7.pem" -> 7 for `kind` "cert"; 0 when the name does not match
// ^kind([0-9]+)\.pem$.
int VersionOf(std::string_view file, std::string_view kind) {
  if (file.size() <= kind.size() + 4 || file.substr(0, kind.size()) != kind ||
      file.substr(file.size() - 4) != ".pem")
    return 0;
  std::string_view digits = file.substr(kind.size(), file.size() - kind.size() - 4);
  if (digits.empty() ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return 0;
  int n = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  return ec == std::errc() && ptr == digits.data() + digits.size() ? n : 0;
}

// storage.get_link_target: the absolute target of `link`.
Result<fs::path> LinkTarget(const fs::path& link) {
  SIGNET_ASSIGN_OR_RETURN(fs::path target, ReadLink(link));
  if (target.is_relative()) target = link.parent_path() / target;
  return target.lexically_normal();
}

bool IsSymlink(const fs::path& p) {
  struct stat st;
  return ::lstat(p.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

bool Exists(const fs::path& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

}  // namespace

std::string_view LineageItemName(LineageItem item) {
  switch (item) {
    case LineageItem::kCert:
      return "cert";
    case LineageItem::kPrivkey:
      return "privkey";
    case LineageItem::kChain:
      return "chain";
    case LineageItem::kFullchain:
      return "fullchain";
  }
  return "";
}

Lineage::Lineage(StoreLayout layout, std::string name, RenewalConf conf)
    : layout_(std::move(layout)), name_(std::move(name)), conf_(std::move(conf)) {
  std::string archive = conf_.archive_dir();
  archive_dir_ = archive.empty() ? layout_.ArchiveDir(name_) : fs::path(archive);
}

fs::path Lineage::LivePath(LineageItem item) const {
  return fs::path(conf_.TopLevel(LineageItemName(item)));
}

fs::path Lineage::ArchivePath(LineageItem item, int version) const {
  return archive_dir_ / (std::string(LineageItemName(item)) + std::to_string(version) + ".pem");
}

Result<Lineage> Lineage::Open(const StoreLayout& layout, std::string_view name) {
  SIGNET_RETURN_IF_ERROR(CheckLineageName(name));
  fs::path conf_path = layout.RenewalConfPath(name);
  if (!Exists(conf_path))
    return Error(ErrorCode::kNotFound, "No certificate found with name " + std::string(name) +
                                           " (expected " + conf_path.string() + ").");
  SIGNET_ASSIGN_OR_RETURN(RenewalConf conf, RenewalConf::Load(conf_path));
  SIGNET_RETURN_IF_ERROR(conf.Validate());
  Lineage lineage(layout, std::string(name), std::move(conf));
  SIGNET_RETURN_IF_ERROR(lineage.FixSymlinks());
  SIGNET_RETURN_IF_ERROR(lineage.CheckSymlinks());
  return lineage;
}

Status Lineage::CheckSymlinks() const {
  for (LineageItem item : kLineageItems) {
    fs::path link = LivePath(item);
    if (!IsSymlink(link))
      return Error(ErrorCode::kServerInternal, "expected " + link.string() + " to be a symlink");
    SIGNET_ASSIGN_OR_RETURN(fs::path target, LinkTarget(link));
    if (!Exists(target))
      return Error(ErrorCode::kServerInternal, "target " + target.string() + " of symlink " +
                                                   link.string() + " does not exist");
  }
  return OkStatus();
}

std::vector<std::string> Lineage::ListNames(const StoreLayout& layout) {
  std::vector<std::string> names;
  for (const std::string& file : ListDir(layout.renewal_dir())) {
    // glob("*.conf"): hidden files do not match.
    if (file.size() > 5 && file.front() != '.' && file.substr(file.size() - 5) == ".conf")
      names.push_back(file.substr(0, file.size() - 5));
  }
  return names;
}

Result<int> Lineage::CurrentVersion(LineageItem item) const {
  fs::path link = LivePath(item);
  SIGNET_ASSIGN_OR_RETURN(fs::path target, LinkTarget(link));
  int version = VersionOf(target.filename().string(), LineageItemName(item));
  if (version == 0 || !Exists(target))
    return Error(ErrorCode::kServerInternal,
                 link.string() + " does not point at a version: " + target.string());
  return version;
}

std::vector<int> Lineage::AvailableVersions(LineageItem item) const {
  std::vector<int> versions;
  for (const std::string& file : ListDir(archive_dir_))
    if (int v = VersionOf(file, LineageItemName(item)); v > 0) versions.push_back(v);
  std::sort(versions.begin(), versions.end());
  return versions;
}

int Lineage::LatestCommonVersion() const {
  std::vector<int> certs = AvailableVersions(LineageItem::kCert);
  for (auto it = certs.rbegin(); it != certs.rend(); ++it) {
    bool all = true;
    for (LineageItem item : {LineageItem::kPrivkey, LineageItem::kChain, LineageItem::kFullchain}) {
      std::vector<int> v = AvailableVersions(item);
      all = all && std::binary_search(v.begin(), v.end(), *it);
    }
    if (all) return *it;
  }
  return 0;
}

Result<CertificateFiles> Lineage::ReadCurrent() const {
  CertificateFiles files;
  SIGNET_ASSIGN_OR_RETURN(files.cert, ReadFile(LivePath(LineageItem::kCert)));
  SIGNET_ASSIGN_OR_RETURN(files.chain, ReadFile(LivePath(LineageItem::kChain)));
  SIGNET_ASSIGN_OR_RETURN(files.privkey, ReadFile(LivePath(LineageItem::kPrivkey)));
  return files;
}

Result<CertificateFiles> Lineage::ReadVersion(int version) const {
  CertificateFiles files;
  SIGNET_ASSIGN_OR_RETURN(files.cert, ReadFile(ArchivePath(LineageItem::kCert, version)));
  SIGNET_ASSIGN_OR_RETURN(files.chain, ReadFile(ArchivePath(LineageItem::kChain, version)));
  SIGNET_ASSIGN_OR_RETURN(files.privkey, ReadFile(ArchivePath(LineageItem::kPrivkey, version)));
  return files;
}

Result<std::vector<std::string>> Lineage::CurrentNames() const {
  SIGNET_ASSIGN_OR_RETURN(std::string pem, ReadFile(LivePath(LineageItem::kCert)));
  SIGNET_ASSIGN_OR_RETURN(crypto::X509Ptr cert, pki::CertFromPem(pem));
  std::vector<std::string> names = pki::DnsSans(cert.get());
  for (std::string& ip : pki::IpSans(cert.get())) names.push_back(std::move(ip));
  return names;
}

Result<std::chrono::system_clock::time_point> Lineage::CurrentNotAfter() const {
  SIGNET_ASSIGN_OR_RETURN(std::string pem, ReadFile(LivePath(LineageItem::kCert)));
  SIGNET_ASSIGN_OR_RETURN(crypto::X509Ptr cert, pki::CertFromPem(pem));
  return pki::NotAfter(cert.get());
}

Status Lineage::Delete(const StoreLayout& layout, std::string_view name) {
  SIGNET_RETURN_IF_ERROR(CheckLineageName(name));
  fs::path conf_path = layout.RenewalConfPath(name);
  if (!Exists(conf_path))
    return Error(ErrorCode::kNotFound, "No certificate found with name " + std::string(name) +
                                           " (expected " + conf_path.string() + ").");
  Result<RenewalConf> conf = RenewalConf::Load(conf_path);
  // Like certbot: the conf goes even when it cannot be parsed.
  SIGNET_RETURN_IF_ERROR(RemoveIfExists(conf_path));
  if (!conf.ok()) return std::move(conf).error();

  std::vector<fs::path> dirs;
  for (LineageItem item : kLineageItems) {
    fs::path link(conf->TopLevel(LineageItemName(item)));
    if (link.empty()) continue;
    (void)RemoveIfExists(link);  // best effort, as certbot
    if (std::find(dirs.begin(), dirs.end(), link.parent_path()) == dirs.end())
      dirs.push_back(link.parent_path());
  }
  if (dirs.size() == 1) {
    (void)RemoveIfExists(dirs[0] / "README");
    std::error_code ec;
    fs::remove(dirs[0], ec);  // only if now empty
  }

  std::string archive_conf = conf->archive_dir();
  fs::path archive =
      archive_conf.empty() ? layout.ArchiveDir(name) : fs::path(archive_conf).lexically_normal();
  // Never remove a directory that holds the whole store.
  fs::path rel = layout.config_dir().lexically_relative(archive);
  if (!archive.is_absolute() || archive == archive.root_path() ||
      (!rel.empty() && *rel.begin() != ".."))
    return Error(ErrorCode::kServerInternal,
                 "refusing to remove archive directory " + archive.string());
  std::error_code ec;
  fs::remove_all(archive, ec);
  if (ec)
    return Error(ErrorCode::kServerInternal,
                 "cannot remove " + archive.string() + ": " + ec.message());
  return OkStatus();
}

}  // namespace signet::client
