#include "signer_options.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <toml++/toml.h>

#include "base/files.h"
#include "crypto/pkcs11_signing_key.h"
#include "pki/ca_ceremony.h"
#include "pki/certificate.h"
#include "pki/ocsp_signing_cert.h"
#include "toml_number.h"

namespace signet::app {

namespace fs = std::filesystem;

void AddSignerOptions(CLI::App& serve, CaConfig& config) {
  serve.add_option("--signer", config.signer,
                   "the intermediate's key: a PEM key file (0600) or a PKCS#11 URI "
                   "'pkcs11:token=...;object=...' (default: DATA-DIR/intermediate.key)");
  serve.add_option("--signer-pin-file", config.signer_pin_file,
                   "file holding the token's user PIN (0600; default: $SIGNETD_SIGNER_PIN)");
  serve.add_option("--pkcs11-module", config.pkcs11_module,
                   "PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so (default: p11-kit's proxy)");
  serve.add_option("--ocsp-responder-cert", config.ocsp_responder_cert,
                   "a delegated OCSP responder certificate made by `signetd ceremony` (needs "
                   "--ocsp; default: serve issues one at start, its key in memory)");
  serve.add_option("--ocsp-responder-signer", config.ocsp_responder_signer,
                   "its key: a PEM key file (0600) or a PKCS#11 URI (default: the certificate's "
                   "path with .key for .pem); PIN and module as for --signer");
  serve.add_flag("--create-hierarchy", config.create_hierarchy,
                 "create a CA hierarchy in an empty data directory (implied by "
                 "--allow-loopback-validation; for a real CA run `signetd ceremony`)");
}

Result<std::string> ReadPin(const std::string& pin_file) {
  if (pin_file.empty()) {
    const char* env = std::getenv(kSignerPinEnv);
    return std::string(env ? env : "");
  }
  SIGNET_RETURN_IF_ERROR(crypto::CheckKeyFileMode(pin_file));
  SIGNET_ASSIGN_OR_RETURN(std::string pin, ReadFile(pin_file));
  size_t end = pin.find_first_of("\r\n");
  return end == std::string::npos ? pin : pin.substr(0, end);
}

Result<std::shared_ptr<const crypto::SigningKey>> IntermediateSigner(const CaConfig& config) {
  std::string key = config.signer.empty()
                        ? (fs::path(config.data_dir) / "intermediate.key").string()
                        : config.signer;
  SIGNET_ASSIGN_OR_RETURN(std::string pin, ReadPin(config.signer_pin_file));
  SIGNET_ASSIGN_OR_RETURN(std::unique_ptr<crypto::SigningKey> signer,
                          crypto::OpenSigningKey(key, pin, config.pkcs11_module));
  return std::shared_ptr<const crypto::SigningKey>(std::move(signer));
}

Result<std::shared_ptr<const pki::Issuer>> OcspResponderFrom(const CaConfig& config,
                                                             const pki::Issuer& intermediate) {
  if (config.ocsp_responder_cert.empty()) {
    if (!config.ocsp_responder_signer.empty())
      return Error(ErrorCode::kMalformed, "--ocsp-responder-signer needs --ocsp-responder-cert");
    return std::shared_ptr<const pki::Issuer>();
  }
  if (!config.ocsp)
    return Error(ErrorCode::kMalformed,
                 "--ocsp-responder-cert is given but the OCSP responder is off (add --ocsp)");
  const std::string& cert_path = config.ocsp_responder_cert;
  std::string key = config.ocsp_responder_signer;
  if (key.empty()) key = fs::path(cert_path).replace_extension(".key").string();
  SIGNET_ASSIGN_OR_RETURN(std::string pem, ReadFile(cert_path));
  SIGNET_ASSIGN_OR_RETURN(crypto::X509Ptr cert, pki::CertFromPem(pem));
  SIGNET_ASSIGN_OR_RETURN(std::string pin, ReadPin(config.signer_pin_file));
  auto signer = crypto::OpenSigningKey(key, pin, config.pkcs11_module);
  if (!signer.ok() && config.ocsp_responder_signer.empty())
    return Error(signer.error().code,
                 signer.error().detail +
                     " (the default key of --ocsp-responder-cert; name its key with "
                     "--ocsp-responder-signer FILE|pkcs11:URI)");
  if (!signer.ok()) return std::move(signer).error();
  auto responder = std::make_shared<const pki::Issuer>(
      pki::Issuer{std::move(cert), std::shared_ptr<const crypto::SigningKey>(std::move(*signer))});
  Status ok = pki::CheckOcspResponder(*responder, intermediate.cert.get(), pki::Clock::now());
  if (!ok.ok()) return Error(ok.error().code, cert_path + ": " + ok.error().detail);
  return std::shared_ptr<const pki::Issuer>(std::move(responder));
}

Status EnsureHierarchy(const CaConfig& config) {
  fs::path dir(config.data_dir);
  std::error_code ec;
  if (fs::exists(dir / "root.pem", ec)) return OkStatus();
  if (!config.allow_loopback_validation && !config.create_hierarchy)
    return Error(ErrorCode::kServerInternal,
                 (dir / "root.pem").string() +
                     " not found: make the CA hierarchy with `signetd ceremony --config FILE` "
                     "(or pass --create-hierarchy for a throwaway CA)");
  pki::CeremonyPlan plan;
  plan.dir = dir;
  if (crypto::IsPkcs11Uri(config.signer)) {
    plan.intermediate.key = config.signer;
    SIGNET_ASSIGN_OR_RETURN(plan.pin, ReadPin(config.signer_pin_file));
    plan.pkcs11_module = config.pkcs11_module;
  } else if (!config.signer.empty()) {
    return Error(ErrorCode::kServerInternal,
                 "--signer " + config.signer + " names a key file, but " +
                     (dir / "root.pem").string() +
                     " does not exist: run `signetd ceremony` to certify that key");
  }
  SIGNET_RETURN_IF_ERROR(pki::RunCeremony(plan));
  return OkStatus();
}

namespace {

Result<crypto::KeyType> KeyTypeFrom(const std::string& name, int* rsa_bits) {
  if (name == "P-256") return crypto::KeyType::kEcP256;
  if (name == "P-384") return crypto::KeyType::kEcP384;
  for (int bits : {2048, 3072, 4096})
    if (name == "RSA-" + std::to_string(bits)) {
      *rsa_bits = bits;
      return crypto::KeyType::kRsa;
    }
  return Error(ErrorCode::kMalformed,
               "key type \"" + name + "\": expected P-256, P-384, RSA-2048, RSA-3072 or RSA-4096");
}

Status ReadKeySpec(const toml::table& t, const char* name, pki::CeremonyKey& spec) {
  const toml::table* sub = t[name].as_table();
  if (!sub) return OkStatus();
  for (const auto& [k, v] : *sub)
    if (k != "key" && k != "type")
      return Error(ErrorCode::kMalformed,
                   "[" + std::string(name) + "]: unknown key \"" + std::string(k.str()) + "\"");
  if (auto v = (*sub)["key"].value<std::string>()) spec.key = *v;
  if (auto v = (*sub)["type"].value<std::string>()) {
    SIGNET_ASSIGN_OR_RETURN(spec.type, KeyTypeFrom(*v, &spec.rsa_bits));
  }
  return OkStatus();
}

// [[ocsp_responder]] (or one [ocsp_responder] table): name, key, type, validity_days.
Status ReadResponder(const toml::table& t, pki::CeremonyOcspResponder& responder) {
  for (const auto& [k, v] : t)
    if (k != "name" && k != "key" && k != "type" && k != "validity_days")
      return Error(ErrorCode::kMalformed,
                   "[[ocsp_responder]]: unknown key \"" + std::string(k.str()) + "\"");
  if (auto v = t["name"].value<std::string>()) responder.name = *v;
  if (auto v = t["key"].value<std::string>()) responder.key.key = *v;
  if (auto v = t["type"].value<std::string>()) {
    SIGNET_ASSIGN_OR_RETURN(responder.key.type, KeyTypeFrom(*v, &responder.key.rsa_bits));
  }
  if (t.contains("validity_days")) {
    auto days = TomlInt(t["validity_days"]);
    if (!days || *days < 1 || *days > 3650)
      return Error(ErrorCode::kMalformed,
                   "[[ocsp_responder]] " + responder.name + ": validity_days must be 1 to 3650");
    responder.validity = std::chrono::days(*days);
  }
  return OkStatus();
}

Status ReadResponders(const toml::table& t, std::vector<pki::CeremonyOcspResponder>& out) {
  const toml::node* node = t.get("ocsp_responder");
  if (!node) return OkStatus();
  std::vector<const toml::table*> tables;
  if (const toml::table* one = node->as_table()) tables.push_back(one);
  if (const toml::array* many = node->as_array())
    for (const toml::node& n : *many) tables.push_back(n.as_table());
  if (tables.empty())
    return Error(ErrorCode::kMalformed, "ocsp_responder must be a table ([[ocsp_responder]])");
  for (const toml::table* table : tables) {
    if (!table)
      return Error(ErrorCode::kMalformed, "ocsp_responder must be a table ([[ocsp_responder]])");
    out.emplace_back();
    SIGNET_RETURN_IF_ERROR(ReadResponder(*table, out.back()));
  }
  return OkStatus();
}

Result<pki::CeremonyPlan> PlanFrom(const std::string& path) {
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return Error(ErrorCode::kMalformed, path + ": " + std::string(e.description()));
  }
  static const char* kKnown[] = {"dir", "name_prefix", "alternate_chain", "pkcs11_module",
                                 "pin_file", "root", "intermediate", "alternate_root",
                                 "hierarchy", "ocsp_responder"};
  for (const auto& [k, v] : t) {
    bool known = false;
    for (const char* name : kKnown) known = known || k == name;
    if (!known)
      return Error(ErrorCode::kMalformed, path + ": unknown key \"" + std::string(k.str()) + "\"");
  }
  pki::CeremonyPlan plan;
  auto dir = t["dir"].value<std::string>();
  if (!dir) return Error(ErrorCode::kMalformed, path + ": dir (where the certificates go) is required");
  plan.dir = *dir;
  if (auto v = t["name_prefix"].value<std::string>()) plan.name_prefix = *v;
  if (auto v = t["alternate_chain"].value<bool>()) plan.alternate_chain = *v;
  if (auto v = t["hierarchy"].value<bool>()) plan.hierarchy = *v;
  if (auto v = t["pkcs11_module"].value<std::string>()) plan.pkcs11_module = *v;
  SIGNET_ASSIGN_OR_RETURN(plan.pin, ReadPin(t["pin_file"].value_or(std::string())));
  for (auto [name, spec] : {std::pair{"root", &plan.root},
                            std::pair{"intermediate", &plan.intermediate},
                            std::pair{"alternate_root", &plan.alternate_root}}) {
    Status s = ReadKeySpec(t, name, *spec);
    if (!s.ok()) return Error(ErrorCode::kMalformed, path + ": " + s.error().detail);
  }
  Status responders = ReadResponders(t, plan.ocsp_responders);
  if (!responders.ok())
    return Error(ErrorCode::kMalformed, path + ": " + responders.error().detail);
  return plan;
}

}  // namespace

CeremonyCommand::CeremonyCommand(CLI::App& app) {
  cmd_ = app.add_subcommand("ceremony",
                            "create the CA hierarchy (roots, intermediate, cross-certificate) "
                            "and OCSP responder certificates; never overwrites");
  cmd_->add_option("--config", config_file_, "TOML file describing the hierarchy")->required();
}

int CeremonyCommand::Run() {
  auto plan = PlanFrom(config_file_);
  if (!plan.ok()) {
    std::cerr << "signetd ceremony: " << plan.error().detail << "\n";
    return 2;
  }
  auto made = pki::RunCeremony(*plan);
  if (!made.ok()) {
    std::cerr << "signetd ceremony: " << made.error().detail << "\n";
    return 1;
  }
  for (const std::string& line : *made) std::cout << line << "\n";
  return 0;
}

}  // namespace signet::app
