// Lints run on everything the CA signs, before it signs it (as Let's Encrypt
// runs zlint on a copy of each to-be-signed certificate): a certificate, a
// CRL or an OCSP response with any finding is not signed, and the first
// finding comes back as kServerInternal "certificate failed lint NAME: detail".
// Each lint is a small named function over the parsed structure; names follow
// zlint's convention (e_ = an error the CA must never sign).
//
// Certificates (cert_lints.cc, cert_name_lints.cc), against the CertProfile:
//   e_cert_not_version_3                  version is not v3
//   e_serial_not_positive                 serial is zero or negative
//   e_serial_too_long                     serial over 20 octets (RFC 5280 4.1.2.2)
//   e_serial_low_entropy                  under 8 octets without a leading zero (BR 7.1)
//   e_validity_negative                   notAfter before notBefore
//   e_validity_too_long                   validity over the profile's lifetime + backdate
//   e_duplicate_extension                 an extension appears twice (RFC 5280 4.2)
//   e_sub_cert_basic_constraints_invalid  basicConstraints absent, not critical, or CA:TRUE
//   e_sub_cert_key_usage_invalid          keyUsage absent, not critical, no digitalSignature
//   e_key_usage_key_encipherment_not_rsa  keyEncipherment with a non-RSA key
//   e_sub_cert_eku_mismatch               extKeyUsage differs from the profile's
//   e_sub_cert_eku_any                    anyExtendedKeyUsage present
//   e_ski_missing                         no subjectKeyIdentifier
//   e_aki_mismatch                        authorityKeyIdentifier absent or not the issuer's SKI
//   e_sub_cert_policy_missing             certificatePolicies lacks 2.23.140.1.2.1
//   e_aia_ca_issuers_missing              authorityInfoAccess without caIssuers
//   e_signature_algorithm_mismatch        TBS signature algorithm unfit for the issuer's key
//   e_san_missing                         subjectAltName absent or empty
//   e_san_unexpected_type                 a SAN entry other than dNSName / iPAddress
//   e_san_dns_name_malformed              dNSName not lower-case LDH, trailing dot, bad wildcard
//   e_san_ip_address_malformed            iPAddress not 4 or 16 octets
//   e_san_criticality                     SAN critical with a subject, or not without one
//   e_cn_not_in_san                       subject CN is not one of the SANs
// CRLs (crl_lints.cc):
//   e_crl_not_version_2, e_crl_update_order (nextUpdate absent or before
//   thisUpdate), e_crl_validity_too_long (over 10 days, BR 4.9.7),
//   e_crl_number_invalid (absent or critical), e_crl_aki_missing,
//   e_crl_idp_not_critical, e_crl_duplicate_serial, e_crl_reason_code_invalid
//   (7, 8, over 10, unspecified written out, or critical).
// OCSP responses (ocsp_lints.cc):
//   e_ocsp_responder_id_missing, e_ocsp_single_response_count (not one),
//   e_ocsp_update_order (thisUpdate after producedAt, nextUpdate absent or
//   before thisUpdate), e_ocsp_validity_too_long (over 10 days, BR 4.9.10),
//   e_ocsp_revocation_time_invalid (revoked without a time, or one after producedAt).
//
// All functions are pure and thread-safe.
#pragma once

#include <openssl/ocsp.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "crypto/ossl.h"

namespace signet::pki::lint {

struct Finding {
  std::string lint;    // e.g. "e_sub_cert_policy_missing"
  std::string detail;  // one line of English
};
using Findings = std::vector<Finding>;

// What a certificate was issued under.
struct CertProfile {
  // Longest allowed notAfter - notBefore: the profile's lifetime plus the
  // backdate.
  std::chrono::seconds max_validity{0};
  // extKeyUsage purposes, OpenSSL short names ("serverAuth", "clientAuth").
  std::vector<std::string> ext_key_usages;
};

// Every certificate lint on `cert`, issued by `issuer`.
Findings LintCertificate(X509* cert, X509* issuer, const CertProfile& profile);
// Every CRL lint on `crl`, issued by `issuer`.
Findings LintCrl(X509_CRL* crl, X509* issuer);
// Every OCSP lint on a (signed) BasicOCSPResponse.
Findings LintOcspResponse(OCSP_BASICRESP* response);

// OkStatus when `findings` is empty; else kServerInternal
// "WHAT failed lint NAME: detail" for the first, naming how many more.
Status FindingsToStatus(const Findings& findings, std::string_view what);

// The names of every lint of each kind, in the order they run.
std::vector<std::string_view> CertificateLintNames();
std::vector<std::string_view> CrlLintNames();
std::vector<std::string_view> OcspLintNames();

// A TBSCertificate (or TBSCertList) parsed by OpenSSL: wrapped with the
// signature algorithm (`algorithm`, or its DER) and an empty signature, so
// the lints see exactly these bytes without anything being signed. BuildCrl
// lints its TBSCertList so. The Signer lints the certificate as it built it
// (the TBS is its encoding): parsing a certificate back costs OpenSSL 3
// about 100 us, the lints about 6 us (bench/lint_bench.cc).
Result<crypto::X509Ptr> ParseTbsCertificate(std::string_view tbs, const X509_ALGOR* algorithm);
Result<crypto::X509CrlPtr> ParseTbsCertList(std::string_view tbs, std::string_view algorithm);

// Signs `response` with a throwaway key and responder certificate (made
// once per process) and lints it: OCSP_basic_sign is what sets producedAt and
// the responder ID, so a response can only be linted signed. The caller
// signs a fresh copy for real and drops this one (signing one response twice
// leaks its first responder ID in OpenSSL); the throwaway signature never
// leaves this process.
Findings LintOcspBeforeSigning(OCSP_BASICRESP* response);

}  // namespace signet::pki::lint
