#include "client/agent/report.h"

#include <boost/json.hpp>
#include <iostream>

#include "client/store/lineage.h"
#include "crypto/key.h"
#include "pki/acme_tls_cert.h"
#include "pki/ari_cert_id.h"
#include "pki/certificate.h"

namespace signet::client {
namespace json = boost::json;

namespace {

json::value TimeOrNull(const std::optional<TimePoint>& t) {
  if (!t) return nullptr;
  return json::value(FormatRfc3339Time(*t));
}

json::value StringOrNull(const std::string& s) {
  if (s.empty()) return nullptr;
  return json::value(s);
}

json::array Strings(const std::vector<std::string>& v) {
  json::array out;
  for (const auto& s : v) out.emplace_back(s);
  return out;
}

}  // namespace

LineageInfo ReadLineageInfo(const StoreLayout& layout, const std::string& name) {
  LineageInfo info;
  info.name = name;
  auto lineage = Lineage::Open(layout, name);
  if (!lineage.ok()) {
    info.error = lineage.error().detail;
    return info;
  }
  info.cert_path = lineage->LivePath(LineageItem::kCert).string();
  info.chain_path = lineage->LivePath(LineageItem::kChain).string();
  info.fullchain_path = lineage->LivePath(LineageItem::kFullchain).string();
  info.privkey_path = lineage->LivePath(LineageItem::kPrivkey).string();
  info.preferred_profile = lineage->conf().Param("preferred_profile").value_or("");
  info.required_profile = lineage->conf().Param("required_profile").value_or("");
  info.server = lineage->conf().Param("server").value_or("");
  auto files = lineage->ReadCurrent();
  auto cert = files.ok() ? pki::CertFromPem(files->cert) : Result<crypto::X509Ptr>(files.error());
  if (!cert.ok()) {
    info.error = cert.error().detail;
    return info;
  }
  // The names the certificate holds: DNS names, then IP addresses (RFC 8738).
  info.domains = pki::DnsSans(cert->get());
  for (std::string& ip : pki::IpSans(cert->get())) info.domains.push_back(std::move(ip));
  info.serial = pki::SerialHex(cert->get());
  info.not_before = pki::NotBefore(cert->get());
  info.not_after = pki::NotAfter(cert->get());
  auto key = crypto::Key::FromPem(files->privkey);
  if (key.ok()) info.key_type = key->Family() == "RSA" ? "RSA" : "ECDSA";
  auto ari = LoadAriState(AriStatePath(layout, name));
  if (ari && ari->cert_id == pki::AriCertIdOf(cert->get())) info.ari = ari;
  return info;
}

json::object LineageJson(const LineageInfo& info, TimePoint now) {
  std::string status = !info.error.empty() || !info.not_after ? "unreadable"
                       : now < *info.not_after                ? "valid"
                                                              : "expired";
  json::value ari = nullptr;
  if (info.ari)
    ari = json::object{{"cert_id", info.ari->cert_id},
                       {"window_start", FormatRfc3339Time(info.ari->window_start)},
                       {"window_end", FormatRfc3339Time(info.ari->window_end)},
                       {"renew_at", FormatRfc3339Time(info.ari->renew_at)},
                       {"next_poll", FormatRfc3339Time(info.ari->next_poll)},
                       {"explanation_url", StringOrNull(info.ari->explanation_url)}};
  return json::object{
      {"name", info.name},
      {"domains", Strings(info.domains)},
      {"serial", StringOrNull(info.serial)},
      {"key_type", StringOrNull(info.key_type)},
      {"not_before", TimeOrNull(info.not_before)},
      {"expiry", TimeOrNull(info.not_after)},
      {"status", status},
      {"error", StringOrNull(info.error)},
      {"paths", json::object{{"cert", StringOrNull(info.cert_path)},
                             {"chain", StringOrNull(info.chain_path)},
                             {"fullchain", StringOrNull(info.fullchain_path)},
                             {"privkey", StringOrNull(info.privkey_path)}}},
      {"preferred_profile", StringOrNull(info.preferred_profile)},
      {"required_profile", StringOrNull(info.required_profile)},
      {"server", StringOrNull(info.server)},
      {"ari", std::move(ari)}};
}

json::object CertificatesJson(const std::vector<LineageInfo>& lineages, TimePoint now) {
  json::array out;
  for (const auto& l : lineages) out.push_back(LineageJson(l, now));
  return json::object{{"certificates", std::move(out)}};
}

json::object RunJson(const std::string& command, bool dry_run,
                     const std::vector<RunOutcome>& outcomes) {
  json::array renewed, obtained, skipped, failed;
  for (const RunOutcome& o : outcomes) {
    json::object entry{{"name", StringOrNull(o.name)}, {"domains", Strings(o.domains)}};
    switch (o.kind) {
      case RunOutcome::kRenewed:
      case RunOutcome::kObtained:
        entry["reason"] = StringOrNull(o.reason);
        entry["serial"] = StringOrNull(o.serial);
        entry["expiry"] = TimeOrNull(o.expiry);
        entry["cert_path"] = StringOrNull(o.cert_path);
        (o.kind == RunOutcome::kRenewed ? renewed : obtained).push_back(std::move(entry));
        break;
      case RunOutcome::kSkipped:
        entry["reason"] = o.reason;
        entry["basis"] = StringOrNull(o.basis);
        entry["renew_at"] = TimeOrNull(o.renew_at);
        skipped.push_back(std::move(entry));
        break;
      case RunOutcome::kFailed:
        entry["error"] = o.reason;
        failed.push_back(std::move(entry));
        break;
    }
  }
  return json::object{{"command", command},         {"dry_run", dry_run},
                      {"renewed", std::move(renewed)}, {"obtained", std::move(obtained)},
                      {"skipped", std::move(skipped)}, {"failed", std::move(failed)}};
}

void PrintJson(const json::object& doc) { std::cout << json::serialize(doc) << std::endl; }

}  // namespace signet::client
