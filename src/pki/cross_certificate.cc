#include "pki/cross_certificate.h"

#include <algorithm>

#include "pki/cert_builder.h"

namespace signet::pki {

using crypto::OsslError;
using crypto::X509Ptr;

namespace {

// Every extension of `from` but the AKI, in order.
Status CopyExtensionsButAki(X509* from, X509* to) {
  for (int i = 0; i < X509_get_ext_count(from); ++i) {
    X509_EXTENSION* ext = X509_get_ext(from, i);
    if (OBJ_obj2nid(X509_EXTENSION_get_object(ext)) == NID_authority_key_identifier) continue;
    if (X509_add_ext(to, ext, -1) != 1)
      return OsslError(ErrorCode::kServerInternal, "cannot copy a CA certificate extension");
  }
  return OkStatus();
}

std::string SpkiDer(X509* cert) {
  unsigned char* der = nullptr;
  int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
  if (len <= 0) return "";
  std::string out(reinterpret_cast<char*>(der), size_t(len));
  OPENSSL_free(der);
  return out;
}

}  // namespace

Result<X509Ptr> CrossSign(const Issuer& issuer, X509* ca, Clock::time_point not_before) {
  Clock::time_point not_after = std::min(NotAfter(ca), NotAfter(issuer.cert.get()));
  // NewCert wants a key only to check there is one; the SPKI is copied as is.
  crypto::Key ca_key{crypto::PkeyPtr(X509_get_pubkey(ca))};
  internal::CertSpec spec{RandomSerial(), not_before, not_after, "", &ca_key,
                          X509_get_X509_PUBKEY(ca)};
  SIGNET_ASSIGN_OR_RETURN(X509Ptr cert, internal::NewCert(spec, issuer.cert.get()));
  if (X509_set_subject_name(cert.get(), X509_get_subject_name(ca)) != 1)
    return OsslError(ErrorCode::kServerInternal, "cannot set the cross-certificate's subject");
  SIGNET_RETURN_IF_ERROR(CopyExtensionsButAki(ca, cert.get()));
  SIGNET_RETURN_IF_ERROR(internal::AddConfExtension(cert.get(), issuer.cert.get(),
                                                    NID_authority_key_identifier, "keyid:always"));
  SIGNET_RETURN_IF_ERROR(issuer.signer->SignCertificate(cert.get()));
  // Read back, so the copied key is decoded as in a certificate from a file.
  return CertFromDer(CertToDer(cert.get()));
}

bool IsCrossCertificateOf(X509* cross, const Issuer& issuer, X509* ca) {
  std::string spki = SpkiDer(cross);
  return !spki.empty() && spki == SpkiDer(ca) &&
         X509_check_issued(issuer.cert.get(), cross) == X509_V_OK &&
         X509_verify(cross, X509_get0_pubkey(issuer.cert.get())) == 1 &&
         X509_NAME_cmp(X509_get_subject_name(cross), X509_get_subject_name(ca)) == 0;
}

}  // namespace signet::pki
