// Revocation as the RA (RFC 8555 7.6) and the operator's admin command share
// it: recording a revocation, and blocking a compromised key.
#pragma once

#include <string>
#include <vector>

#include "acme/objects.h"
#include "base/result.h"
#include "crypto/key.h"
#include "pki/csr.h"
#include "storage/store.h"

namespace signet::ca {

// The blocked-keys identifier of a key: hex SHA-256 of its SubjectPublicKeyInfo
// DER, an EC key encoded with its named curve and its point uncompressed
// whatever encoding it came in (so the id is the key's, not the encoding's).
std::string BlockedKeyId(const crypto::Key& key);
// The same id for a CSR's key that passed pki::CheckSubscriberKeyEncoding,
// taken from the CSR's own SPKI bytes for EC keys (already in that form),
// which spares OpenSSL 3's key encoder.
std::string BlockedKeyId(const pki::Csr& csr);

// The identifiers a certificate's subjectAltName names, by type (RFC 5280
// 4.2.1.6): a dNSName as "dns" (lower case, "*." kept), an iPAddress as
// "ip" in CanonicalIp text (RFC 8738). kUnauthorized, naming it, when the
// certificate names nothing, or names anything else (an email address, a
// URI, ...): no authorization can cover such a name.
Result<std::vector<acme::Identifier>> CertificateIdentifiers(X509* cert);

// Revokes `record` (a certificate we issued) with `reason` at `now`. With
// `block_key`, first blocks the certificate's key for future CSRs, so a crash
// in between leaves the key blocked and the revocation retryable, never the
// reverse. kAlreadyRevoked when it already was revoked.
Status RecordRevocation(storage::Store& store, const acme::CertificateRecord& record, int reason,
                        bool block_key, acme::TimePoint now);

}  // namespace signet::ca
