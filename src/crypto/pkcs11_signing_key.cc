// The ENGINE API is deprecated in OpenSSL 3 but is what libp11 offers on
// Debian 12 (docs/dependencies.md); this file is its only user.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "crypto/pkcs11_signing_key.h"

#include <openssl/engine.h>

#include "crypto/evp_signing_key.h"

namespace signet::crypto {
namespace {

struct EngineDeleter {
  void operator()(ENGINE* e) const {
    ENGINE_finish(e);
    ENGINE_free(e);
  }
};

// The URI without attributes that must not reach logs (pin-value) and with
// type=private added when no type is given.
std::string Describe(const std::string& uri) {
  std::string out = "pkcs11:";
  std::string rest = uri.substr(7);
  size_t pos = 0;
  bool first = true;
  while (pos <= rest.size()) {
    size_t end = rest.find_first_of(";?", pos);
    if (end == std::string::npos) end = rest.size();
    std::string attr = rest.substr(pos, end - pos);
    if (!attr.empty() && attr.rfind("pin-", 0) != 0) {
      out += (first ? "" : ";") + attr;
      first = false;
    }
    pos = end + 1;
  }
  return out;
}

Status EngineCommand(ENGINE* e, const char* cmd, const std::string& arg) {
  if (ENGINE_ctrl_cmd_string(e, cmd, arg.c_str(), 0) != 1)
    return OsslError(ErrorCode::kServerInternal, std::string("pkcs11 engine: ") + cmd + " failed");
  return OkStatus();
}

}  // namespace

bool IsPkcs11Uri(const std::string& s) { return s.rfind("pkcs11:", 0) == 0; }

Result<std::unique_ptr<SigningKey>> OpenPkcs11SigningKey(const Pkcs11KeyOptions& options) {
  if (!IsPkcs11Uri(options.uri))
    return Error(ErrorCode::kServerInternal, "not a pkcs11: URI: " + options.uri);
  std::string description = Describe(options.uri);
  ENGINE* raw = ENGINE_by_id("pkcs11");
  if (!raw)
    return OsslError(ErrorCode::kServerInternal,
                     "the OpenSSL pkcs11 engine is not installed (Debian: libengine-pkcs11-openssl)");
  // ENGINE_by_id's structural reference; ENGINE_init adds the functional one
  // that EngineDeleter releases with it.
  if (!options.module.empty()) {
    Status s = EngineCommand(raw, "MODULE_PATH", options.module);
    if (!s.ok()) {
      ENGINE_free(raw);
      return std::move(s).error();
    }
  }
  if (ENGINE_init(raw) != 1) {
    ENGINE_free(raw);
    return OsslError(ErrorCode::kServerInternal,
                     "pkcs11 engine: cannot load module " +
                         (options.module.empty() ? std::string("(default)") : options.module));
  }
  std::shared_ptr<ENGINE> engine(raw, EngineDeleter());
  if (!options.pin.empty()) SIGNET_RETURN_IF_ERROR(EngineCommand(raw, "PIN", options.pin));
  EVP_PKEY* pkey = ENGINE_load_private_key(raw, options.uri.c_str(), nullptr, nullptr);
  if (!pkey)
    return OsslError(ErrorCode::kServerInternal,
                     "no private key " + description + " (wrong token, object or PIN?)");
  return internal::EvpSigningKey::Create(PkeyPtr(pkey), description, true,
                                         std::static_pointer_cast<void>(engine));
}

Result<std::unique_ptr<SigningKey>> OpenSigningKey(const std::string& file_or_uri,
                                                   const std::string& pin,
                                                   const std::string& module) {
  if (IsPkcs11Uri(file_or_uri)) return OpenPkcs11SigningKey({file_or_uri, pin, module});
  return LoadSigningKeyFile(file_or_uri);
}

}  // namespace signet::crypto
