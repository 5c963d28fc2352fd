// PKCS#10 CSRs as finalize receives them, and a differential check: ParseCsr
// decodes them with its own ASN.1 declaration (pki/csr_asn1.h, which spares
// OpenSSL 3.0's per-call key decoder); OpenSSL's d2i_X509_REQ must agree on
// every input about whether it is a well-formed, correctly self-signed
// request, its key, its subject and its requested extensions.
#include <openssl/err.h>

#include <cstdlib>

#include "pki/csr.h"
#include "pki/csr_asn1.h"
#include "pki/key_policy.h"

namespace {

using signet::crypto::ExtStackPtr;

std::string Der(const X509_EXTENSION* ext) {
  unsigned char* buf = nullptr;
  int len = i2d_X509_EXTENSION(ext, &buf);
  std::string out(reinterpret_cast<char*>(buf), size_t(len > 0 ? len : 0));
  OPENSSL_free(buf);
  return out;
}

bool SameExtensions(const STACK_OF(X509_EXTENSION) * a, const STACK_OF(X509_EXTENSION) * b) {
  if (!a || !b) return !a && !b;
  if (sk_X509_EXTENSION_num(a) != sk_X509_EXTENSION_num(b)) return false;
  for (int i = 0; i < sk_X509_EXTENSION_num(a); ++i)
    if (Der(sk_X509_EXTENSION_value(a, i)) != Der(sk_X509_EXTENSION_value(b, i))) return false;
  return true;
}

void Check(bool agree) {
  if (!agree) std::abort();  // the fuzzer reports the input
}

// Both decoders, step by step: where one stops, the other must too.
void Differential(std::string_view der) {
  const auto* begin = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* p = begin;
  signet::crypto::X509ReqPtr req(d2i_X509_REQ(nullptr, &p, long(der.size())));
  bool ref_decoded = req && p == begin + der.size();
  auto parts = signet::pki::internal::CsrParts::Decode(der);
  Check(ref_decoded == parts.ok());
  if (!ref_decoded) return;
  Check(X509_REQ_get_version(req.get()) == parts->version());
  signet::crypto::PkeyPtr ref_key(X509_REQ_get_pubkey(req.get()));
  auto key = parts->PublicKey();
  Check(bool(ref_key) == key.ok());
  ERR_clear_error();
  if (!ref_key) return;
  Check(EVP_PKEY_eq(ref_key.get(), key->get()) == 1);
  Check((X509_REQ_verify(req.get(), ref_key.get()) == 1) == parts->VerifySignature(key->get()));
  ERR_clear_error();
  Check(X509_NAME_cmp(X509_REQ_get_subject_name(req.get()), parts->subject()) == 0);
  ExtStackPtr ref_exts(X509_REQ_get_extensions(req.get()));
  ExtStackPtr exts = parts->Extensions();
  Check(SameExtensions(ref_exts.get(), exts.get()));
  ERR_clear_error();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view der(reinterpret_cast<const char*>(data), size);
  Differential(der);
  auto csr = signet::pki::ParseCsr(der);
  if (csr.ok()) {
    (void)signet::pki::CsrDnsNames(*csr);
    (void)signet::pki::CheckSubscriberKey(csr->public_key);
    (void)signet::pki::CheckSubscriberKeyEncoding(csr->spki(), csr->public_key);
  }
  return 0;
}
