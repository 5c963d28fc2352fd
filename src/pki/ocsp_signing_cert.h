// The delegated OCSP responder certificate (RFC 6960 4.2.2.2): a short-lived
// end-entity certificate the intermediate issues so that OCSP responses are
// signed by a key other than the CA's. Thread-safe (no shared state).
#pragma once

#include <chrono>

#include "base/result.h"
#include "pki/issuer.h"

namespace signet::pki {

// Issues a responder certificate from `intermediate` for a fresh ECDSA P-256
// key: subject CN "<intermediate CN> OCSP Responder", validity from one hour
// ago to now + `lifetime`, basicConstraints critical CA:FALSE, keyUsage
// critical digitalSignature, extKeyUsage id-kp-OCSPSigning, id-pkix-ocsp-nocheck
// (RFC 6960 4.2.2.2.1: clients need not check its revocation, so keep
// `lifetime` short: days), SKI and AKI. Returns the certificate and its key.
Result<Issuer> IssueOcspSigningCert(const Issuer& intermediate, std::chrono::seconds lifetime);

}  // namespace signet::pki
