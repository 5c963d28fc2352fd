#include "pki/ocsp.h"

#include <ctime>

#include "base/fuzz_record.h"
#include "crypto/digest.h"
#include "pki/lint/lint.h"

namespace signet::pki {

using crypto::OsslError;

namespace {

constexpr size_t kMaxNonceOctets = 32;  // RFC 8954 2.1

const EVP_MD* Digest(OcspHash hash) {
  return hash == OcspHash::kSha256 ? EVP_sha256() : EVP_sha1();
}

std::string AsnBytes(const ASN1_STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     size_t(ASN1_STRING_length(s)));
}

Result<OcspHash> HashOf(const ASN1_OBJECT* algorithm) {
  switch (OBJ_obj2nid(algorithm)) {
    case NID_sha1:
      return OcspHash::kSha1;
    case NID_sha256:
      return OcspHash::kSha256;
    default:
      return Error(ErrorCode::kMalformed, "unsupported OCSP CertID hash algorithm");
  }
}

Result<std::string> SerialOf(const ASN1_INTEGER* serial) {
  if (ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER)
    return Error(ErrorCode::kMalformed, "negative serial in OCSP request");
  std::string hex = crypto::HexEncode(AsnBytes(serial));
  size_t first = hex.find_first_not_of('0');
  return first == std::string::npos ? std::string("0") : hex.substr(first);
}

// The nonce extension's extnValue, if any: Nonce ::= OCTET STRING (RFC 8954).
Result<std::optional<std::string>> NonceOf(OCSP_REQUEST* request) {
  int index = OCSP_REQUEST_get_ext_by_NID(request, NID_id_pkix_OCSP_Nonce, -1);
  if (index < 0) return std::optional<std::string>();
  std::string value = AsnBytes(X509_EXTENSION_get_data(OCSP_REQUEST_get_ext(request, index)));
  const auto* p = reinterpret_cast<const unsigned char*>(value.data());
  crypto::Asn1OctetStringPtr nonce(d2i_ASN1_OCTET_STRING(nullptr, &p, long(value.size())));
  if (!nonce || p != reinterpret_cast<const unsigned char*>(value.data()) + value.size() ||
      ASN1_STRING_length(nonce.get()) == 0)
    return OsslError(ErrorCode::kMalformed, "malformed OCSP nonce");
  if (size_t(ASN1_STRING_length(nonce.get())) > kMaxNonceOctets)
    return std::optional<std::string>();
  return std::optional<std::string>(std::move(value));
}

template <typename T, typename Encode>
std::string ToDer(T* object, Encode encode) {
  int len = encode(object, nullptr);
  if (len <= 0) return "";
  std::string out(size_t(len), '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  return encode(object, &p) == len ? out : "";
}

crypto::Asn1TimePtr AsnTime(Clock::time_point t) {
  return crypto::Asn1TimePtr(ASN1_TIME_set(nullptr, Clock::to_time_t(t)));
}

// RFC 5280 5.3.1 CRLReason, without the unused 7 and the delta-CRL-only
// removeFromCRL (8); 0 is accepted and omitted from the response.
bool ValidRevokedReason(int reason) {
  return reason >= 0 && reason <= 10 && reason != 7 && reason != 8;
}

Status CheckResponseArguments(const Issuer& responder, X509* issuer_cert, const OcspStatus& status,
                              Clock::time_point this_update, Clock::time_point next_update) {
  if (!responder.cert || !responder.signer || !issuer_cert)
    return Error(ErrorCode::kServerInternal, "OCSP responder has no certificate or key");
  if (Clock::to_time_t(next_update) <= Clock::to_time_t(this_update))
    return Error(ErrorCode::kServerInternal, "OCSP nextUpdate is not after thisUpdate");
  if (status.status == OcspStatus::kRevoked && !ValidRevokedReason(status.reason))
    return Error(ErrorCode::kServerInternal,
                 "invalid OCSP revocation reason " + std::to_string(status.reason));
  return OkStatus();
}

Result<crypto::OcspCertIdPtr> CertIdFor(const OcspRequestInfo& request, X509* issuer_cert) {
  BIGNUM* bn_raw = nullptr;
  if (request.serial.empty() ||
      BN_hex2bn(&bn_raw, request.serial.c_str()) != int(request.serial.size()))
    return Error(ErrorCode::kServerInternal, "invalid serial " + request.serial);
  crypto::BignumPtr bn(bn_raw);
  crypto::Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  crypto::OcspCertIdPtr id(
      serial ? OCSP_cert_id_new(Digest(request.hash), X509_get_subject_name(issuer_cert),
                                X509_get0_pubkey_bitstr(issuer_cert), serial.get())
             : nullptr);
  if (!id) return OsslError(ErrorCode::kServerInternal, "cannot build OCSP CertID");
  return id;
}

Status AddSingleResponse(OCSP_BASICRESP* basic, OCSP_CERTID* id, const OcspStatus& status,
                         Clock::time_point this_update, Clock::time_point next_update) {
  int kind = status.status == OcspStatus::kGood      ? V_OCSP_CERTSTATUS_GOOD
             : status.status == OcspStatus::kRevoked ? V_OCSP_CERTSTATUS_REVOKED
                                                     : V_OCSP_CERTSTATUS_UNKNOWN;
  int reason = status.reason == 0 ? OCSP_REVOKED_STATUS_NOSTATUS : status.reason;
  crypto::Asn1TimePtr revoked_at = AsnTime(status.revoked_at);
  crypto::Asn1TimePtr this_time = AsnTime(this_update);
  crypto::Asn1TimePtr next_time = AsnTime(next_update);
  if (!revoked_at || !this_time || !next_time)
    return OsslError(ErrorCode::kServerInternal, "cannot encode OCSP times");
  if (!OCSP_basic_add1_status(basic, id, kind, reason,
                              kind == V_OCSP_CERTSTATUS_REVOKED ? revoked_at.get() : nullptr,
                              this_time.get(), next_time.get()))
    return OsslError(ErrorCode::kServerInternal, "cannot add OCSP SingleResponse");
  return OkStatus();
}

Status AddNonce(OCSP_BASICRESP* basic, const std::string& nonce) {
  crypto::Asn1OctetStringPtr value(ASN1_OCTET_STRING_new());
  if (!value ||
      ASN1_OCTET_STRING_set(value.get(), reinterpret_cast<const unsigned char*>(nonce.data()),
                            int(nonce.size())) != 1)
    return OsslError(ErrorCode::kServerInternal, "out of memory");
  crypto::X509ExtPtr ext(
      X509_EXTENSION_create_by_NID(nullptr, NID_id_pkix_OCSP_Nonce, 0, value.get()));
  if (!ext || OCSP_BASICRESP_add_ext(basic, ext.get(), -1) != 1)
    return OsslError(ErrorCode::kServerInternal, "cannot add OCSP nonce");
  return OkStatus();
}

}  // namespace

Result<OcspRequestInfo> ParseOcspRequest(std::string_view der) {
  RecordFuzzInput("ocsp_request_fuzz", der);
  const auto* begin = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* p = begin;
  crypto::OcspRequestPtr request(d2i_OCSP_REQUEST(nullptr, &p, long(der.size())));
  if (!request) return OsslError(ErrorCode::kMalformed, "cannot parse OCSP request");
  if (p != begin + der.size())
    return Error(ErrorCode::kMalformed, "trailing data after OCSP request");
  if (OCSP_request_onereq_count(request.get()) != 1)
    return Error(ErrorCode::kMalformed, "OCSP request must ask about exactly one certificate");
  OCSP_CERTID* id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(request.get(), 0));
  ASN1_OCTET_STRING* name_hash = nullptr;
  ASN1_OBJECT* algorithm = nullptr;
  ASN1_OCTET_STRING* key_hash = nullptr;
  ASN1_INTEGER* serial = nullptr;
  if (OCSP_id_get0_info(&name_hash, &algorithm, &key_hash, &serial, id) != 1)
    return OsslError(ErrorCode::kMalformed, "malformed OCSP CertID");

