#include "pki/csr_asn1.h"

#include <openssl/asn1t.h>
#include <openssl/x509.h>

#include "pki/cert_builder.h"

// The ASN.1 of RFC 2986 4, declared as OpenSSL declares X509_REQ
// (crypto/x509/x_req.c), with the key as a plain AlgorithmIdentifier and BIT
// STRING. Both SEQUENCEs keep the encoding they were read from (_enc), so the
// signature is checked over, and the key decoded from, the bytes as sent.
extern "C" {

typedef struct {
  ASN1_ENCODING enc;
  X509_ALGOR* algorithm;
  ASN1_BIT_STRING* key;
} SIGNET_CSR_SPKI;

typedef struct {
  ASN1_ENCODING enc;
  ASN1_INTEGER* version;
  X509_NAME* subject;
  SIGNET_CSR_SPKI* spki;
  STACK_OF(X509_ATTRIBUTE)* attributes;
} SIGNET_CSR_INFO;

typedef struct {
  SIGNET_CSR_INFO* info;
  X509_ALGOR* sig_alg;
  ASN1_BIT_STRING* signature;
} SIGNET_CSR;

DECLARE_ASN1_FUNCTIONS(SIGNET_CSR_SPKI)
DECLARE_ASN1_FUNCTIONS(SIGNET_CSR_INFO)
DECLARE_ASN1_FUNCTIONS(SIGNET_CSR)

ASN1_SEQUENCE_enc(SIGNET_CSR_SPKI, enc, 0) = {
    ASN1_SIMPLE(SIGNET_CSR_SPKI, algorithm, X509_ALGOR),
    ASN1_SIMPLE(SIGNET_CSR_SPKI, key, ASN1_BIT_STRING),
} ASN1_SEQUENCE_END_enc(SIGNET_CSR_SPKI, SIGNET_CSR_SPKI)

ASN1_SEQUENCE_enc(SIGNET_CSR_INFO, enc, 0) = {
    ASN1_SIMPLE(SIGNET_CSR_INFO, version, ASN1_INTEGER),
    ASN1_SIMPLE(SIGNET_CSR_INFO, subject, X509_NAME),
    ASN1_SIMPLE(SIGNET_CSR_INFO, spki, SIGNET_CSR_SPKI),
    // Not OPTIONAL in RFC 2986, but OpenSSL reads it so to accept
    // requests from broken encoders; so do we, to accept the same requests.
    ASN1_IMP_SET_OF_OPT(SIGNET_CSR_INFO, attributes, X509_ATTRIBUTE, 0),
} ASN1_SEQUENCE_END_enc(SIGNET_CSR_INFO, SIGNET_CSR_INFO)

ASN1_SEQUENCE(SIGNET_CSR) = {
    ASN1_SIMPLE(SIGNET_CSR, info, SIGNET_CSR_INFO),
    ASN1_SIMPLE(SIGNET_CSR, sig_alg, X509_ALGOR),
    ASN1_SIMPLE(SIGNET_CSR, signature, ASN1_BIT_STRING),
} ASN1_SEQUENCE_END(SIGNET_CSR)

IMPLEMENT_ASN1_FUNCTIONS(SIGNET_CSR_SPKI)
IMPLEMENT_ASN1_FUNCTIONS(SIGNET_CSR_INFO)
IMPLEMENT_ASN1_FUNCTIONS(SIGNET_CSR)

}  // extern "C"

namespace signet::pki::internal {

struct CsrAsn1 {
  SIGNET_CSR* csr;
};

namespace {

Error BadCsr(const std::string& detail) {
  crypto::LastOsslError();  // Drop whatever OpenSSL queued on the way.
  return Error(ErrorCode::kBadCsr, detail);
}

}  // namespace

Result<CsrParts> CsrParts::Decode(std::string_view der) {
  const auto* begin = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* p = begin;
  SIGNET_CSR* csr = d2i_SIGNET_CSR(nullptr, &p, long(der.size()));
  if (!csr) return BadCsr("CSR is not valid DER-encoded PKCS#10");
  CsrParts parts(new CsrAsn1{csr});
  if (p != begin + der.size()) return BadCsr("trailing data after the CSR");
  return parts;
}

CsrParts::CsrParts(CsrParts&& other) noexcept : csr_(std::exchange(other.csr_, nullptr)) {}

CsrParts& CsrParts::operator=(CsrParts&& other) noexcept {
  std::swap(csr_, other.csr_);
  return *this;
}

CsrParts::~CsrParts() {
  if (!csr_) return;
  SIGNET_CSR_free(csr_->csr);
  delete csr_;
}

long CsrParts::version() const { return ASN1_INTEGER_get(csr_->csr->info->version); }

X509_NAME* CsrParts::subject() const { return csr_->csr->info->subject; }

crypto::ExtStackPtr CsrParts::Extensions() const {
  const STACK_OF(X509_ATTRIBUTE)* attributes = csr_->csr->info->attributes;
  ASN1_TYPE* value = nullptr;
  for (int nid : {NID_ext_req, NID_ms_ext_req}) {
    int idx = X509at_get_attr_by_NID(attributes, nid, -1);
    if (idx < 0) continue;
    value = X509_ATTRIBUTE_get0_type(X509at_get_attr(attributes, idx), 0);
    if (!value || value->type != V_ASN1_SEQUENCE) return nullptr;
    break;
  }
  if (!value) return crypto::ExtStackPtr(sk_X509_EXTENSION_new_null());
  const unsigned char* p = value->value.sequence->data;
  return crypto::ExtStackPtr(reinterpret_cast<STACK_OF(X509_EXTENSION)*>(ASN1_item_d2i(
      nullptr, &p, value->value.sequence->length, ASN1_ITEM_rptr(X509_EXTENSIONS))));
}

Result<crypto::Key> CsrParts::PublicKey() const {
  const ASN1_ENCODING& enc = csr_->csr->info->spki->enc;
  auto key = crypto::Key::FromPublicDer(
      std::string_view(reinterpret_cast<const char*>(enc.enc), size_t(enc.len)));
  if (!key.ok()) return BadCsr("CSR public key cannot be parsed");
  return std::move(*key);
}

Result<crypto::X509PubkeyPtr> CsrParts::Spki() const {
  const SIGNET_CSR_SPKI* spki = csr_->csr->info->spki;
  crypto::X509PubkeyPtr out(X509_PUBKEY_new());
  if (!out) return Error(ErrorCode::kServerInternal, "out of memory");
  SIGNET_RETURN_IF_ERROR(SetSpki(out.get(), spki->algorithm, spki->key->data, spki->key->length));
  return out;
}

const X509_ALGOR* CsrParts::signature_algorithm() const { return csr_->csr->sig_alg; }

bool CsrParts::VerifySignature(EVP_PKEY* key) const {
  return ASN1_item_verify(ASN1_ITEM_rptr(SIGNET_CSR_INFO), csr_->csr->sig_alg,
                          csr_->csr->signature, csr_->csr->info, key) == 1;
}

}  // namespace signet::pki::internal
