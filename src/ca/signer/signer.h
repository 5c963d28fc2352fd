// The CA's signing role (Boulder's "ca"): the only holder of the issuing
// key. It is asked one thing: sign a certificate for this public key and
// these names under this profile. Policy checks (which names, which key,
// which profile) happen before, in the RA. It also picks the certificate's
// CRL shard (RFC 5280 4.2.1.13), fixed for the certificate's life.
// Thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "acme/objects.h"
#include "base/result.h"
#include "ca/signer/profile.h"
#include "crypto/key.h"
#include "pki/ca_hierarchy.h"

namespace signet::ca {

// Where CRLs and OCSP are published, under the operator's public base URL
// (e.g. "http://127.0.0.1:14080"): CRL shard N at BASE/crl/N.crl, the OCSP
// responder at BASE/ocsp.
struct PublicationUrls {
  std::string base;
  std::string Crl(int shard) const { return base + "/crl/" + std::to_string(shard) + ".crl"; }
  std::string Ocsp() const { return base + "/ocsp"; }
};

struct SignerConfig {
  std::chrono::seconds lifetime = std::chrono::hours(24 * 90);  // without a profile
  std::chrono::seconds backdate = std::chrono::hours(1);        // clock skew allowance
  // AIA caIssuers, e.g. https://host/acme/issuer-cert. Required: without it
  // every certificate fails the lint e_aia_ca_issuers_missing (BR 7.1.2.7.7).
  std::string ca_issuers_url;
  // Empty: certificates carry no CRL Distribution Points and no OCSP URL.
  PublicationUrls publication;
  int crl_shards = 1;  // shard = serial mod crl_shards
  bool ocsp = false;   // AIA OCSP URL in certificates (needs publication.base)
};

struct IssuedCertificate {
  std::string serial_hex;
  std::string der;  // the certificate (the intermediate is not repeated)
  acme::TimePoint not_before;
  acme::TimePoint not_after;
  int crl_shard = 0;
};

struct IssueRequest {
  const crypto::Key* subject_key = nullptr;
  // The same key as its CSR encoded it, copied as is when set (see
  // pki::LeafTemplate::subject_spki).
  const X509_PUBKEY* subject_spki = nullptr;
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  // nullptr: SignerConfig::lifetime, a CN, serverAuth only.
  const Profile* profile = nullptr;
  bool must_staple = false;  // TLS Feature status_request (RFC 7633)
};

// What a precertificate and its final certificate share (RFC 6962 3.1):
// the serial, the validity and the CRL shard, fixed by the first Prepare.
struct CertificateBasis {
  std::string serial;  // big-endian bytes
  acme::TimePoint not_before;
  acme::TimePoint not_after;
  std::chrono::seconds lifetime{0};  // the profile's at the time (for the lint)
  int crl_shard = 0;
};

// A certificate the signer has built but not signed: its serial and
// to-be-signed bytes are final, so the RA can record them durably before
// the signature exists (as Boulder records serials and precertificates).
// Move-only; only Signer::Sign turns it into a certificate.
class PreparedCertificate {
 public:
  const std::string& serial_hex() const { return serial_hex_; }
  const std::string& tbs_der() const { return tbs_der_; }  // TBSCertificate
  const CertificateBasis& basis() const { return basis_; }

 private:
  friend class Signer;
  crypto::X509Ptr cert_;  // unsigned
  std::string serial_hex_;
  std::string tbs_der_;
  acme::TimePoint not_before_;
  acme::TimePoint not_after_;
  int crl_shard_ = 0;
  CertificateBasis basis_;
};

class Signer {
 public:
  Signer(const pki::CaHierarchy& hierarchy, SignerConfig config)
      : hierarchy_(hierarchy), config_(std::move(config)) {}

  // Issue in two steps: Prepare picks a fresh serial, builds the
  // certificate and lints its TBS (pki/lint/lint.h); Sign signs exactly what
  // Prepare built. A lint finding fails Prepare with kServerInternal
  // "certificate failed lint NAME: detail", before anything is recorded or signed.
  Result<PreparedCertificate> Prepare(const IssueRequest& request) const;
  Result<IssuedCertificate> Sign(PreparedCertificate prepared) const;

  // Certificate Transparency (RFC 6962 3.1), in three steps:
  // PreparePrecertificate is Prepare with the critical poison extension,
  // signed by Sign; once logs have answered, PrepareFinal builds the same
  // certificate (`basis`: the precertificate's serial and validity) with the
  // SCT list extension (`sct_list`: TLS-encoded, pki/sct.h) in place of the
  // poison, linted again, for Sign. `request` must be the precertificate's.
  Result<PreparedCertificate> PreparePrecertificate(const IssueRequest& request) const;
  Result<PreparedCertificate> PrepareFinal(const IssueRequest& request,
                                           const CertificateBasis& basis,
                                           const std::string& sct_list) const;

  // Prepare and Sign at once, for what needs no record in between.
  Result<IssuedCertificate> Issue(const IssueRequest& request) const;
  Result<IssuedCertificate> Issue(const crypto::Key& subject_key,
                                  const std::vector<std::string>& dns_names,
                                  const std::vector<std::string>& ip_addresses = {}) const {
    return Issue(IssueRequest{&subject_key, nullptr, dns_names, ip_addresses});
  }

  // The issuing intermediate's key identifier (the AKI of what we issue).
  std::string IssuerKeyId() const;
  const SignerConfig& config() const { return config_; }

 private:
  // A fresh serial and validity under the request's profile, now.
  CertificateBasis NewBasis(const IssueRequest& request) const;
  // Builds and lints the certificate `request` asks for on `basis`, with the
  // CT poison or SCT list when given.
  Result<PreparedCertificate> Build(const IssueRequest& request, const CertificateBasis& basis,
                                    bool ct_poison, const std::string& sct_list) const;

  const pki::CaHierarchy& hierarchy_;
  SignerConfig config_;
};

// The CRL shard of a serial (big-endian bytes): its low 64 bits mod `shards`.
int CrlShardOf(const std::string& serial, int shards);

}  // namespace signet::ca
