// CheckSubscriberKeyEncoding (key_policy.h): the SubjectPublicKeyInfo a CSR
// carries, and the certificate copies, must be the canonical DER of its key.
//
// The canonical form is written here from the key's numbers rather than by
// i2d_PUBKEY: OpenSSL 3's key encoder builds a provider encoder context on
// every call (about 50 us, as much again as decoding the whole CSR). RSA
// keys are re-encoded from n and e; for EC keys see CanonicalEc.
#include <openssl/core_names.h>

#include <string>
#include <string_view>

#include "pki/crl_der.h"
#include "pki/key_policy.h"

namespace signet::pki {

namespace {

using internal::DerConcat;
using internal::DerTlv;

// AlgorithmIdentifier { rsaEncryption, NULL } (RFC 3279 2.3.1).
constexpr std::string_view kRsaAlgorithm(
    "\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01\x05\x00", 15);
// id-ecPublicKey and the named curves (RFC 5480 2.1.1).
constexpr std::string_view kEcPublicKeyOid("\x06\x07\x2a\x86\x48\xce\x3d\x02\x01", 9);
constexpr std::string_view kP256Oid("\x06\x08\x2a\x86\x48\xce\x3d\x03\x01\x07", 10);
constexpr std::string_view kP384Oid("\x06\x05\x2b\x81\x04\x00\x22", 7);

Status Reject(const std::string& reason) {
  crypto::LastOsslError();  // Drop whatever OpenSSL queued on the way.
  return Error(ErrorCode::kBadCsr, reason);
}

// The DER of the key's AlgorithmIdentifier and the contents of its
// subjectPublicKey BIT STRING (without the unused-bits octet).
struct CanonicalSpki {
  std::string algorithm;
  std::string key;
};

// The key's number `param`, big-endian in as few octets as it needs.
bool BignumBytes(const EVP_PKEY* pkey, const char* param, std::string* out) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, param, &raw) != 1) return false;
  crypto::BignumPtr value(raw);
  int len = BN_num_bytes(value.get());
  out->assign(size_t(len), '\0');
  return BN_bn2bin(value.get(), reinterpret_cast<unsigned char*>(out->data())) == len;
}

// INTEGER of a non-negative value given as big-endian octets without leading zeros.
std::string DerUnsignedInteger(std::string magnitude) {
  if (magnitude.empty() || (static_cast<unsigned char>(magnitude[0]) & 0x80))
    magnitude.insert(magnitude.begin(), '\0');
  return DerTlv(internal::kDerInteger, magnitude);
}

bool CanonicalRsa(const crypto::Key& key, CanonicalSpki* out) {
  std::string n, e;
  if (!BignumBytes(key.get(), OSSL_PKEY_PARAM_RSA_N, &n) ||
      !BignumBytes(key.get(), OSSL_PKEY_PARAM_RSA_E, &e))
    return false;
  out->algorithm = std::string(kRsaAlgorithm);
  // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
  out->key = DerConcat(internal::kDerSequence,
                       {DerUnsignedInteger(std::move(n)), DerUnsignedInteger(std::move(e))});
  return true;
}

// For EC keys only the algorithm identifier is built: OpenSSL's decoder took
// the point from exactly the key bits (SEC 1 2.3.4: it refuses any other
// length, and coordinates not below p), so bits that are an uncompressed
// point of the curve's length are the point's one encoding. Re-encoding it
// from the key would cost about 5 us per CSR and prove nothing more.
bool CanonicalEc(const crypto::Key& key, std::string_view bits, CanonicalSpki* out) {
  std::string curve = key.CurveName();
  std::string_view curve_oid = curve == "P-256"   ? kP256Oid
                               : curve == "P-384" ? kP384Oid
                                                  : std::string_view();
  size_t width = curve == "P-256" ? 32 : 48;
  if (curve_oid.empty()) return false;
  out->algorithm = DerConcat(internal::kDerSequence, {kEcPublicKeyOid, curve_oid});
  out->key = bits.size() == 1 + 2 * width && bits[0] == 0x04 ? std::string(bits) : "";
  return true;
}

// Reasons an EC key is not in the form Let's Encrypt requires, named first
// because clients can act on them.
Status CheckEcForm(const X509_ALGOR* algorithm, std::string_view bits) {
  int param_type = V_ASN1_UNDEF;
  X509_ALGOR_get0(nullptr, &param_type, nullptr, algorithm);
  if (param_type != V_ASN1_OBJECT)
    return Reject("EC public key must name its curve (explicit parameters are not accepted)");
  if (bits.empty() || bits[0] != 0x04) return Reject("EC public key point must be uncompressed");
  return OkStatus();
}

Status CheckRsaForm(const X509_ALGOR* algorithm, std::string_view bits,
                    std::string_view canonical_key) {
  int param_type = V_ASN1_UNDEF;
  X509_ALGOR_get0(nullptr, &param_type, nullptr, algorithm);
  if (param_type != V_ASN1_NULL)
    return Reject("RSA public key algorithm must have NULL parameters (RFC 3279 2.3.1)");
  if (bits.size() > canonical_key.size() && bits.substr(0, canonical_key.size()) == canonical_key)
    return Reject("RSA public key has data after the RSAPublicKey");
  return OkStatus();
}

std::string AlgorithmDer(const X509_ALGOR* algorithm) {
  unsigned char* der = nullptr;
  int len = i2d_X509_ALGOR(algorithm, &der);
  if (len <= 0) return "";
  std::string out(reinterpret_cast<char*>(der), size_t(len));
  OPENSSL_free(der);
  return out;
}

}  // namespace

Status CheckSubscriberKeyEncoding(const X509_PUBKEY* spki, const crypto::Key& key) {
  const unsigned char* raw_bits = nullptr;
  int bits_len = 0;
  X509_ALGOR* algorithm = nullptr;
  if (!spki || !key.valid() ||
      X509_PUBKEY_get0_param(nullptr, &raw_bits, &bits_len, &algorithm, spki) != 1)
    return Reject("public key cannot be read");
  std::string_view bits(reinterpret_cast<const char*>(raw_bits), size_t(bits_len));
  CanonicalSpki canonical;
  int type = EVP_PKEY_get_base_id(key.get());
  if (type == EVP_PKEY_EC) {
    SIGNET_RETURN_IF_ERROR(CheckEcForm(algorithm, bits));
    if (!CanonicalEc(key, bits, &canonical)) return Reject("EC public key cannot be re-encoded");
  } else if (type == EVP_PKEY_RSA) {
    if (!CanonicalRsa(key, &canonical)) return Reject("RSA public key cannot be re-encoded");
    SIGNET_RETURN_IF_ERROR(CheckRsaForm(algorithm, bits, canonical.key));
  } else {
    return Reject("public key type is not supported (use RSA or ECDSA P-256/P-384)");
  }
  if (AlgorithmDer(algorithm) != canonical.algorithm)
    return Reject("public key algorithm identifier is not in canonical DER");
  if (bits != canonical.key)
    return Reject("public key is not in canonical DER (it must re-encode to the same bytes)");
  return OkStatus();
}

}  // namespace signet::pki
