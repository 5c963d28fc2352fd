// The two files certbot's nginx plugin shares between every server block it
// manages, in the config dir: options-ssl-nginx.conf (TLS protocol and
// cipher settings) and ssl-dhparams.pem (RFC 7919 ffdhe2048), each with the
// digest file certbot uses to tell an untouched copy (which it may update)
// from one the operator edited (which it leaves alone).
//
// When certbot's own copies are installed (Debian's python3-certbot-nginx),
// signet installs them byte for byte, so certbot sees its own file and keeps
// updating it; otherwise signet writes its own file with the same
// directives. An existing file is never overwritten. See
// docs/dependencies.md.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/result.h"

namespace signet::client::nginx {

inline constexpr const char* kOptionsConfName = "options-ssl-nginx.conf";
inline constexpr const char* kOptionsDigestName = ".updated-options-ssl-nginx-conf-digest.txt";
inline constexpr const char* kDhparamsName = "ssl-dhparams.pem";
inline constexpr const char* kDhparamsDigestName = ".updated-ssl-dhparams-pem-digest.txt";

// Where certbot's packaged copies live (overridable for tests).
struct TlsFileSources {
  std::filesystem::path options_conf =
      "/usr/lib/python3/dist-packages/certbot_nginx/_internal/tls_configs/options-ssl-nginx.conf";
  std::filesystem::path dhparams = "/usr/lib/python3/dist-packages/certbot/ssl-dhparams.pem";
};

// signet's own options file, used when certbot's is not installed.
const std::string& BuiltinOptionsConf();
// RFC 7919 ffdhe2048 as `openssl genpkey -genparam -algorithm DH -pkeyopt
// group:ffdhe2048` prints it.
const std::string& BuiltinDhparams();

// The directives the options file sets (a server block setting one itself
// does not get the include).
std::vector<std::string> OptionsDirectives(const std::filesystem::path& options_conf);

// The files to create in `config_dir` (each file and its digest) when
// absent, with their contents; an existing file is left as it is.
std::vector<std::pair<std::filesystem::path, std::string>> MissingTlsFiles(
    const std::filesystem::path& config_dir, const TlsFileSources& sources);

}  // namespace signet::client::nginx
