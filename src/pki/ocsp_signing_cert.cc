#include "pki/ocsp_signing_cert.h"

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

}  // namespace

Result<Issuer> IssueOcspSigningCert(const Issuer& intermediate, std::chrono::seconds lifetime) {
  if (!intermediate.cert || !intermediate.signer)
    return Error(ErrorCode::kServerInternal, "issuer has no certificate or key");
  if (lifetime <= std::chrono::seconds(0))
    return Error(ErrorCode::kServerInternal, "OCSP signing certificate lifetime must be positive");
  SIGNET_ASSIGN_OR_RETURN(crypto::Key key, crypto::Key::Generate(crypto::KeyType::kEcP256));
  X509* parent = intermediate.cert.get();
  Clock::time_point now = Clock::now();
  internal::CertSpec spec{RandomSerial(), now - kBackdate, now + lifetime, ResponderName(parent),
                          &key};
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
  // The delegated key lives only in memory, behind the same seam.
  std::shared_ptr<const crypto::SigningKey> signer =
      crypto::MemorySigningKey(std::move(key), "OCSP responder key (memory)");
  if (!signer) return Error(ErrorCode::kServerInternal, "cannot hold the OCSP responder key");
  return Issuer{std::move(cert), std::move(signer)};
}

}  // namespace signet::pki