  OcspRequestInfo info;
  SIGNET_ASSIGN_OR_RETURN(info.hash, HashOf(algorithm));
  info.issuer_name_hash = AsnBytes(name_hash);
  info.issuer_key_hash = AsnBytes(key_hash);
  size_t digest_size = size_t(EVP_MD_get_size(Digest(info.hash)));
  if (info.issuer_name_hash.size() != digest_size || info.issuer_key_hash.size() != digest_size)
    return Error(ErrorCode::kMalformed, "OCSP CertID hash has the wrong length");
  SIGNET_ASSIGN_OR_RETURN(info.serial, SerialOf(serial));
  SIGNET_ASSIGN_OR_RETURN(info.nonce, NonceOf(request.get()));
  return info;
}

bool OcspRequestMatchesIssuer(const OcspRequestInfo& request, X509* issuer_cert) {
  if (!issuer_cert) return false;
  const EVP_MD* md = Digest(request.hash);
  unsigned char name_hash[EVP_MAX_MD_SIZE], key_hash[EVP_MAX_MD_SIZE];
  unsigned int name_len = 0, key_len = 0;
  if (X509_NAME_digest(X509_get_subject_name(issuer_cert), md, name_hash, &name_len) != 1 ||
      X509_pubkey_digest(issuer_cert, md, key_hash, &key_len) != 1) {
    crypto::LastOsslError();  // clears the queue
    return false;
  }
  return request.issuer_name_hash ==
             std::string_view(reinterpret_cast<char*>(name_hash), name_len) &&
         request.issuer_key_hash == std::string_view(reinterpret_cast<char*>(key_hash), key_len);
}

