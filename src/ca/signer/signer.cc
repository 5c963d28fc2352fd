#include "ca/signer/signer.h"

#include "pki/ari_cert_id.h"
#include "pki/certificate.h"
#include "pki/issuer.h"
#include "pki/lint/lint.h"

namespace signet::ca {

int CrlShardOf(const std::string& serial, int shards) {
  if (shards <= 1) return 0;
  uint64_t low = 0;
  size_t start = serial.size() > 8 ? serial.size() - 8 : 0;
  for (size_t i = start; i < serial.size(); ++i) low = (low << 8) | uint8_t(serial[i]);
  return int(low % uint64_t(shards));
}

CertificateBasis Signer::NewBasis(const IssueRequest& request) const {
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(acme::Clock::now());
  CertificateBasis basis;
  basis.serial = pki::RandomSerial();
  basis.not_before = now - config_.backdate;
  // The profile's lifetime in force now (its schedule may have moved it).
  basis.lifetime = request.profile ? request.profile->LifetimeAt(now) : config_.lifetime;
  // RFC 5280 validity is inclusive of notAfter: subtract a second so the
  // lifetime is exactly what is configured.
  basis.not_after = basis.not_before + basis.lifetime - std::chrono::seconds(1);
  basis.crl_shard = CrlShardOf(basis.serial, config_.crl_shards);
  return basis;
}

Result<PreparedCertificate> Signer::Prepare(const IssueRequest& request) const {
  if (!request.subject_key) return Error(ErrorCode::kServerInternal, "no subject key");
  return Build(request, NewBasis(request), false, "");
}

Result<PreparedCertificate> Signer::PreparePrecertificate(const IssueRequest& request) const {
  if (!request.subject_key) return Error(ErrorCode::kServerInternal, "no subject key");
  return Build(request, NewBasis(request), true, "");
}

Result<PreparedCertificate> Signer::PrepareFinal(const IssueRequest& request,
                                                 const CertificateBasis& basis,
                                                 const std::string& sct_list) const {
  if (!request.subject_key) return Error(ErrorCode::kServerInternal, "no subject key");
  if (sct_list.empty()) return Error(ErrorCode::kServerInternal, "no SCT list to embed");
  return Build(request, basis, false, sct_list);
}

Result<PreparedCertificate> Signer::Build(const IssueRequest& request,
                                          const CertificateBasis& basis, bool ct_poison,
                                          const std::string& sct_list) const {
  const Profile* profile = request.profile;
  pki::LeafTemplate leaf;
  leaf.subject_key = *request.subject_key;
  leaf.subject_spki = request.subject_spki;
  leaf.dns_names = request.dns_names;
  leaf.ip_addresses = request.ip_addresses;
  leaf.serial = basis.serial;
  leaf.not_before = basis.not_before;
  leaf.not_after = basis.not_after;
  leaf.ca_issuers_url = config_.ca_issuers_url;
  if (profile) {
    leaf.include_common_name = profile->common_name;
    leaf.ext_key_usages = profile->ext_key_usages;
  }
  if (!config_.publication.base.empty()) {
    leaf.crl_distribution_point = config_.publication.Crl(basis.crl_shard);
    if (config_.ocsp) leaf.ocsp_url = config_.publication.Ocsp();
  }
  leaf.must_staple = request.must_staple;
  leaf.ct_poison = ct_poison;
  leaf.sct_list = sct_list;
  PreparedCertificate out;
  SIGNET_ASSIGN_OR_RETURN(out.cert_, pki::BuildLeaf(hierarchy_.intermediate(), leaf));
  out.serial_hex_ = pki::SerialHex(out.cert_.get());
  out.tbs_der_ = pki::TbsDer(out.cert_.get());
  if (out.tbs_der_.empty()) return Error(ErrorCode::kServerInternal, "cannot encode the TBS");
  // Linted as built: tbs_der_ is this certificate's encoding. (Parsing the
  // DER back would cost OpenSSL 3 about 100 us a certificate, mostly in
  // decoding the public key; the lints themselves take about 6 us.)
  pki::lint::CertProfile lint_profile{basis.lifetime + config_.backdate, leaf.ext_key_usages};
  SIGNET_RETURN_IF_ERROR(pki::lint::FindingsToStatus(
      pki::lint::LintCertificate(out.cert_.get(), hierarchy_.intermediate().cert.get(),
                                 lint_profile),
      ct_poison ? "precertificate" : "certificate"));
  out.not_before_ = basis.not_before;
  out.not_after_ = basis.not_after;
  out.crl_shard_ = basis.crl_shard;
  out.basis_ = basis;
  return out;
}

Result<IssuedCertificate> Signer::Sign(PreparedCertificate prepared) const {
  if (!prepared.cert_) return Error(ErrorCode::kServerInternal, "nothing prepared to sign");
  SIGNET_RETURN_IF_ERROR(pki::SignLeaf(hierarchy_.intermediate(), prepared.cert_.get()));
  IssuedCertificate out;
  out.serial_hex = std::move(prepared.serial_hex_);
  out.der = pki::CertToDer(prepared.cert_.get());
  out.not_before = prepared.not_before_;
  out.not_after = prepared.not_after_;
  out.crl_shard = prepared.crl_shard_;
  return out;
}

Result<IssuedCertificate> Signer::Issue(const IssueRequest& request) const {
  SIGNET_ASSIGN_OR_RETURN(PreparedCertificate prepared, Prepare(request));
  return Sign(std::move(prepared));
}

std::string Signer::IssuerKeyId() const {
  return pki::SubjectKeyId(hierarchy_.intermediate().cert.get());
}

}  // namespace signet::ca
