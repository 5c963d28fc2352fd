// RFC 8555 7.6: certificate revocation.
#include "ca/ra/revocation.h"

#include <openssl/core_names.h>

#include <array>

#include "ca/ra/ra.h"
#include "crypto/digest.h"
#include "pki/certificate.h"
#include "pki/crl.h"

namespace signet::ca {
namespace {

// RFC 5280 5.3.1 codes a subscriber may ask for (Let's Encrypt's set).
constexpr std::array<int, 5> kAllowedReasons = {0 /*unspecified*/, 1 /*keyCompromise*/,
                                                3 /*affiliationChanged*/, 4 /*superseded*/,
                                                5 /*cessationOfOperation*/};

Status CheckReason(int reason) {
  for (int r : kAllowedReasons)
    if (r == reason) return OkStatus();
  return Error(ErrorCode::kBadRevocationReason,
               "revocation reason " + std::to_string(reason) +
                   " is not accepted; use 0 (unspecified), 1 (keyCompromise), 3 "
                   "(affiliationChanged), 4 (superseded) or 5 (cessationOfOperation)");
}

}  // namespace

std::string BlockedKeyId(const crypto::Key& key) {
  if (key.Family() != "EC") return crypto::HexEncode(crypto::Sha256(key.PublicDer()));
  crypto::PkeyPtr canonical(EVP_PKEY_dup(key.get()));
  if (!canonical ||
      EVP_PKEY_set_utf8_string_param(canonical.get(), OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                     OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_UNCOMPRESSED) != 1 ||
      EVP_PKEY_set_utf8_string_param(canonical.get(), OSSL_PKEY_PARAM_EC_ENCODING,
                                     OSSL_PKEY_EC_ENCODING_GROUP) != 1) {
    crypto::LastOsslError();  // fall back to the key's own encoding
    return crypto::HexEncode(crypto::Sha256(key.PublicDer()));
  }
  return crypto::HexEncode(crypto::Sha256(crypto::Key(std::move(canonical)).PublicDer()));
}

std::string BlockedKeyId(const pki::Csr& csr) {
  if (csr.public_key.Family() != "EC") return BlockedKeyId(csr.public_key);
  unsigned char* der = nullptr;
  int len = i2d_X509_PUBKEY(csr.spki(), &der);
  if (len <= 0) return BlockedKeyId(csr.public_key);
  std::string id = crypto::HexEncode(
      crypto::Sha256(std::string_view(reinterpret_cast<const char*>(der), size_t(len))));
  OPENSSL_free(der);
  return id;
}

Status RecordRevocation(storage::Store& store, const acme::CertificateRecord& record, int reason,
                        bool block_key, acme::TimePoint now) {
  if (record.revoked_at) return Error(ErrorCode::kAlreadyRevoked, "certificate is already revoked");
  if (block_key) {
    SIGNET_ASSIGN_OR_RETURN(crypto::X509Ptr cert, pki::CertFromDer(record.der));
    crypto::Key key(crypto::PkeyPtr(X509_get_pubkey(cert.get())));
    SIGNET_RETURN_IF_ERROR(store.BlockKey(BlockedKeyId(key), record.serial, now));
  }
  SIGNET_ASSIGN_OR_RETURN(bool revoked, store.RevokeCertificate(record.serial, reason, now));
  if (!revoked) return Error(ErrorCode::kAlreadyRevoked, "certificate is already revoked");
  return OkStatus();
}

Status RegistrationAuthority::RevokeCertificate(const std::string& cert_der, int reason,
                                                const acme::Account* account,
                                                const crypto::Key* certificate_key) {
  SIGNET_RETURN_IF_ERROR(CheckReason(reason));
  auto cert = pki::CertFromDer(cert_der);
  if (!cert.ok()) return Error(ErrorCode::kMalformed, "the certificate to revoke is not valid DER");
  std::string serial = pki::SerialHex(cert->get());
  auto record = store_.GetCertificate(serial);
  if (!record.ok()) return std::move(record).error();
  bool ours = record->has_value() && (*record)->der == cert_der;
  if (!ours) return Error(ErrorCode::kNotFound, "certificate " + serial + " was not issued by this CA");
  const acme::CertificateRecord& rec = **record;

  if (certificate_key) {
    if (EVP_PKEY_eq(X509_get0_pubkey(cert->get()), certificate_key->get()) != 1)
      return Error(ErrorCode::kUnauthorized, "the request is not signed by the certificate's key");
  } else if (account && account->id != rec.account_id) {
    for (const std::string& name : pki::DnsSans(cert->get())) {
      SIGNET_ASSIGN_OR_RETURN(bool ok, store_.HasValidAuthorization(account->id, name,
                                                                    acme::Clock::now()));
      if (!ok)
        return Error(ErrorCode::kUnauthorized,
                     "the account neither holds this certificate nor valid authorizations for \"" +
                         name + "\"");
    }
  } else if (!account) {
    return Error(ErrorCode::kUnauthorized, "revocation needs an account or the certificate key");
  }
  // Proof of the key itself is what makes keyCompromise credible enough to
  // refuse the key from now on (Let's Encrypt blocks it the same way).
  bool block_key = certificate_key && reason == pki::kReasonKeyCompromise;
  SIGNET_RETURN_IF_ERROR(RecordRevocation(store_, rec, reason, block_key, acme::Clock::now()));
  if (revocation_observer_) revocation_observer_(serial, rec.crl_shard);
  return OkStatus();
}

}  // namespace signet::ca