Result<std::string> BuildOcspResponse(const Issuer& responder, X509* issuer_cert,
                                      const OcspRequestInfo& request, const OcspStatus& status,
                                      Clock::time_point this_update, Clock::time_point next_update,
                                      bool include_nonce) {
  SIGNET_RETURN_IF_ERROR(
      CheckResponseArguments(responder, issuer_cert, status, this_update, next_update));
  if (!OcspRequestMatchesIssuer(request, issuer_cert))
    return Error(ErrorCode::kUnauthorized, "OCSP request is for another issuer");
  SIGNET_ASSIGN_OR_RETURN(crypto::OcspCertIdPtr id, CertIdFor(request, issuer_cert));
  // Built twice, once for the lint's throwaway signature and once for the
  // real one: OpenSSL's OCSP_basic_sign does not free the responder ID a
  // response already has (OCSP_RESPID_set_by_key_ex), so signing one response
  // twice leaked 45 bytes per OCSP answer (found by LeakSanitizer).
  auto build = [&]() -> Result<crypto::OcspBasicRespPtr> {
    crypto::OcspBasicRespPtr basic(OCSP_BASICRESP_new());
    if (!basic) return OsslError(ErrorCode::kServerInternal, "out of memory");
    SIGNET_RETURN_IF_ERROR(
        AddSingleResponse(basic.get(), id.get(), status, this_update, next_update));
    if (include_nonce && request.nonce)
      SIGNET_RETURN_IF_ERROR(AddNonce(basic.get(), *request.nonce));
    return basic;
  };
  SIGNET_ASSIGN_OR_RETURN(crypto::OcspBasicRespPtr linted, build());
  SIGNET_RETURN_IF_ERROR(
      lint::FindingsToStatus(lint::LintOcspBeforeSigning(linted.get()), "OCSP response"));
  SIGNET_ASSIGN_OR_RETURN(crypto::OcspBasicRespPtr basic, build());
  SIGNET_RETURN_IF_ERROR(responder.signer->SignOcspResponse(basic.get(), responder.cert.get()));
  crypto::OcspResponsePtr response(
      OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic.get()));
  std::string der = response ? ToDer(response.get(), i2d_OCSP_RESPONSE) : "";
  if (der.empty()) return OsslError(ErrorCode::kServerInternal, "cannot encode OCSP response");
  return der;
}

std::string OcspErrorResponse(int status) {
  switch (status) {
    case kOcspMalformedRequest:
    case kOcspInternalError:
    case kOcspTryLater:
    case kOcspSigRequired:
    case kOcspUnauthorized:
      break;
    default:
      status = kOcspInternalError;
  }
  crypto::OcspResponsePtr response(OCSP_response_create(status, nullptr));
  return response ? ToDer(response.get(), i2d_OCSP_RESPONSE) : "";
}

}  // namespace signet::pki
