// Lineage: writing (certbot storage.py new_lineage, save_successor,
// update_all_links_to, _fix_symlinks, ensure_deployed, update_configuration),
// reordered so that a kill at any point leaves the previous version usable.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "base/files.h"
#include "client/store/fs_util.h"
#include "client/store/lineage.h"
#include "crypto/key.h"
#include "pki/certificate.h"

namespace signet::client {
namespace {

namespace fs = std::filesystem;
using store_internal::FsyncDir;
using store_internal::IsTempName;
using store_internal::ListDir;
using store_internal::MakeDirs;
using store_internal::MakeSymlink;
using store_internal::ReadLink;
using store_internal::RemoveIfExists;
using store_internal::ReplaceSymlink;
using store_internal::WritePrivateKeyFile;

constexpr unsigned kTopDirMode = 0700;      // live/, archive/
constexpr unsigned kLineageDirMode = 0755;  // live/NAME, archive/NAME
constexpr unsigned kRenewalDirMode = 0755;
constexpr unsigned kPublicFileMode = 0644;

bool LExists(const fs::path& p) {
  struct stat st;
  return ::lstat(p.c_str(), &st) == 0;
}

bool Exists(const fs::path& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

void Step(const WriteStepHook& hook, std::string_view step) {
  if (hook) hook(step);
}

fs::path PreviousLink(const fs::path& live_link, LineageItem item) {
  return live_link.parent_path() / ("previous_" + std::string(LineageItemName(item)) + ".pem");
}

// Refuses to link files a server could not use: the certificate and key
// must parse and belong together.
Status CheckFiles(const CertificateFiles& files) {
  SIGNET_ASSIGN_OR_RETURN(crypto::X509Ptr cert, pki::CertFromPem(files.cert));
  if (!files.chain.empty()) SIGNET_RETURN_IF_ERROR(pki::CertChainFromPem(files.chain));
  SIGNET_ASSIGN_OR_RETURN(crypto::Key key, crypto::Key::FromPem(files.privkey));
  crypto::Key cert_key(crypto::PkeyPtr(X509_get_pubkey(cert.get())));
  if (!cert_key.valid() || !key.SamePublicKey(cert_key))
    return Error(ErrorCode::kMalformed, "the private key does not match the certificate");
  return OkStatus();
}

// Removes temp files a killed run left in `dir`.
void RemoveTempFiles(const fs::path& dir) {
  for (const std::string& name : ListDir(dir))
    if (IsTempName(name)) (void)RemoveIfExists(dir / name);
}

// Whether `name`'s live and archive directories hold only what an
// interrupted Create leaves (version 1 and temp files), so Create may
// finish the job instead of failing as certbot would.
bool IsLeftoverOfCreate(const StoreLayout& layout, std::string_view name) {
  for (const std::string& file : ListDir(layout.ArchiveDir(name))) {
    bool ok = IsTempName(file);
    for (LineageItem item : kLineageItems)
      ok = ok || file == std::string(LineageItemName(item)) + "1.pem";
    if (!ok) return false;
  }
  for (const std::string& file : ListDir(layout.LiveDir(name))) {
    bool ok = IsTempName(file) || file == "README";
    for (LineageItem item : kLineageItems) {
      std::string kind(LineageItemName(item));
      ok = ok || file == kind + ".pem" || file == "previous_" + kind + ".pem";
    }
    if (!ok) return false;
  }
  return true;
}

bool DirHasFiles(const fs::path& dir) {
  struct stat st;
  if (::lstat(dir.c_str(), &st) != 0) return false;
  return !S_ISDIR(st.st_mode) || !ListDir(dir).empty();
}

// util.unique_lineage_name plus new_lineage's directory checks.
Result<std::string> ChooseFreeName(const StoreLayout& layout, std::string_view name) {
  for (int n = 0; n < 10000; ++n) {
    std::string candidate = LineageNameCandidate(name, n);
    if (LExists(layout.RenewalConfPath(candidate))) continue;
    for (const fs::path& dir : {layout.ArchiveDir(candidate), layout.LiveDir(candidate)}) {
      if (DirHasFiles(dir) && !IsLeftoverOfCreate(layout, candidate))
        return Error(ErrorCode::kServerInternal,
                     (dir.parent_path() == layout.archive_dir() ? "archive" : "live") +
                         std::string(" directory exists for ") + candidate);
    }
    return candidate;
  }
  return Error(ErrorCode::kServerInternal, "no free certificate name for " + std::string(name));
}

Status WriteVersionFiles(const fs::path& archive_dir, int version, const CertificateFiles& files,
                         const fs::path& previous_key) {
  auto path = [&](LineageItem item) {
    return archive_dir / (std::string(LineageItemName(item)) + std::to_string(version) + ".pem");
  };
  SIGNET_RETURN_IF_ERROR(
      WritePrivateKeyFile(path(LineageItem::kPrivkey), files.privkey, previous_key));
  SIGNET_RETURN_IF_ERROR(WriteFileAtomic(path(LineageItem::kCert), files.cert, kPublicFileMode));
  SIGNET_RETURN_IF_ERROR(WriteFileAtomic(path(LineageItem::kChain), files.chain, kPublicFileMode));
  return WriteFileAtomic(path(LineageItem::kFullchain), files.fullchain(), kPublicFileMode);
}

// The live link `link` to version `version` of `item`, made under a temp
// name beside it (in the directory the live link points into, as certbot's
// _update_link_to keeps it); returns the temp name.
Result<fs::path> PrepareLink(const fs::path& link, LineageItem item, int version) {
  SIGNET_ASSIGN_OR_RETURN(fs::path current, ReadLink(link));
  SIGNET_ASSIGN_OR_RETURN(fs::path tmp, TempPathBeside(link));
  const std::string file = std::string(LineageItemName(item)) + std::to_string(version) + ".pem";
  SIGNET_RETURN_IF_ERROR(MakeSymlink(tmp, current.parent_path() / file));
  return tmp;
}

}  // namespace

std::string LiveReadmeText(bool base_dir) {
  const std::string p = base_dir ? "[cert name]/" : "";
  return "This directory contains your keys and certificates.\n\n"
         "`" +
         p +
         "privkey.pem`  : the private key for your certificate.\n"
         "`" +
         p +
         "fullchain.pem`: the certificate file used in most server software.\n"
         "`" +
         p +
         "chain.pem`    : used for OCSP stapling in Nginx >=1.3.7.\n"
         "`" +
         p +
         "cert.pem`     : will break many server configurations, and should not be used\n"
         "                 without reading further documentation (see link below).\n\n"
         "WARNING: DO NOT MOVE OR RENAME THESE FILES!\n"
         "         Certbot expects these files to remain in this location in order\n"
         "         to function properly!\n\n"
         "We recommend not moving these files. For more information, see the Certbot\n"
         "User Guide at https://certbot.eff.org/docs/using.html#where-are-my-certificates.\n";
}

std::string Lineage::FreeName(const StoreLayout& layout, std::string_view base) {
  for (int n = 0;; ++n) {
    std::string candidate = LineageNameCandidate(base, n);
    if (LExists(layout.RenewalConfPath(candidate))) continue;
    bool taken = false;
    for (const fs::path& dir : {layout.ArchiveDir(candidate), layout.LiveDir(candidate)})
      taken = taken || (DirHasFiles(dir) && !IsLeftoverOfCreate(layout, candidate));
    if (!taken) return candidate;
  }
}

Result<Lineage> Lineage::Create(const StoreLayout& layout, std::string_view requested,
                                const CertificateFiles& files, const RenewalParams& params,
                                const WriteStepHook& hook) {
  SIGNET_RETURN_IF_ERROR(CheckLineageName(requested));
  SIGNET_RETURN_IF_ERROR(CheckFiles(files));
  SIGNET_RETURN_IF_ERROR(MakeDirs(layout.config_dir(), 0755));
  SIGNET_RETURN_IF_ERROR(MakeDirs(layout.renewal_dir(), kRenewalDirMode));
  SIGNET_RETURN_IF_ERROR(MakeDirs(layout.archive_dir(), kTopDirMode));
  SIGNET_RETURN_IF_ERROR(MakeDirs(layout.live_dir(), kTopDirMode));
  SIGNET_ASSIGN_OR_RETURN(std::string name, ChooseFreeName(layout, requested));

  fs::path base_readme = layout.live_dir() / "README";
  if (!LExists(base_readme))
    SIGNET_RETURN_IF_ERROR(WriteFileAtomic(base_readme, LiveReadmeText(true), kPublicFileMode));
  const fs::path archive = layout.ArchiveDir(name);
  const fs::path live = layout.LiveDir(name);
  SIGNET_RETURN_IF_ERROR(MakeDirs(archive, kLineageDirMode));
  SIGNET_RETURN_IF_ERROR(MakeDirs(live, kLineageDirMode));
  RemoveTempFiles(archive);
  RemoveTempFiles(live);

  SIGNET_RETURN_IF_ERROR(WriteVersionFiles(archive, 1, files, fs::path()));
  Step(hook, "archive-written");
  for (LineageItem item : kLineageItems) {
    const std::string kind(LineageItemName(item));
    fs::path target = (archive / (kind + "1.pem")).lexically_relative(live);
    SIGNET_RETURN_IF_ERROR(RemoveIfExists(PreviousLink(live / (kind + ".pem"), item)));
    SIGNET_RETURN_IF_ERROR(ReplaceSymlink(live / (kind + ".pem"), target));
    Step(hook, "link-switched:" + kind);
  }
  Step(hook, "links-switched");
  SIGNET_RETURN_IF_ERROR(WriteFileAtomic(live / "README", LiveReadmeText(false), kPublicFileMode));

  RenewalConf empty;
  Lineage lineage(layout, name, std::move(empty));
  lineage.archive_dir_ = archive;
  RenewalTargets targets{archive.string(), (live / "cert.pem").string(),
                         (live / "privkey.pem").string(), (live / "chain.pem").string(),
                         (live / "fullchain.pem").string()};
  lineage.conf_.Update(targets, params);
  SIGNET_RETURN_IF_ERROR(lineage.WriteConf(params));
  Step(hook, "conf-written");
  return lineage;
}

Result<int> Lineage::AddVersion(const CertificateFiles& files, const RenewalParams& params,
                                const WriteStepHook& hook) {
  SIGNET_RETURN_IF_ERROR(CheckFiles(files));
  RemoveTempFiles(archive_dir_);
  RemoveTempFiles(LivePath(LineageItem::kCert).parent_path());
  int newest = 0;
  for (LineageItem item : kLineageItems) {
    std::vector<int> versions = AvailableVersions(item);
    if (!versions.empty()) newest = std::max(newest, versions.back());
  }
  const int version = newest + 1;
  fs::path previous_key;
  if (Result<int> current = CurrentVersion(LineageItem::kPrivkey); current.ok())
    previous_key = ArchivePath(LineageItem::kPrivkey, *current);
  SIGNET_RETURN_IF_ERROR(WriteVersionFiles(archive_dir_, version, files, previous_key));
  Step(hook, "archive-written");
  SIGNET_RETURN_IF_ERROR(LinkVersion(version, hook));
  SIGNET_RETURN_IF_ERROR(WriteConf(params));
  Step(hook, "conf-written");
  return version;
}

Status Lineage::UpdateRenewalParams(const RenewalParams& params) { return WriteConf(params); }

Result<bool> Lineage::EnsureDeployed() {
  int smallest_current = 0;
  for (LineageItem item : kLineageItems) {
    SIGNET_ASSIGN_OR_RETURN(int v, CurrentVersion(item));
    smallest_current = smallest_current == 0 ? v : std::min(smallest_current, v);
  }
  const int latest = LatestCommonVersion();
  if (smallest_current >= latest) return true;
  SIGNET_RETURN_IF_ERROR(LinkVersion(latest, {}));
  return false;
}

RenewalTargets Lineage::Targets() const {
  return RenewalTargets{archive_dir_.string(), LivePath(LineageItem::kCert).string(),
                        LivePath(LineageItem::kPrivkey).string(),
                        LivePath(LineageItem::kChain).string(),
                        LivePath(LineageItem::kFullchain).string()};
}

Status Lineage::WriteConf(const RenewalParams& params) {
  RenewalConf updated = conf_;
  updated.Update(Targets(), params);
  SIGNET_ASSIGN_OR_RETURN(std::string text, updated.Serialize());
  const fs::path path = layout_.RenewalConfPath(name_);
  unsigned mode = kPublicFileMode;  // certbot keeps the old file's mode
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0) mode = st.st_mode & 07777;
  SIGNET_RETURN_IF_ERROR(WriteFileAtomic(path, text, mode));
  conf_ = std::move(updated);
  return OkStatus();
}

// update_all_links_to: previous_ITEM.pem links to the current targets
// (absolute), each live link switched atomically, the previous links
// removed. A kill in between leaves all four previous links, which
// FixSymlinks (here or in certbot) uses to roll back.
Status Lineage::LinkVersion(int version, const WriteStepHook& hook) {
  for (LineageItem item : kLineageItems) {
    fs::path link = LivePath(item);
    SIGNET_ASSIGN_OR_RETURN(fs::path target, ReadLink(link));
    if (target.is_relative()) target = (link.parent_path() / target).lexically_normal();
    fs::path previous = PreviousLink(link, item);
    SIGNET_RETURN_IF_ERROR(RemoveIfExists(previous));
    SIGNET_RETURN_IF_ERROR(MakeSymlink(previous, target));
  }
  SIGNET_RETURN_IF_ERROR(FsyncDir(LivePath(LineageItem::kCert).parent_path()));
  Step(hook, "previous-links-written");
  // The four new links first, under temp names; then four renames back to
  // back with no I/O wait between them (one fsync after the last): a kill
  // can leave cert and key of two versions for four system calls, not for
  // the three directory syncs a switch-and-sync per link took. Temp links
  // a kill leaves are removed by the next AddVersion.
  std::vector<fs::path> prepared;  // in kLineageItems order
  for (LineageItem item : kLineageItems) {
    Result<fs::path> tmp = PrepareLink(LivePath(item), item, version);
    if (!tmp.ok()) {
      for (const fs::path& p : prepared) (void)RemoveIfExists(p);
      return tmp.error();
    }
    prepared.push_back(*tmp);
  }
  Step(hook, "links-prepared");
  for (size_t i = 0; i < prepared.size(); ++i) {
    const fs::path link = LivePath(kLineageItems[i]);
    if (::rename(prepared[i].c_str(), link.c_str()) != 0) {
      Error e(ErrorCode::kServerInternal,
              "cannot rename symlink onto " + link.string() + ": " + std::strerror(errno));
      for (size_t j = i; j < prepared.size(); ++j) (void)RemoveIfExists(prepared[j]);
      return e;  // the previous links stay: the next Open rolls back
    }
    Step(hook, "link-switched:" + std::string(LineageItemName(kLineageItems[i])));
  }
  SIGNET_RETURN_IF_ERROR(FsyncDir(LivePath(LineageItem::kCert).parent_path()));
  for (LineageItem item : kLineageItems)
    SIGNET_RETURN_IF_ERROR(RemoveIfExists(PreviousLink(LivePath(item), item)));
  SIGNET_RETURN_IF_ERROR(FsyncDir(LivePath(LineageItem::kCert).parent_path()));
  Step(hook, "links-switched");
  return OkStatus();
}

Status Lineage::FixSymlinks() {
  bool all = true;
  for (LineageItem item : kLineageItems) all = all && Exists(PreviousLink(LivePath(item), item));
  if (all) {
    for (LineageItem item : kLineageItems) {
      SIGNET_ASSIGN_OR_RETURN(fs::path target, ReadLink(PreviousLink(LivePath(item), item)));
      // certbot restores the absolute target; keep live links relative.
      if (target.is_absolute()) target = target.lexically_relative(LivePath(item).parent_path());
      SIGNET_RETURN_IF_ERROR(ReplaceSymlink(LivePath(item), target));
    }
  }
  for (LineageItem item : kLineageItems)
    SIGNET_RETURN_IF_ERROR(RemoveIfExists(PreviousLink(LivePath(item), item)));
  return OkStatus();
}

}  // namespace signet::client
