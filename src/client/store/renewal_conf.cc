#include "client/store/renewal_conf.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "base/files.h"

namespace signet::client {
namespace {

// The renewal-relevant options in the order certbot 2.1's argument
// namespace holds them (vars(namespace) filtered by storage._relevant), as
// printed by certbot's own parser.
constexpr std::array<std::string_view, 27> kNamespaceOrder = {
    "reuse_key",
    "allow_subset_of_names",
    "account",
    "http01_port",
    "http01_address",
    "rsa_key_size",
    "key_type",
    "elliptic_curve",
    "must_staple",
    "preferred_chain",
    "pref_challs",
    "pre_hook",
    "post_hook",
    "renew_hook",
    "autorenew",
    "user_agent",
    "config_dir",
    "work_dir",
    "logs_dir",
    "server",
    "authenticator",
    "installer",
    "manual_auth_hook",
    "manual_cleanup_hook",
    "manual_public_ip_logging_ok",
    "webroot_path",
    "webroot_map",
};

size_t NamespaceRank(std::string_view key) {
  auto it = std::find(kNamespaceOrder.begin(), kNamespaceOrder.end(), key);
  return size_t(it - kNamespaceOrder.begin());  // unknown keys: after all
}

using Entries = std::vector<std::pair<std::string, ConfValue>>;

Entries::iterator FindEntry(Entries& entries, std::string_view key) {
  return std::find_if(entries.begin(), entries.end(),
                      [&](const auto& e) { return e.first == key; });
}

constexpr std::string_view kRenewalParams = "renewalparams";
constexpr std::string_view kWebrootMap = "webroot_map";

}  // namespace

void RenewalParams::Set(std::string_view key, ConfValue value) {
  if (key == kWebrootMap) return;  // a section; see SetWebrootMap
  auto always = FindEntry(always_, key);
  if (always != always_.end()) always_.erase(always);
  auto it = FindEntry(set_, key);
  if (it != set_.end()) {
    it->second = std::move(value);
  } else {
    set_.emplace_back(std::string(key), std::move(value));
  }
}

void RenewalParams::SetAlwaysSaved(std::string_view key, std::string value) {
  if (FindEntry(set_, key) != set_.end()) return;
  auto it = FindEntry(always_, key);
  if (it != always_.end()) {
    it->second = ConfValue::Str(std::move(value));
  } else {
    always_.emplace_back(std::string(key), ConfValue::Str(std::move(value)));
  }
}

void RenewalParams::SetWebrootMap(std::vector<std::pair<std::string, std::string>> map) {
  webroot_map_ = std::move(map);
}

bool RenewalParams::Remove(std::string_view key) {
  if (key == kWebrootMap) {
    bool had = webroot_map_.has_value();
    webroot_map_.reset();
    return had;
  }
  for (Entries* entries : {&set_, &always_}) {
    auto it = FindEntry(*entries, key);
    if (it != entries->end()) {
      entries->erase(it);
      return true;
    }
  }
  return false;
}

const ConfValue* RenewalParams::Find(std::string_view key) const {
  for (const Entries* entries : {&set_, &always_})
    for (const auto& [k, v] : *entries)
      if (k == key) return &v;
  return nullptr;
}

Entries RenewalParams::OrderedValues() const {
  Entries ordered = set_;
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    return NamespaceRank(a.first) < NamespaceRank(b.first);
  });
  ordered.insert(ordered.end(), always_.begin(), always_.end());
  return ordered;
}

Result<RenewalConf> RenewalConf::Parse(std::string_view text) {
  SIGNET_ASSIGN_OR_RETURN(ConfigObjDocument doc, ParseConfigObj(text));
  return RenewalConf(std::move(doc));
}

Result<RenewalConf> RenewalConf::Load(const std::filesystem::path& path) {
  SIGNET_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  Result<RenewalConf> conf = Parse(text);
  if (!conf.ok())
    return Error(ErrorCode::kMalformed,
                 "error parsing " + path.string() + ": " + conf.error().detail);
  return conf;
}

