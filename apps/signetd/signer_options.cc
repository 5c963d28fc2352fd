#include "signer_options.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <toml++/toml.h>

#include "base/files.h"
#include "crypto/pkcs11_signing_key.h"
#include "pki/ca_ceremony.h"

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

Result<pki::CeremonyPlan> PlanFrom(const std::string& path) {
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return Error(ErrorCode::kMalformed, path + ": " + std::string(e.description()));
  }
  static const char* kKnown[] = {"dir", "name_prefix", "alternate_chain", "pkcs11_module",
                                 "pin_file", "root", "intermediate", "alternate_root"};
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
  if (auto v = t["pkcs11_module"].value<std::string>()) plan.pkcs11_module = *v;
  SIGNET_ASSIGN_OR_RETURN(plan.pin, ReadPin(t["pin_file"].value_or(std::string())));
  for (auto [name, spec] : {std::pair{"root", &plan.root},
                            std::pair{"intermediate", &plan.intermediate},
                            std::pair{"alternate_root", &plan.alternate_root}}) {
    Status s = ReadKeySpec(t, name, *spec);
    if (!s.ok()) return Error(ErrorCode::kMalformed, path + ": " + s.error().detail);
  }
  return plan;
}

}  // namespace

CeremonyCommand::CeremonyCommand(CLI::App& app) {
  cmd_ = app.add_subcommand("ceremony",
                            "create the CA hierarchy (roots, intermediate, cross-certificate); "
                            "never overwrites");
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
