// revoke, delete, certificates: the verbs that look after existing lineages.
#include <ctime>
#include <filesystem>
#include <map>

#include "base/files.h"
#include "client/agent/commands.h"
#include "client/agent/prompt.h"
#include "client/agent/renewal_check.h"
#include "client/agent/report.h"
#include "client/agent/session.h"
#include "client/store/lineage.h"
#include "client/store/lock.h"
#include "crypto/key.h"
#include "pki/certificate.h"

namespace signet::client {
namespace {

constexpr char kDefaultServer[] = "https://acme-v02.api.letsencrypt.org/directory";

int ReasonCode(const std::string& reason) {
  static const std::map<std::string, int> kCodes = {{"unspecified", 0}, {"keycompromise", 1},
                                                    {"affiliationchanged", 3}, {"superseded", 4},
                                                    {"cessationofoperation", 5}};
  auto it = kCodes.find(reason);
  return it == kCodes.end() ? -1 : it->second;
}

// The lineage name of a path like CONFIG/live/NAME/cert.pem, if it is one.
std::string LineageOfPath(const AgentOptions& o, const std::string& path) {
  std::filesystem::path p = std::filesystem::absolute(path);
  std::filesystem::path live = std::filesystem::absolute(StoreLayout(o.config_dir).live_dir());
  if (p.parent_path().parent_path() == live) return p.parent_path().filename().string();
  return "";
}

std::string FormatDate(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[40];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S+00:00", &tm);
  return buf;
}

}  // namespace

int Revoke(const AgentOptions& o) {
  Output out(o.quiet, o.verbose);
  int reason = ReasonCode(o.reason);
  if (reason < 0) return out.Fail("unknown --reason " + o.reason), 1;
  if (o.cert_path.empty() == o.cert_name.empty())
    return out.Fail("exactly one of --cert-path or --cert-name must be specified"), 1;
  StoreLayout layout(o.config_dir);
  std::string lineage_name = o.cert_name;
  std::string cert_path = o.cert_path;
  std::string server = o.server;
  if (!o.cert_name.empty())
    cert_path = (layout.LiveDir(o.cert_name) / "cert.pem").string();
  else
    lineage_name = LineageOfPath(o, o.cert_path);
  if (!lineage_name.empty()) {
    auto lineage = Lineage::Open(layout, lineage_name);
    if (!lineage.ok()) return out.Fail("cannot read lineage " + lineage_name, lineage.error()), 1;
    if (o.server == kDefaultServer)
      server = lineage->conf().Param("server").value_or(o.server);
  }
  auto pem = ReadFile(cert_path);
  if (!pem.ok()) return out.Fail("cannot read " + cert_path), 1;
  auto cert = pki::CertFromPem(*pem);
  if (!cert.ok()) return out.Fail(cert_path + " is not a PEM certificate"), 1;
  std::string der = pki::CertToDer(cert->get());

  Status revoked;
  if (!o.key_path.empty()) {
    auto key_pem = ReadFile(o.key_path);
    if (!key_pem.ok()) return out.Fail("cannot read " + o.key_path), 1;
    auto key = crypto::Key::FromPem(*key_pem);
    if (!key.ok()) return out.Fail(o.key_path + " is not a private key"), 1;
    http::Client http(http::ClientConfig{http::DefaultCaFileFromEnv()});
    KeySigner signer(*key);
    AcmeClient acme(http, signer, server);
    revoked = acme.RevokeCertificateWithKey(der, reason, signer);
  } else {
    auto session = Session::Open(o, server, out, false);
    if (!session.ok()) return out.Fail("account", session.error()), 1;
    revoked = (*session)->acme().RevokeCertificate(der, reason);
  }
  if (!revoked.ok()) return out.Fail("revocation failed", revoked.error()), 1;
  out.Step("Congratulations! You have successfully revoked the certificate that was located at " +
           cert_path + ".");
  // certbot: --delete-after-revoke, --no-delete-after-revoke, else ask on a
  // terminal (default yes) and delete without one.
  bool remove = o.delete_after_revoke;
  if (!remove && !o.no_delete_after_revoke) {
    auto yes = Prompter(o.interactive).YesNo(
        "Would you like to delete the certificate(s) you just revoked, along with all earlier "
        "and later versions of the certificate?");
    remove = yes.value_or(true);
  }
  if (!lineage_name.empty() && remove) {
    auto lock = StoreLock::LockDir(o.config_dir);
    Status s = Lineage::Delete(layout, lineage_name);
    if (!s.ok()) return out.Fail("could not delete " + lineage_name, s.error()), 1;
    out.Step("Deleted all files relating to certificate " + lineage_name + ".");
  }
  return 0;
}

int Delete(const AgentOptions& o) {
  Output out(o.quiet, o.verbose);
  if (o.cert_name.empty()) return out.Fail("--cert-name is required to delete a certificate"), 1;
  StoreLayout layout(o.config_dir);
  if (!std::filesystem::exists(layout.RenewalConfPath(o.cert_name)))
    return out.Fail("no certificate named " + o.cert_name + " in " + o.config_dir), 1;
  auto lock = StoreLock::LockDir(o.config_dir);
  if (!lock.ok()) return out.Fail("another instance of signet or certbot is running"), 1;
  Status s = Lineage::Delete(layout, o.cert_name);
  if (!s.ok()) return out.Fail("could not delete " + o.cert_name, s.error()), 1;
  std::error_code ignored;  // the lineage's ARI cache (renewal_check.h)
  std::filesystem::remove(AriStatePath(layout, o.cert_name), ignored);
  out.Step("Deleted all files relating to certificate " + o.cert_name + ".");
  return 0;
}

int Certificates(const AgentOptions& o) {
  StoreLayout layout(o.config_dir);
  std::vector<std::string> names = Lineage::ListNames(layout);
  if (!o.cert_name.empty()) names.erase(std::remove_if(names.begin(), names.end(),
                                                       [&](const auto& n) { return n != o.cert_name; }),
                                        names.end());
  auto now = std::chrono::system_clock::now();
  std::vector<LineageInfo> lineages;
  for (const auto& name : names) lineages.push_back(ReadLineageInfo(layout, name));
  if (o.json) {
    PrintJson(CertificatesJson(lineages, now));
    return 0;
  }
  if (names.empty()) {
    std::cout << "No certificates found." << std::endl;
    return 0;
  }
  std::cout << "Found the following certs:" << std::endl;
  for (const LineageInfo& l : lineages) {
    std::cout << "  Certificate Name: " << l.name << "\n";
    if (!l.error.empty() || !l.not_after) {
      std::cout << "    (unreadable: " << l.error << ")\n";
      continue;
    }
    std::string domains;
    for (const auto& d : l.domains) domains += (domains.empty() ? "" : " ") + d;
    long days = long(std::chrono::duration_cast<std::chrono::hours>(*l.not_after - now).count() / 24);
    std::cout << "    Serial Number: " << l.serial << "\n"
              << "    Key Type: " << (l.key_type == "RSA" ? "RSA" : "ECDSA") << "\n"
              << "    Domains: " << domains << "\n"
              << "    Expiry Date: " << FormatDate(*l.not_after)
              << (days >= 0 ? " (VALID: " + std::to_string(days) + " days)" : " (INVALID: EXPIRED)")
              << "\n"
              << "    Certificate Path: " << l.fullchain_path << "\n"
              << "    Private Key Path: " << l.privkey_path << std::endl;
  }
  return 0;
}

}  // namespace signet::client
