#include "crypto/key.h"

#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/pem.h>

#include <utility>

#include "base/fuzz_record.h"

namespace signet::crypto {
namespace {

// One SubjectPublicKeyInfo decoder per thread, built once: building it is
// what makes d2i_PUBKEY (and d2i_X509_REQ) slow in OpenSSL 3.0, ~75 us a
// call before it reads a byte.
class ThreadKeyDecoder {
 public:
  ThreadKeyDecoder()
      : ctx_(OSSL_DECODER_CTX_new_for_pkey(&decoded_, "DER", "SubjectPublicKeyInfo", nullptr,
                                           EVP_PKEY_PUBLIC_KEY, nullptr, nullptr)) {}
  ~ThreadKeyDecoder() { OSSL_DECODER_CTX_free(ctx_); }
  ThreadKeyDecoder(const ThreadKeyDecoder&) = delete;
  ThreadKeyDecoder& operator=(const ThreadKeyDecoder&) = delete;

  PkeyPtr Decode(std::string_view der) {
    decoded_ = nullptr;
    if (!ctx_) return nullptr;
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    size_t left = der.size();
    if (OSSL_DECODER_from_data(ctx_, &p, &left) != 1 || left != 0) {
      EVP_PKEY_free(decoded_);
      decoded_ = nullptr;
      return nullptr;
    }
    return PkeyPtr(std::exchange(decoded_, nullptr));
  }

 private:
  EVP_PKEY* decoded_ = nullptr;  // where the context's constructor puts a key
  OSSL_DECODER_CTX* ctx_;
};

}  // namespace

Key::Key(const Key& other) {
  if (other.pkey_) {
    EVP_PKEY_up_ref(other.pkey_.get());
    pkey_.reset(other.pkey_.get());
  }
}

Key& Key::operator=(const Key& other) {
  if (this != &other) {
    Key copy(other);
    pkey_ = std::move(copy.pkey_);
  }
  return *this;
}

Result<Key> Key::Generate(KeyType type, int rsa_bits) {
  EVP_PKEY* raw = nullptr;
  switch (type) {
    case KeyType::kRsa:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(rsa_bits));
      break;
    case KeyType::kEcP256:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case KeyType::kEcP384:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
      break;
    case KeyType::kEcP521:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521");
      break;
    case KeyType::kEd25519:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
  }
  if (!raw) return OsslError(ErrorCode::kServerInternal, "key generation failed");
  return Key(PkeyPtr(raw));
}

Result<Key> Key::FromPem(std::string_view pem) {
  RecordFuzzInput("pem_fuzz", pem);
  // OpenSSL reads keys only from blocks labelled "... PRIVATE KEY" ("PRIVATE
  // KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY", ...) and "... PUBLIC
  // KEY". Each PEM_read_bio_* call builds a decoder chain for every key type
  // before it looks at the text (OpenSSL 3.0: about a millisecond), so
  // text without such a label (a certificate, a CSR) is refused up front.
  const bool private_block = pem.find("PRIVATE KEY-----") != std::string_view::npos;
  const bool public_block = pem.find("PUBLIC KEY-----") != std::string_view::npos;
  if (!private_block && !public_block)
    return Error(ErrorCode::kMalformed, "cannot parse PEM key: no PRIVATE KEY or PUBLIC KEY block");
  EVP_PKEY* raw = nullptr;
  if (private_block) {
    BioPtr bio(BIO_new_mem_buf(pem.data(), int(pem.size())));
    raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  }
  if (!raw && public_block) {
    BioPtr bio(BIO_new_mem_buf(pem.data(), int(pem.size())));
    raw = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  }
  if (!raw) return OsslError(ErrorCode::kMalformed, "cannot parse PEM key");
  return Key(PkeyPtr(raw));
}

Result<Key> Key::FromPublicDer(std::string_view der) {
  thread_local ThreadKeyDecoder decoder;
  PkeyPtr key = decoder.Decode(der);
  if (!key) return OsslError(ErrorCode::kMalformed, "cannot parse public key");
  return Key(std::move(key));
}

std::string Key::Family() const {
  if (!pkey_) return "";
  switch (EVP_PKEY_get_base_id(pkey_.get())) {
    case EVP_PKEY_RSA: return "RSA";
    case EVP_PKEY_EC: return "EC";
    case EVP_PKEY_ED25519: return "OKP";
    default: return "";
  }
}

std::string Key::CurveName() const {
  if (Family() != "EC") return "";
  char name[64] = {0};
  size_t len = 0;
  if (!EVP_PKEY_get_utf8_string_param(pkey_.get(), OSSL_PKEY_PARAM_GROUP_NAME, name,
                                      sizeof(name), &len))
    return "";
  std::string n(name, len);
  if (n == "prime256v1" || n == "P-256") return "P-256";
  if (n == "secp384r1" || n == "P-384") return "P-384";
  if (n == "secp521r1" || n == "P-521") return "P-521";
  return n;
}

int Key::Bits() const { return pkey_ ? EVP_PKEY_get_bits(pkey_.get()) : 0; }

std::string Key::PrivatePem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), pkey_.get(), nullptr, nullptr, 0, nullptr, nullptr);
  return BioToString(bio.get());
}

std::string Key::PublicPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PUBKEY(bio.get(), pkey_.get());
  return BioToString(bio.get());
}

std::string Key::PublicDer() const {
  unsigned char* buf = nullptr;
  int len = i2d_PUBKEY(pkey_.get(), &buf);
  if (len <= 0) return "";
  std::string out(reinterpret_cast<char*>(buf), size_t(len));
  OPENSSL_free(buf);
  return out;
}

bool Key::SamePublicKey(const Key& other) const {
  return valid() && other.valid() && EVP_PKEY_eq(pkey_.get(), other.pkey_.get()) == 1;
}

Result<std::string> SignDigest(const Key& key, const EVP_MD* digest, std::string_view data) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (EVP_DigestSignInit(ctx.get(), nullptr, digest, nullptr, key.get()) != 1)
    return OsslError(ErrorCode::kServerInternal, "sign init failed");
  size_t len = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(data.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &len, in, data.size()) != 1)
    return OsslError(ErrorCode::kServerInternal, "sign failed");
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in,
                     data.size()) != 1)
    return OsslError(ErrorCode::kServerInternal, "sign failed");
  sig.resize(len);
  return sig;
}

bool VerifyDigest(const Key& key, const EVP_MD* digest, std::string_view data,
                  std::string_view signature) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, digest, nullptr, key.get()) != 1) {
    LastOsslError();
    return false;
  }
  int rc = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                            data.size());
  if (rc != 1) LastOsslError();
  return rc == 1;
}

}  // namespace signet::crypto
