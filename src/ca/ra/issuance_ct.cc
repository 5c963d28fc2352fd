// Issuance with Certificate Transparency (RFC 6962 3.1), as Boulder does it:
// the precertificate is recorded, then submitted to the logs; their SCTs go
// into the final certificate, signed on the same serial and validity.
//
// Too few SCTs fails the order (invalid, serverInternal), as Boulder's
// failOrder does for any issuance error: the serial has been signed (as a
// precertificate, now in logs) and must never be signed again, so the order
// cannot simply be retried on it; its authorizations stay valid, so a new
// order for the same names is issued without new validations.
#include "ca/ra/ra.h"

namespace signet::ca {

Result<IssuedCertificate> RegistrationAuthority::EmbedScts(const IssueRequest& request,
                                                           const CertificateBasis& basis,
                                                           const IssuedCertificate& precert) {
  // On disk before any log sees it.
  if (!store_.AddPrecertificate(precert.serial_hex, precert.der).ok())
    return Error(ErrorCode::kServerInternal,
                 "could not record the precertificate; it was not submitted to CT logs");
  auto list = config_.ct->GetSctList(precert.der);
  if (!list.ok()) {
    Error e(ErrorCode::kServerInternal,
            list.error().detail + "; retry in " + std::to_string(config_.busy_retry_after.count()) +
                " seconds with a new order");
    e.retry_after_seconds = int(config_.busy_retry_after.count());
    return e;
  }
  SIGNET_ASSIGN_OR_RETURN(PreparedCertificate final_cert,
                          signer_.PrepareFinal(request, basis, *list));
  return signer_.Sign(std::move(final_cert));
}

}  // namespace signet::ca
