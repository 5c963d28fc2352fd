#include "client/rfc2136/credentials.h"

#include <arpa/inet.h>
#include <sys/stat.h>

#include <vector>

#include "base/files.h"
#include "client/store/configobj.h"

namespace signet::client::rfc2136 {
namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
  return out;
}

bool IsIpAddress(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

}  // namespace

std::string TsigAlgorithmName(std::string_view algorithm) {
  std::string a = Upper(algorithm);
  if (a == "HMAC-MD5") return "hmac-md5.sig-alg.reg.int.";
  for (const char* sha : {"SHA1", "SHA224", "SHA256", "SHA384", "SHA512"})
    if (a == std::string("HMAC-") + sha) {
      std::string name = "hmac-" + std::string(sha) + ".";
      for (char& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
      return name;
    }
  return "";
}

Result<Credentials> ParseCredentials(std::string_view text, const std::string& path) {
  auto doc = ParseConfigObj(text);
  if (!doc.ok())
    return Error(ErrorCode::kMalformed,
                 "Error parsing credentials configuration: " + doc.error().detail);
  auto get = [&](const char* key) -> std::string {
    const ConfValue* v = doc->root.Find(std::string("dns_rfc2136_") + key);
    return v && !v->is_list ? v->scalar : "";
  };
  // certbot lists every missing required key in one message; one line here.
  std::vector<std::string> missing;
  for (auto [key, label] :
       {std::pair{"name", "TSIG key name"}, std::pair{"secret", "TSIG key secret"},
        std::pair{"server", "The target DNS server"}}) {
    std::string full = std::string("dns_rfc2136_") + key;
    if (!doc->root.Find(full))
      missing.push_back("Property \"" + full + "\" not found (should be " + label + ").");
    else if (get(key).empty())
      missing.push_back("Property \"" + full + "\" not set (should be " + label + ").");
  }
  if (!missing.empty()) {
    std::string msg = std::string("Missing ") + (missing.size() == 1 ? "property" : "properties") +
                      " in credentials configuration file " + path + ":";
    for (const auto& m : missing) msg += " * " + m;
    return Error(ErrorCode::kMalformed, msg);
  }
  Credentials c;
  c.server = get("server");
  if (!IsIpAddress(c.server))
    return Error(ErrorCode::kMalformed, "The configured target DNS server (" + c.server +
                                            ") is not a valid IPv4 or IPv6 address. A hostname "
                                            "is not allowed.");
  if (std::string port = get("port"); !port.empty()) {
    char* end = nullptr;
    long p = std::strtol(port.c_str(), &end, 10);
    if (*end != '\0' || p < 1 || p > 65535)
      return Error(ErrorCode::kMalformed,
                   "dns_rfc2136_port in " + path + " is not a port: " + port);
    c.port = int(p);
  }
  c.key_name = get("name");
  c.secret = get("secret");
  if (std::string alg = get("algorithm"); !alg.empty()) {
    if (TsigAlgorithmName(alg).empty())
      return Error(ErrorCode::kMalformed, "Unknown algorithm: " + alg + ".");
    c.algorithm = Upper(alg);
  }
  c.sign_query = Upper(get("sign_query")) == "TRUE";
  return c;
}

Result<Credentials> LoadCredentials(const std::filesystem::path& path,
                                    const std::function<void(const std::string&)>& warn) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return Error(ErrorCode::kMalformed, "File not found: " + path.string());
  if (std::filesystem::is_directory(path, ec))
    return Error(ErrorCode::kMalformed, "Path is a directory: " + path.string());
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & S_IRWXO) && warn)
    warn("Unsafe permissions on credentials configuration file: " + path.string());
  SIGNET_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseCredentials(text, path.string());
}

}  // namespace signet::client::rfc2136
