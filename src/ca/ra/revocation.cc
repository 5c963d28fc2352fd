// RFC 8555 7.6: certificate revocation.
#include "ca/ra/revocation.h"

#include <arpa/inet.h>
#include <openssl/core_names.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "ca/ra/identifier_policy.h"
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

// RFC 5280 4.2.1.6 GeneralName choices, as a subscriber would call them.
std::string GeneralNameKind(int type) {
  switch (type) {
    case GEN_EMAIL: return "an email address (rfc822Name)";
    case GEN_URI: return "a URI";
    case GEN_DIRNAME: return "a directory name";
    case GEN_RID: return "a registered ID";
    case GEN_OTHERNAME: return "an otherName";
    default: return "a name of type " + std::to_string(type);
  }
}

std::string AsString(const ASN1_STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     size_t(ASN1_STRING_length(s)));
}

// The text form of an iPAddress (4 or 16 octets; RFC 5280 4.2.1.6), "" for
// any other length.
std::string IpText(const ASN1_OCTET_STRING* octets) {
  int family = ASN1_STRING_length(octets) == 4    ? AF_INET
               : ASN1_STRING_length(octets) == 16 ? AF_INET6
                                                  : 0;
  char text[INET6_ADDRSTRLEN];
  if (!family || !inet_ntop(family, ASN1_STRING_get0_data(octets), text, sizeof(text))) return "";
  return CanonicalIp(text);
}

Error Unauthorized(const std::string& why) {
  return Error(ErrorCode::kUnauthorized,
               why + "; revoke it with the account that holds it or with its key");
}

// RFC 8555 7.6: an account that does not hold the certificate may revoke it
// only with valid authorizations for every identifier in it, each of its
// own type (a wildcard needs the wildcard authorization of its base name,
// as issuing it did).
Status CheckAuthorizedForAll(storage::Store& store, const std::string& account_id, X509* cert,
                             acme::TimePoint now) {
  SIGNET_ASSIGN_OR_RETURN(std::vector<acme::Identifier> ids, CertificateIdentifiers(cert));
  for (const acme::Identifier& id : ids) {
    bool ok = false;
    if (id.type == "dns" && id.value.starts_with("*.")) {
      SIGNET_ASSIGN_OR_RETURN(auto authz, store.FindValidAuthorization(
                                              account_id, {"dns", id.value.substr(2)}, true, now));
      ok = authz.has_value();
    } else {
      SIGNET_ASSIGN_OR_RETURN(ok, store.HasValidAuthorization(account_id, id, now));
    }
    if (!ok)
      return Unauthorized("the account neither holds this certificate nor a valid authorization "
                          "for its " + id.type + " identifier \"" + id.value + "\"");
  }
  return OkStatus();
}

}  // namespace

Result<std::vector<acme::Identifier>> CertificateIdentifiers(X509* cert) {
  int critical = 0;
  crypto::GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert, NID_subject_alt_name, &critical, nullptr)));
  if (!names && critical == -2)
    return Unauthorized("the certificate has more than one subjectAltName extension");
  std::vector<acme::Identifier> ids;
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type == GEN_DNS) {
      std::string value = AsString(name->d.dNSName);
      std::transform(value.begin(), value.end(), value.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      ids.push_back({"dns", std::move(value)});
    } else if (name->type == GEN_IPADD) {
      std::string ip = IpText(name->d.iPAddress);
      if (ip.empty()) return Unauthorized("the certificate names a malformed IP address");
      ids.push_back({"ip", std::move(ip)});
    } else {
      return Unauthorized("the certificate names " + GeneralNameKind(name->type) +
                          ", which no authorization covers");
    }
  }
  if (ids.empty())
    return Unauthorized("the certificate names no DNS name or IP address to check authorizations for");
  return ids;
}

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
    SIGNET_RETURN_IF_ERROR(
        CheckAuthorizedForAll(store_, account->id, cert->get(), acme::Clock::now()));
  } else if (!account) {
    return Error(ErrorCode::kUnauthorized, "revocation needs an account or the certificate key");
  }
  // Proof of the key itself is what makes keyCompromise credible enough to
  // refuse the key from now on (Let's Encrypt blocks it the same way).
  bool block_key = certificate_key && reason == pki::kReasonKeyCompromise;
  SIGNET_RETURN_IF_ERROR(RecordRevocation(store_, rec, reason, block_key, acme::Clock::now()));
  if (revocation_observer_) revocation_observer_(serial, rec.crl_shard);
  RevocationEvent event{serial, certificate_key ? "" : account->id, reason};
  Emit([&](const Events& e) {
    if (e.revoked) e.revoked();
    if (e.revocation) e.revocation(event);
  });
  return OkStatus();
}

}  // namespace signet::ca
