#include "pki/cert_builder.h"

#include <ctime>

namespace signet::pki::internal {

using crypto::OsslError;
using crypto::X509Ptr;

namespace {

Status SetSerial(X509* cert, const std::string& serial) {
  crypto::BignumPtr bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(serial.data()),
                                 int(serial.size()), nullptr));
  if (!bn) return OsslError(ErrorCode::kServerInternal, "cannot decode serial");
  crypto::Asn1IntegerPtr asn1(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (!asn1 || X509_set_serialNumber(cert, asn1.get()) != 1)
    return OsslError(ErrorCode::kServerInternal, "cannot set serial");
  return OkStatus();
}

Status SetValidity(X509* cert, Clock::time_point not_before, Clock::time_point not_after) {
  if (not_after <= not_before)
    return Error(ErrorCode::kServerInternal, "certificate validity ends before it starts");
  // ASN1_TIME_set picks UTCTime before 2050 and GeneralizedTime after (RFC 5280).
  if (!ASN1_TIME_set(X509_getm_notBefore(cert), Clock::to_time_t(not_before)) ||
      !ASN1_TIME_set(X509_getm_notAfter(cert), Clock::to_time_t(not_after)))
    return OsslError(ErrorCode::kServerInternal, "cannot set validity");
  return OkStatus();
}

Status SetSubject(X509* cert, const std::string& cn) {
  crypto::X509NamePtr name(X509_NAME_new());
  if (!name) return OsslError(ErrorCode::kServerInternal, "out of memory");
  if (!cn.empty() &&
      X509_NAME_add_entry_by_NID(name.get(), NID_commonName, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(cn.c_str()),
                                 int(cn.size()), -1, 0) != 1)
    return OsslError(ErrorCode::kServerInternal, "cannot set subject commonName");
  if (X509_set_subject_name(cert, name.get()) != 1)
    return OsslError(ErrorCode::kServerInternal, "cannot set subject");
  return OkStatus();
}

// The algorithm (with its parameters) and key bits of `from`, copied into
// the certificate's SubjectPublicKeyInfo without decoding the key.
Status CopySpki(const X509_PUBKEY* from, X509* cert) {
  const unsigned char* bits = nullptr;
  int bits_len = 0;
  X509_ALGOR* algorithm = nullptr;
  if (X509_PUBKEY_get0_param(nullptr, &bits, &bits_len, &algorithm, from) != 1)
    return OsslError(ErrorCode::kServerInternal, "cannot read the subject public key");
  return SetSpki(X509_get_X509_PUBKEY(cert), algorithm, bits, bits_len);
}

}  // namespace

Result<X509Ptr> NewCert(const CertSpec& spec, X509* issuer) {
  if (!spec.public_key || !spec.public_key->valid())
    return Error(ErrorCode::kServerInternal, "certificate has no public key");
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1)
    return OsslError(ErrorCode::kServerInternal, "cannot create certificate");
  SIGNET_RETURN_IF_ERROR(SetSerial(cert.get(), spec.serial));
  SIGNET_RETURN_IF_ERROR(SetValidity(cert.get(), spec.not_before, spec.not_after));
  SIGNET_RETURN_IF_ERROR(SetSubject(cert.get(), spec.subject_cn));
  X509_NAME* issuer_name =
      issuer ? X509_get_subject_name(issuer) : X509_get_subject_name(cert.get());
  if (X509_set_issuer_name(cert.get(), issuer_name) != 1)
    return OsslError(ErrorCode::kServerInternal, "cannot set issuer");
  if (spec.spki) {
    SIGNET_RETURN_IF_ERROR(CopySpki(spec.spki, cert.get()));
  } else if (X509_set_pubkey(cert.get(), spec.public_key->get()) != 1) {
    return OsslError(ErrorCode::kServerInternal, "cannot set public key");
  }
  return cert;
}

Status SetSpki(X509_PUBKEY* to, const X509_ALGOR* algorithm, const unsigned char* bits,
               int bits_len) {
  const ASN1_OBJECT* oid = nullptr;
  X509_ALGOR_get0(&oid, nullptr, nullptr, algorithm);
  if (!to || !oid || bits_len <= 0)
    return Error(ErrorCode::kServerInternal, "no subject public key to set");
  auto* bits_copy = static_cast<unsigned char*>(OPENSSL_memdup(bits, size_t(bits_len)));
  ASN1_OBJECT* oid_copy = OBJ_dup(oid);
  // V_ASN1_EOC: set the algorithm and key bits; the parameters follow below.
  if (!bits_copy || !oid_copy ||
      X509_PUBKEY_set0_param(to, oid_copy, V_ASN1_EOC, nullptr, bits_copy, bits_len) != 1) {
    OPENSSL_free(bits_copy);
    ASN1_OBJECT_free(oid_copy);
    return OsslError(ErrorCode::kServerInternal, "cannot set the subject public key");
  }
  X509_ALGOR* to_alg = nullptr;
  if (X509_PUBKEY_get0_param(nullptr, nullptr, nullptr, &to_alg, to) != 1 ||
      X509_ALGOR_copy(to_alg, algorithm) != 1)
    return OsslError(ErrorCode::kServerInternal, "cannot set the subject key algorithm");
  return OkStatus();
}

Status AddConfExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  crypto::X509ExtPtr ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
    return OsslError(ErrorCode::kServerInternal,
                     std::string("cannot add extension ") + OBJ_nid2sn(nid) + "=" + value);
  return OkStatus();
}

Status SignCert(X509* cert, const crypto::Key& key) {
  const EVP_MD* md = key.Family() == "OKP" ? nullptr : EVP_sha256();
  if (X509_sign(cert, key.get(), md) <= 0)
    return OsslError(ErrorCode::kServerInternal, "cannot sign certificate");
  return OkStatus();
}

Status SetSignatureAlgorithm(X509* cert, const crypto::Key& key) {
  std::string family = key.Family();
  int nid = family == "OKP" ? NID_ED25519
            : family == "RSA" ? NID_sha256WithRSAEncryption
                              : NID_ecdsa_with_SHA256;
  // RFC 4055 2.1: RSA with a NULL parameter; RFC 5758 3.2 and RFC 8410 3:
  // ECDSA and Ed25519 with none. As X509_sign writes them.
  int param_type = family == "RSA" ? V_ASN1_NULL : V_ASN1_UNDEF;
  // OpenSSL exposes the TBS algorithm only as const; X509_sign itself
  // overwrites this same field.
  auto* algorithm = const_cast<X509_ALGOR*>(X509_get0_tbs_sigalg(cert));
  if (X509_ALGOR_set0(algorithm, OBJ_nid2obj(nid), param_type, nullptr) != 1)
    return OsslError(ErrorCode::kServerInternal, "cannot set the signature algorithm");
  return OkStatus();
}

}  // namespace signet::pki::internal
