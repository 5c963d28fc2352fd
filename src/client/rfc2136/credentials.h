// certbot-dns-rfc2136's credentials INI file (a configobj file):
//   dns_rfc2136_server     IP address of the primary (a host name is refused)
//   dns_rfc2136_port       default 53
//   dns_rfc2136_name       TSIG key name
//   dns_rfc2136_secret     TSIG key secret (base64)
//   dns_rfc2136_algorithm  HMAC-MD5 (default), HMAC-SHA1, HMAC-SHA224,
//                          HMAC-SHA256, HMAC-SHA384, HMAC-SHA512; any case
//   dns_rfc2136_sign_query "true" (any case): TSIG-sign the SOA lookup too
//                          (certbot >= 2.6; earlier versions differ)
// Errors use certbot's wording (certbot/plugins/dns_common.py,
// certbot_dns_rfc2136/_internal/dns_rfc2136.py). Plain values.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace signet::client::rfc2136 {

struct Credentials {
  std::string server;
  int port = 53;
  std::string key_name;
  std::string secret;
  std::string algorithm = "HMAC-MD5";  // upper case, one of the six above
  bool sign_query = false;
};

// Parses the text of `path` (named in errors).
Result<Credentials> ParseCredentials(std::string_view text, const std::string& path);

// Reads and parses `path`. Calls `warn` with certbot's warning when the file
// grants anything to "other" (certbot's has_world_permissions).
Result<Credentials> LoadCredentials(const std::filesystem::path& path,
                                    const std::function<void(const std::string&)>& warn);

// The TSIG algorithm's domain name (RFC 8945 6), as ldns wants it, e.g.
// "hmac-sha256." for HMAC-SHA256; "" for an unknown algorithm.
std::string TsigAlgorithmName(std::string_view algorithm);

}  // namespace signet::client::rfc2136
