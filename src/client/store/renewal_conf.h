// certbot's renewal configuration file, renewal/NAME.conf (certbot 2.1
// storage.write_renewal_config / relevant_values, renewal.py CONFIG_ITEMS):
//
//   # renew_before_expiry = 30 days
//   version = 2.1.0
//   archive_dir = /etc/letsencrypt/archive/example.com
//   cert = /etc/letsencrypt/live/example.com/cert.pem
//   privkey = /etc/letsencrypt/live/example.com/privkey.pem
//   chain = /etc/letsencrypt/live/example.com/chain.pem
//   fullchain = /etc/letsencrypt/live/example.com/fullchain.pem
//
//   # Options used in the renewal process
//   [renewalparams]
//   account = 6e76c2a552ff39fc78ddbf2585513b8b
//   authenticator = webroot
//   webroot_path = /var/www,
//   server = https://acme-v02.api.letsencrypt.org/directory
//   key_type = ecdsa
//   [[webroot_map]]
//   example.com = /var/www
//
// Values are Python's str() of certbot's option values: ints as digits,
// booleans "True"/"False", None as "None", lists as configobj lists
// ("a, b", or "a," for one element).
//
// RenewalConf is a plain value; not thread-safe for concurrent mutation.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "client/store/configobj.h"

namespace signet::client {

// The certbot release whose files Signet writes; recorded as `version`.
inline constexpr std::string_view kCertbotCompatVersion = "2.1.0";
// constants.RENEWER_DEFAULTS["renew_before_expiry"].
inline constexpr std::string_view kDefaultRenewBeforeExpiry = "30 days";

// What a conf records about where a lineage lives (absolute paths).
struct RenewalTargets {
  std::string archive_dir;
  std::string cert;       // live/NAME/cert.pem
  std::string privkey;    // live/NAME/privkey.pem
  std::string chain;      // live/NAME/chain.pem
  std::string fullchain;  // live/NAME/fullchain.pem
};

// The options certbot records in [renewalparams] (storage.relevant_values):
// every renewal-relevant option that was set (cli.option_was_set), in the
// order of certbot's argument namespace, then `server` and `key_type`,
// which are always recorded. Keys Signet does not know keep their order
// after the known ones. Start from RenewalConf::Params() when rewriting an
// existing conf, so options of plugins Signet lacks survive a renewal.
class RenewalParams {
 public:
  // An option given explicitly (or differing from certbot's default).
  // "webroot_map" is a section: Set ignores it, use SetWebrootMap.
  void Set(std::string_view key, ConfValue value);
  void Set(std::string_view key, std::string value) { Set(key, ConfValue::Str(std::move(value))); }
  void SetBool(std::string_view key, bool value) { Set(key, value ? "True" : "False"); }
  void SetInt(std::string_view key, long value) { Set(key, std::to_string(value)); }
  void SetList(std::string_view key, std::vector<std::string> values) {
    Set(key, ConfValue::List(std::move(values)));
  }
  // `server` or `key_type` when they come from defaults: certbot appends
  // them after the explicitly set options. An explicit Set wins.
  void SetAlwaysSaved(std::string_view key, std::string value);
  // The webroot plugin's domain -> path map ([[webroot_map]]), in the order
  // the domains were answered.
  void SetWebrootMap(std::vector<std::pair<std::string, std::string>> map);
  bool Remove(std::string_view key);

  // Scalars in the order certbot writes them into a new file.
  std::vector<std::pair<std::string, ConfValue>> OrderedValues() const;
  const std::optional<std::vector<std::pair<std::string, std::string>>>& webroot_map() const {
    return webroot_map_;
  }
  const ConfValue* Find(std::string_view key) const;

 private:
  std::vector<std::pair<std::string, ConfValue>> set_;
  std::vector<std::pair<std::string, ConfValue>> always_;
  std::optional<std::vector<std::pair<std::string, std::string>>> webroot_map_;
};

class RenewalConf {
 public:
  RenewalConf() = default;
  static Result<RenewalConf> Parse(std::string_view text);
  static Result<RenewalConf> Load(const std::filesystem::path& path);

  // certbot's write_renewal_config applied to this conf (an empty conf for a
  // new lineage): sets version, archive_dir and the four paths, creates
  // [renewalparams] with its comment if missing, sets `params` there
  // (existing keys keep their place, new ones are appended) and drops the
  // keys `params` lacks, and writes the "# renew_before_expiry = 30 days"
  // initial comment unless renew_before_expiry is set. Other top-level keys,
  // sections and comments are kept.
  void Update(const RenewalTargets& targets, const RenewalParams& params,
              std::string_view version = kCertbotCompatVersion);

  // The file text, byte for byte as certbot (configobj) would write it.
  Result<std::string> Serialize() const;

  // storage.RenewableCert's check: the four file references are present.
  Status Validate() const;

  std::string TopLevel(std::string_view key) const;  // "" when absent/a list
  std::string version() const { return TopLevel("version"); }
  std::string archive_dir() const { return TopLevel("archive_dir"); }
  std::string cert() const { return TopLevel("cert"); }
  std::string privkey() const { return TopLevel("privkey"); }
  std::string chain() const { return TopLevel("chain"); }
  std::string fullchain() const { return TopLevel("fullchain"); }
  // The renew_before_expiry interval, default "30 days".
  std::string renew_before_expiry() const;

  // [renewalparams] access; nullopt when absent.
  std::optional<std::string> Param(std::string_view key) const;
  // A list option; a plain string counts as a one-element list (as
  // certbot's restore functions treat it).
  std::optional<std::vector<std::string>> ParamList(std::string_view key) const;
  // configobj's as_bool (true/false, yes/no, on/off, 1/0; any case);
  // nullopt when absent or not a boolean.
  std::optional<bool> ParamBool(std::string_view key) const;
  std::vector<std::pair<std::string, std::string>> WebrootMap() const;
  // All of [renewalparams] as RenewalParams, in file order.
  RenewalParams Params() const;

  const ConfigObjDocument& document() const { return doc_; }
  ConfigObjDocument& mutable_document() { return doc_; }

 private:
  explicit RenewalConf(ConfigObjDocument doc) : doc_(std::move(doc)) {}
  const ConfSection* renewalparams() const { return doc_.root.FindSection("renewalparams"); }

  ConfigObjDocument doc_;
};

}  // namespace signet::client
