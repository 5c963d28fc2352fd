// The delegated OCSP responder certificate (RFC 6960 4.2.2.2): an end-entity
// certificate the intermediate issues so that OCSP responses are signed by a
// key other than the CA's. serve either issues a short-lived one at start (its
// key in memory) or is given one the key ceremony made (pki/ca_ceremony.h; its
// key in a file or on a token). Thread-safe (no shared state).
#pragma once

#include <chrono>

#include "base/result.h"
#include "pki/issuer.h"

namespace signet::pki {

// Certifies `responder_key` (a public key) as a delegated responder of
// `intermediate`: subject CN "<intermediate CN> OCSP Responder", validity
// [not_before, not_after], basicConstraints critical CA:FALSE, keyUsage
// critical digitalSignature, extKeyUsage id-kp-OCSPSigning,
// id-pkix-ocsp-nocheck (RFC 6960 4.2.2.2.1: clients need not check its
// revocation, so keep its life short), SKI and AKI. Signed through
// `intermediate.signer`.
Result<crypto::X509Ptr> CertifyOcspResponder(const Issuer& intermediate,
                                             const crypto::Key& responder_key,
                                             Clock::time_point not_before,
                                             Clock::time_point not_after);

// Issues a responder certificate for a fresh ECDSA P-256 key held in memory
// (behind a MemorySigningKey), valid from one hour ago to now + `lifetime`
// (days). Returns the certificate and its signer.
Result<Issuer> IssueOcspSigningCert(const Issuer& intermediate, std::chrono::seconds lifetime);

// Whether `responder` may sign `intermediate`'s OCSP answers at `now`: its
// certificate is signed by the intermediate's key under its name, carries
// id-kp-OCSPSigning, is within its validity, and its signer holds the
// certificate's key. The error (kServerInternal) says which, in one line.
Status CheckOcspResponder(const Issuer& responder, X509* intermediate, Clock::time_point now);

}  // namespace signet::pki
