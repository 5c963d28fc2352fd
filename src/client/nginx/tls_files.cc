#include "client/nginx/tls_files.h"

#include "base/files.h"
#include "client/nginx/parser.h"
#include "crypto/digest.h"

namespace signet::client::nginx {
namespace fs = std::filesystem;

const std::string& BuiltinOptionsConf() {
  static const std::string kText =
      "# TLS settings shared by the nginx server blocks signet manages (signet\n"
      "# writes this file when certbot's copy is not installed; the directives\n"
      "# follow Mozilla's intermediate configuration). Edit with care: a\n"
      "# changed file is left alone by later runs of signet and certbot.\n"
      "\n"
      "ssl_session_cache shared:le_nginx_SSL:10m;\n"
      "ssl_session_timeout 1440m;\n"
      "ssl_session_tickets off;\n"
      "\n"
      "ssl_protocols TLSv1.2 TLSv1.3;\n"
      "ssl_prefer_server_ciphers off;\n"
      "\n"
      "ssl_ciphers \"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
      "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:"
      "ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384\";\n";
  return kText;
}

const std::string& BuiltinDhparams() {
  static const std::string kPem =
      "-----BEGIN DH PARAMETERS-----\n"
      "MIIBCAKCAQEA//////////+t+FRYortKmq/cViAnPTzx2LnFg84tNpWp4TZBFGQz\n"
      "+8yTnc4kmz75fS/jY2MMddj2gbICrsRhetPfHtXV/WVhJDP1H18GbtCFY2VVPe0a\n"
      "87VXE15/V8k1mE8McODmi3fipona8+/och3xWKE2rec1MKzKT0g6eXq8CrGCsyT7\n"
      "YdEIqUuyyOP7uWrat2DX9GgdT0Kj3jlN9K5W7edjcrsZCwenyO4KbXCeAvzhzffi\n"
      "7MA0BM0oNC9hkXL+nOmFg/+OTxIy7vKBg8P+OxtMb61zO7X8vC7CIAXFjvGDfRaD\n"
      "ssbzSibBsu/6iGtCOGEoXJf//////////wIBAg==\n"
      "-----END DH PARAMETERS-----\n";
  return kPem;
}

std::vector<std::string> OptionsDirectives(const fs::path& options_conf) {
  std::vector<std::string> names;
  auto text = ReadFile(options_conf);
  auto parsed = ParseConfig(text.ok() ? *text : BuiltinOptionsConf());
  if (!parsed.ok()) return names;
  for (const auto& d : *parsed) names.push_back(d.name());
  return names;
}

namespace {

void AddIfMissing(const fs::path& dest, const fs::path& digest, const fs::path& source,
                  const std::string& builtin,
                  std::vector<std::pair<fs::path, std::string>>& out) {
  if (fs::exists(dest)) return;
  auto packaged = ReadFile(source);
  std::string bytes = packaged.ok() ? *packaged : builtin;
  out.emplace_back(digest, crypto::HexEncode(crypto::Sha256(bytes)));
  out.emplace_back(dest, std::move(bytes));
}

}  // namespace

std::vector<std::pair<fs::path, std::string>> MissingTlsFiles(const fs::path& config_dir,
                                                              const TlsFileSources& sources) {
  std::vector<std::pair<fs::path, std::string>> out;
  AddIfMissing(config_dir / kOptionsConfName, config_dir / kOptionsDigestName,
               sources.options_conf, BuiltinOptionsConf(), out);
  AddIfMissing(config_dir / kDhparamsName, config_dir / kDhparamsDigestName, sources.dhparams,
               BuiltinDhparams(), out);
  return out;
}

}  // namespace signet::client::nginx
