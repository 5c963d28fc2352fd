#include "config.h"

#include <toml++/toml.h>

#include <algorithm>

#include "base/files.h"
#include "base/fuzz_record.h"
#include "ct_options.h"
#include "pause_options.h"
#include "profile_config.h"
#include "toml_number.h"

namespace signet::app {

Status LoadConfigFile(const std::string& path, CaConfig& c) {
  if (!FuzzRecordDir().empty()) {
    if (auto text = ReadFile(path); text.ok()) RecordFuzzInput("toml_config_fuzz", *text);
  }
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return Error(ErrorCode::kMalformed, "config " + path + ": " + std::string(e.description()));
  }
  auto str = [&](const char* key, std::string& out) {
    if (auto v = t[key].value<std::string>()) out = *v;
  };
  auto port = [&](const char* key, uint16_t& out) {
    if (auto v = TomlInt(t[key])) out = uint16_t(*v);
  };
  str("data_dir", c.data_dir);
  str("store", c.store);
  str("listen", c.listen);
  str("dns_resolver", c.dns_resolver);
  port("http01_port", c.http01_port);
  port("tlsalpn01_port", c.tlsalpn01_port);
  port("http01_https_port", c.http01_https_port);
  if (auto v = TomlInt(t["validation_timeout_ms"])) c.validation_timeout_ms = int(*v);
  if (auto v = t["allow_loopback_validation"].value<bool>()) c.allow_loopback_validation = *v;
  str("tls_cert", c.tls_cert);
  str("tls_key", c.tls_key);
  str("signer", c.signer);
  str("signer_pin_file", c.signer_pin_file);
  str("pkcs11_module", c.pkcs11_module);
  str("ocsp_responder_cert", c.ocsp_responder_cert);
  str("ocsp_responder_signer", c.ocsp_responder_signer);
  if (auto v = t["create_hierarchy"].value<bool>()) c.create_hierarchy = *v;
  if (auto v = TomlInt(t["threads"])) c.threads = int(*v);
  if (auto v = TomlInt(t["handler_threads"])) c.handler_threads = int(*v);
  if (auto v = TomlInt(t["max_connections"])) c.max_connections = size_t(*v);
  if (auto v = TomlInt(t["max_connections_per_address"]))
    c.max_connections_per_address = size_t(*v);
  if (auto v = TomlInt(t["validation_workers"])) c.validation_workers = int(*v);
  if (auto v = TomlInt(t["challenge_answer_wait_ms"]))
    c.challenge_answer_wait_ms = int(std::clamp<int64_t>(*v, 0, 10000));
  if (auto v = TomlInt(t["validation_queue_capacity"]))
    c.validation_queue_capacity = size_t(*v);
  str("log_level", c.log_level);
  str("log_format", c.log_format);
  str("log_file", c.log_file);
  if (auto v = TomlInt(t["shutdown_timeout_seconds"]))
    c.shutdown_timeout_seconds = int(std::clamp<int64_t>(*v, -1, 86400));
  str("terms_of_service", c.terms_of_service);
  auto list = [&](const char* key, std::vector<std::string>& out) {
    if (const toml::array* a = t[key].as_array()) {
      out.clear();
      for (const auto& v : *a)
        if (auto s = v.value<std::string>()) out.push_back(*s);
    }
  };
  list("caa_identities", c.caa_identities);
  list("blocklist", c.blocklist);
  if (auto v = TomlInt(t["max_rsa_key_bits"]))
    c.max_rsa_key_bits = int(std::clamp<int64_t>(*v, 0, 1 << 20));  // Validate() says why
  list("dns_trust_anchor_files", c.dns_trust_anchor_files);
  if (auto v = t["dnssec"].value<bool>()) c.dnssec = *v;
  if (auto v = t["eab_required"].value<bool>()) c.eab_required = *v;
  LoadPauseOptions(t, c);
  str("rate_limits", c.rate_limits);
  LoadCtOptions(t, c);
  list("remote_vas", c.remote_vas);
  str("remote_va_ca", c.remote_va_ca);
  str("remote_va_cert", c.remote_va_cert);
  str("remote_va_key", c.remote_va_key);
  if (auto v = TomlInt(t["remote_va_timeout_ms"])) c.remote_va_timeout_ms = int(*v);
  if (auto v = t["allow_incomplete_mpic"].value<bool>()) c.allow_incomplete_mpic = *v;
  str("client_ca", c.client_ca);
  str("rir", c.rir);
  str("http_listen", c.http_listen);
  str("operator_listen", c.operator_listen);
  str("public_base_url", c.public_base_url);
  str("acme_base_url", c.acme_base_url);
  if (auto v = t["ocsp"].value<bool>()) c.ocsp = *v;
  if (auto v = TomlInt(t["crl_shards"])) c.crl_shards = int(*v);
  if (auto v = TomlInt(t["crl_interval_minutes"])) c.crl_interval_minutes = int(*v);
  return LoadProfiles(t, c);
}

Result<std::pair<std::string, uint16_t>> SplitHostPort(const std::string& s) {
  size_t colon = s.rfind(':');
  if (colon == std::string::npos || colon + 1 == s.size())
    return Error(ErrorCode::kMalformed, "expected HOST:PORT, got \"" + s + "\"");
  std::string host = s.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  int port = 0;
  try {
    size_t used = 0;
    port = std::stoi(s.substr(colon + 1), &used);
    if (used != s.size() - colon - 1) port = -1;
  } catch (...) {
    port = -1;
  }
  if (port <= 0 || port > 65535) return Error(ErrorCode::kMalformed, "bad port in \"" + s + "\"");
  return std::make_pair(host, uint16_t(port));
}

}  // namespace signet::app
