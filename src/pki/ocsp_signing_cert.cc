#include "pki/ocsp_signing_cert.h"

#include <openssl/x509v3.h>

#include "pki/cert_builder.h"

namespace signet::pki {

namespace {

constexpr auto kBackdate = std::chrono::hours(1);  // as the CA certificates: clock skew
constexpr size_t kMaxCommonNameLength = 64;        // ub-common-name

std::string ResponderName(X509* intermediate) {
  char cn[256] = {0};
  int len = X509_NAME_get_text_by_NID(X509_get_subject_name(intermediate), NID_commonName, cn,
                                      sizeof(cn));
  std::string name = len > 0 ? std::string(cn, size_t(len)) + " OCSP Responder" : "OCSP Responder";
  if (name.size() > kMaxCommonNameLength) name.resize(kMaxCommonNameLength);
  return name;
}

Error Refused(const std::string& why) {
  return Error(ErrorCode::kServerInternal, "OCSP responder certificate " + why);
}

}  // namespace

Result<crypto::X509Ptr> CertifyOcspResponder(const Issuer& intermediate,
                                             const crypto::Key& responder_key,
                                             Clock::time_point not_before,
                                             Clock::time_point not_after) {
  if (!intermediate.cert || !intermediate.signer || !responder_key.valid())
    return Error(ErrorCode::kServerInternal, "issuer has no certificate or key");
  if (not_after <= not_before)
    return Error(ErrorCode::kServerInternal, "OCSP signing certificate lifetime must be positive");
  X509* parent = intermediate.cert.get();
  internal::CertSpec spec{RandomSerial(), not_before, not_after, ResponderName(parent),
                          &responder_key};
  SIGNET_ASSIGN_OR_RETURN(crypto::X509Ptr cert, internal::NewCert(spec, parent));
  using internal::AddConfExtension;
  SIGNET_RETURN_IF_ERROR(
      AddConfExtension(cert.get(), parent, NID_basic_constraints, "critical,CA:FALSE"));
  SIGNET_RETURN_IF_ERROR(
      AddConfExtension(cert.get(), parent, NID_key_usage, "critical,digitalSignature"));
  SIGNET_RETURN_IF_ERROR(AddConfExtension(cert.get(), parent, NID_ext_key_usage, "OCSPSigning"));
  // The value is ignored: the extension's value is always NULL.
  SIGNET_RETURN_IF_ERROR(AddConfExtension(cert.get(), parent, NID_id_pkix_OCSP_noCheck, "yes"));
  SIGNET_RETURN_IF_ERROR(AddConfExtension(cert.get(), parent, NID_subject_key_identifier, "hash"));
  SIGNET_RETURN_IF_ERROR(
      AddConfExtension(cert.get(), parent, NID_authority_key_identifier, "keyid:always"));
  SIGNET_RETURN_IF_ERROR(intermediate.signer->SignCertificate(cert.get()));
  // Read back, so the certificate is what a later start loads from its file.
  return CertFromDer(CertToDer(cert.get()));
}

Result<Issuer> IssueOcspSigningCert(const Issuer& intermediate, std::chrono::seconds lifetime) {
  if (lifetime <= std::chrono::seconds(0))
    return Error(ErrorCode::kServerInternal, "OCSP signing certificate lifetime must be positive");
  SIGNET_ASSIGN_OR_RETURN(crypto::Key key, crypto::Key::Generate(crypto::KeyType::kEcP256));
  Clock::time_point now = Clock::now();
  SIGNET_ASSIGN_OR_RETURN(crypto::X509Ptr cert,
                          CertifyOcspResponder(intermediate, key, now - kBackdate, now + lifetime));
  // The delegated key lives only in memory, behind the same seam.
  std::shared_ptr<const crypto::SigningKey> signer =
      crypto::MemorySigningKey(std::move(key), "OCSP responder key (memory)");
  if (!signer) return Error(ErrorCode::kServerInternal, "cannot hold the OCSP responder key");
  return Issuer{std::move(cert), std::move(signer)};
}

Status CheckOcspResponder(const Issuer& responder, X509* intermediate, Clock::time_point now) {
  if (!responder.cert || !responder.signer || !intermediate)
    return Error(ErrorCode::kServerInternal, "OCSP responder has no certificate or key");
  X509* cert = responder.cert.get();
  EVP_PKEY* intermediate_key = X509_get0_pubkey(intermediate);
  if (X509_NAME_cmp(X509_get_issuer_name(cert), X509_get_subject_name(intermediate)) != 0 ||
      !intermediate_key || X509_verify(cert, intermediate_key) != 1) {
    crypto::LastOsslError();  // clears the queue
    return Refused("is not issued by the intermediate (its issuer name or signature does not "
                   "match the intermediate certificate)");
  }
  if (!(X509_get_extension_flags(cert) & EXFLAG_XKUSAGE) ||
      !(X509_get_extended_key_usage(cert) & XKU_OCSP_SIGN))
    return Refused("lacks extKeyUsage id-kp-OCSPSigning (RFC 6960 4.2.2.2)");
  if (now < NotBefore(cert)) return Refused("is not valid yet");
  if (now >= NotAfter(cert)) return Refused("has expired; make a new one with signetd ceremony");
  EVP_PKEY* cert_key = X509_get0_pubkey(cert);
  if (!cert_key || EVP_PKEY_eq(cert_key, responder.signer->public_key().get()) != 1)
    return Refused("does not certify the key of " + responder.signer->description());
  return OkStatus();
}

}  // namespace signet::pki