void RenewalConf::Update(const RenewalTargets& targets, const RenewalParams& params,
                         std::string_view version) {
  ConfSection& root = doc_.root;
  root.Set("version", ConfValue::Str(std::string(version)));
  root.Set("archive_dir", ConfValue::Str(targets.archive_dir));
  root.Set("cert", ConfValue::Str(targets.cert));
  root.Set("privkey", ConfValue::Str(targets.privkey));
  root.Set("chain", ConfValue::Str(targets.chain));
  root.Set("fullchain", ConfValue::Str(targets.fullchain));

  ConfSection* section = root.FindSection(kRenewalParams);
  if (section == nullptr) {
    section = &root.SetSection(kRenewalParams, ConfSection());
    root.SetComments(kRenewalParams, {"", "Options used in the renewal process"});
  }
  Entries values = params.OrderedValues();
  for (const auto& [key, value] : values) section->Set(key, value);
  if (params.webroot_map()) {
    ConfSection map;
    for (const auto& [domain, path] : *params.webroot_map()) map.Set(domain, ConfValue::Str(path));
    section->SetSection(kWebrootMap, std::move(map));
  }
  std::vector<std::string> stale;
  for (const ConfSection::Scalar& s : section->scalars())
    if (params.Find(s.key) == nullptr) stale.push_back(s.key);
  for (const ConfSection::Sub& sub : section->sections())
    if (sub.name != kWebrootMap || !params.webroot_map()) stale.push_back(sub.name);
  for (const std::string& key : stale) section->Remove(key);

  if (!root.Contains("renew_before_expiry"))
    doc_.initial_comment = {"renew_before_expiry = " + std::string(kDefaultRenewBeforeExpiry)};
}

Result<std::string> RenewalConf::Serialize() const { return WriteConfigObj(doc_); }

Status RenewalConf::Validate() const {
  for (std::string_view key : {"cert", "privkey", "chain", "fullchain"}) {
    const ConfValue* v = doc_.root.Find(key);
    if (v == nullptr || v->is_list || v->scalar.empty())
      return Error(
          ErrorCode::kMalformed,
          "renewal config file is missing a required file reference (" + std::string(key) + ")");
  }
  return OkStatus();
}

std::string RenewalConf::TopLevel(std::string_view key) const {
  const ConfValue* v = doc_.root.Find(key);
  return v && !v->is_list ? v->scalar : "";
}

std::string RenewalConf::renew_before_expiry() const {
  std::string value = TopLevel("renew_before_expiry");
  return value.empty() ? std::string(kDefaultRenewBeforeExpiry) : value;
}

std::optional<std::string> RenewalConf::Param(std::string_view key) const {
  const ConfSection* section = renewalparams();
  const ConfValue* v = section ? section->Find(key) : nullptr;
  if (v == nullptr || v->is_list) return std::nullopt;
  return v->scalar;
}

std::optional<std::vector<std::string>> RenewalConf::ParamList(std::string_view key) const {
  const ConfSection* section = renewalparams();
  const ConfValue* v = section ? section->Find(key) : nullptr;
  if (v == nullptr) return std::nullopt;
  if (v->is_list) return v->list;
  return std::vector<std::string>{v->scalar};
}

std::optional<bool> RenewalConf::ParamBool(std::string_view key) const {
  std::optional<std::string> v = Param(key);
  if (!v) return std::nullopt;
  std::string lower = *v;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  if (lower == "true" || lower == "yes" || lower == "on" || lower == "1") return true;
  if (lower == "false" || lower == "no" || lower == "off" || lower == "0") return false;
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> RenewalConf::WebrootMap() const {
  std::vector<std::pair<std::string, std::string>> map;
  const ConfSection* section = renewalparams();
  const ConfSection* sub = section ? section->FindSection(kWebrootMap) : nullptr;
  if (sub == nullptr) return map;
  for (const ConfSection::Scalar& s : sub->scalars())
    if (!s.value.is_list) map.emplace_back(s.key, s.value.scalar);
  return map;
}

RenewalParams RenewalConf::Params() const {
  RenewalParams params;
  const ConfSection* section = renewalparams();
  if (section == nullptr) return params;
  for (const ConfSection::Scalar& s : section->scalars()) params.Set(s.key, s.value);
  if (section->FindSection(kWebrootMap)) params.SetWebrootMap(WebrootMap());
  return params;
}

}  // namespace signet::client
