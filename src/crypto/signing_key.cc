#include "crypto/signing_key.h"

#include <sys/stat.h>

#include <cstdio>

#include <openssl/ocsp.h>

#include "base/files.h"
#include "crypto/evp_signing_key.h"

namespace signet::crypto {
namespace internal {
namespace {

// The AlgorithmIdentifier X509_sign writes for this key: RFC 4055 2.1 (RSA,
// NULL parameters), RFC 5758 3.2 (ECDSA, none), RFC 8410 3 (Ed25519, none).
Result<std::string> AlgorithmIdFor(const Key& key) {
  std::string family = key.Family();
  int nid = family == "OKP"   ? NID_ED25519
            : family == "RSA" ? NID_sha256WithRSAEncryption
            : family == "EC"  ? NID_ecdsa_with_SHA256
                              : NID_undef;
  if (nid == NID_undef) return Error(ErrorCode::kServerInternal, "unsupported signing key type");
  X509_ALGOR* algorithm = X509_ALGOR_new();
  if (!algorithm) return OsslError(ErrorCode::kServerInternal, "out of memory");
  X509_ALGOR_set0(algorithm, OBJ_nid2obj(nid), family == "RSA" ? V_ASN1_NULL : V_ASN1_UNDEF,
                  nullptr);
  unsigned char* der = nullptr;
  int len = i2d_X509_ALGOR(algorithm, &der);
  X509_ALGOR_free(algorithm);
  if (len <= 0) return OsslError(ErrorCode::kServerInternal, "cannot encode the algorithm");
  std::string out(reinterpret_cast<const char*>(der), size_t(len));
  OPENSSL_free(der);
  return out;
}

}  // namespace

Result<std::unique_ptr<SigningKey>> EvpSigningKey::Create(PkeyPtr private_key,
                                                          std::string description, bool serialize,
                                                          std::shared_ptr<void> keep_alive) {
  if (!private_key) return Error(ErrorCode::kServerInternal, description + ": no key");
  std::unique_ptr<EvpSigningKey> key(new EvpSigningKey());
  key->keep_alive_ = std::move(keep_alive);
  // The public half, decoded afresh from its SubjectPublicKeyInfo so that it
  // carries nothing of the private key (nor of an engine).
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(private_key.get(), &der);
  if (len <= 0) return OsslError(ErrorCode::kServerInternal, description + ": no public key");
  auto pub = Key::FromPublicDer(std::string_view(reinterpret_cast<const char*>(der), size_t(len)));
  OPENSSL_free(der);
  if (!pub.ok()) return Error(ErrorCode::kServerInternal, description + ": " + pub.error().detail);
  key->public_key_ = std::move(*pub);
  SIGNET_ASSIGN_OR_RETURN(key->algorithm_id_, AlgorithmIdFor(key->public_key_));
  key->private_key_ = std::move(private_key);
  key->description_ = std::move(description);
  key->serialize_ = serialize;
  return std::unique_ptr<SigningKey>(std::move(key));
}

const EVP_MD* EvpSigningKey::Digest() const {
  return public_key_.Family() == "OKP" ? nullptr : EVP_sha256();
}

std::unique_lock<std::mutex> EvpSigningKey::Lock() const {
  return serialize_ ? std::unique_lock<std::mutex>(mu_) : std::unique_lock<std::mutex>();
}

Result<std::string> EvpSigningKey::Sign(std::string_view data) const {
  auto lock = Lock();
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, Digest(), nullptr, private_key_.get()) != 1)
    return OsslError(ErrorCode::kServerInternal, description_ + ": sign init failed");
  const auto* in = reinterpret_cast<const unsigned char*>(data.data());
  size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, in, data.size()) != 1)
    return OsslError(ErrorCode::kServerInternal, description_ + ": sign failed");
  std::string signature(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len, in,
                     data.size()) != 1)
    return OsslError(ErrorCode::kServerInternal, description_ + ": sign failed");
  signature.resize(len);
  return signature;
}

Status EvpSigningKey::SignCertificate(X509* cert) const {
  auto lock = Lock();
  if (X509_sign(cert, private_key_.get(), Digest()) <= 0)
    return OsslError(ErrorCode::kServerInternal, description_ + ": cannot sign certificate");
  return OkStatus();
}

Status EvpSigningKey::SignOcspResponse(OCSP_BASICRESP* basic, X509* responder_cert) const {
  auto lock = Lock();
  if (OCSP_basic_sign(basic, responder_cert, private_key_.get(), Digest(), nullptr,
                      OCSP_RESPID_KEY) != 1)
    return OsslError(ErrorCode::kServerInternal, description_ + ": cannot sign OCSP response");
  return OkStatus();
}

}  // namespace internal

std::unique_ptr<SigningKey> MemorySigningKey(Key private_key, std::string description) {
  // Key shares its EVP_PKEY by reference count: take one more reference.
  EVP_PKEY* pkey = private_key.get();
  if (pkey) EVP_PKEY_up_ref(pkey);
  auto key = internal::EvpSigningKey::Create(PkeyPtr(pkey), std::move(description), false);
  return key.ok() ? std::move(*key) : nullptr;
}

Status CheckKeyFileMode(const std::filesystem::path& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return Error(ErrorCode::kServerInternal, "cannot read key file " + path.string());
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%04o", unsigned(st.st_mode & 07777));
    return Error(ErrorCode::kServerInternal,
                 "key file " + path.string() + " has mode " + mode +
                     ", open to group or others; make it 0600 (chmod 600)");
  }
  return OkStatus();
}

Result<std::unique_ptr<SigningKey>> LoadSigningKeyFile(const std::filesystem::path& path) {
  SIGNET_RETURN_IF_ERROR(CheckKeyFileMode(path));
  SIGNET_ASSIGN_OR_RETURN(std::string pem, ReadFile(path));
  auto key = Key::FromPem(pem);
  if (!key.ok()) return Error(ErrorCode::kServerInternal, path.string() + ": " + key.error().detail);
  EVP_PKEY* pkey = key->get();
  EVP_PKEY_up_ref(pkey);
  return internal::EvpSigningKey::Create(PkeyPtr(pkey), "file " + path.string(), false);
}

}  // namespace signet::crypto
