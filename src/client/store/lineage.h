// A certificate lineage exactly as certbot 2.1 keeps it (storage.py
// RenewableCert): version N of the four items lives in
// archive/NAME/{cert,chain,fullchain,privkey}N.pem; live/NAME/ITEM.pem are
// relative symlinks ("../../archive/NAME/certN.pem") to the current version;
// live/NAME/README explains them; renewal/NAME.conf names the paths and the
// renewal options. certbot reads what Signet writes and the reverse.
//
// Crash safety: a new version is written to new archive files first (each
// atomically), then the live symlinks are switched one by one with
// certbot's previous_ITEM.pem recovery links around the switch (a later
// Open, by Signet or certbot, rolls an interrupted switch back), then the
// renewal conf is rewritten atomically. A kill at any moment leaves the
// previous version linked and whole. A new lineage becomes visible (to
// certbot's listing) only when its renewal conf appears, last.
//
// Modes: archive/ and live/ 0700, archive/NAME and live/NAME 0755, private
// keys 0600 (a new version keeps the group and the group/other read bits an
// administrator gave the previous key, as certbot does), other files 0644,
// renewal/ 0755.
//
// REQUIRES: the caller holds the config directory's lock (StoreLock) for
// every operation; Open may repair an interrupted link switch. A Lineage is
// not thread-safe.
#pragma once

#include <array>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "client/store/layout.h"
#include "client/store/renewal_conf.h"

namespace signet::client {

enum class LineageItem { kCert, kPrivkey, kChain, kFullchain };
// certbot's ALL_FOUR, in its order.
inline constexpr std::array<LineageItem, 4> kLineageItems = {
    LineageItem::kCert, LineageItem::kPrivkey, LineageItem::kChain, LineageItem::kFullchain};
// "cert", "privkey", "chain", "fullchain".
std::string_view LineageItemName(LineageItem item);

// The PEM texts of one version. fullchain is cert + chain, as certbot writes.
struct CertificateFiles {
  std::string cert;     // the leaf certificate
  std::string chain;    // the certificates after the leaf
  std::string privkey;  // the private key (PEM); pass the previous one to reuse a key
  std::string fullchain() const { return cert + chain; }
};

// The live/README text certbot writes: in live/ itself with the
// "[cert name]/" prefix (`base_dir`), in live/NAME/ without.
std::string LiveReadmeText(bool base_dir);

// Test-only: called with a step name as a version is written
// ("archive-written", "link-switched:cert", ..., "links-switched",
// "conf-written"), so tests can simulate a crash at that point.
using WriteStepHook = std::function<void(std::string_view step)>;

class Lineage {
 public:
  // Creates version 1 under `name` (see ChooseLineageName), or NAME-0001,
  // NAME-0002... if renewal/NAME.conf exists. Like certbot, fails if the
  // chosen name's archive or live directory holds files, unless they are
  // what an interrupted Create left (version 1 files only), which are
  // replaced.
  static Result<Lineage> Create(const StoreLayout& layout, std::string_view name,
                                const CertificateFiles& files, const RenewalParams& params,
                                const WriteStepHook& hook = {});

  // Loads renewal/NAME.conf, rolls back an interrupted link switch and
  // checks that the four links resolve (kNotFound if there is no conf).
  static Result<Lineage> Open(const StoreLayout& layout, std::string_view name);

  // Lineage names with a renewal conf, sorted (certbot's renewal_conf_files).
  static std::vector<std::string> ListNames(const StoreLayout& layout);

  // The name a new lineage for `base` takes: the first of NAME, NAME-0001,
  // NAME-0002... without a renewal conf whose live and archive directories
  // are absent, empty, or hold only what an interrupted Create left (which
  // Create then finishes): a run killed before its conf was written leaves
  // the next run the same name, not NAME-0001.
  static std::string FreeName(const StoreLayout& layout, std::string_view base);

  // certbot's delete_files: the renewal conf, the four live links, README
  // and the live directory if then empty, the archive directory.
  static Status Delete(const StoreLayout& layout, std::string_view name);

  // Writes version N+1 (N = the newest version of any item in the archive),
  // links it and rewrites the conf with `params`. Returns N+1.
  Result<int> AddVersion(const CertificateFiles& files, const RenewalParams& params,
                         const WriteStepHook& hook = {});

  // Rewrites the renewal conf only (same paths, new params).
  Status UpdateRenewalParams(const RenewalParams& params);

  // certbot's ensure_deployed: if a complete version newer than the linked
  // one exists (a run died after writing it), links it. Returns true if
  // nothing needed doing.
  Result<bool> EnsureDeployed();

  const std::string& name() const { return name_; }
  const RenewalConf& conf() const { return conf_; }
  const std::filesystem::path& archive_dir() const { return archive_dir_; }
  // The live symlink of `item`, as the conf names it.
  std::filesystem::path LivePath(LineageItem item) const;
  std::filesystem::path ArchivePath(LineageItem item, int version) const;

  // The version `item`'s link points at.
  Result<int> CurrentVersion(LineageItem item = LineageItem::kCert) const;
  // Versions of `item` present in the archive, ascending.
  std::vector<int> AvailableVersions(LineageItem item) const;
  // The newest version all four items have (0 if none).
  int LatestCommonVersion() const;

  // The files the live links point at.
  Result<CertificateFiles> ReadCurrent() const;
  Result<CertificateFiles> ReadVersion(int version) const;
  // DNS names and notAfter of the current certificate.
  Result<std::vector<std::string>> CurrentNames() const;
  Result<std::chrono::system_clock::time_point> CurrentNotAfter() const;

 private:
  Lineage(StoreLayout layout, std::string name, RenewalConf conf);

  Status FixSymlinks();  // certbot's _fix_symlinks
  Status CheckSymlinks() const;
  Status LinkVersion(int version, const WriteStepHook& hook);  // update_all_links_to
  Status WriteConf(const RenewalParams& params);
  RenewalTargets Targets() const;

  StoreLayout layout_;
  std::string name_;
  RenewalConf conf_;
  std::filesystem::path archive_dir_;
};

}  // namespace signet::client
