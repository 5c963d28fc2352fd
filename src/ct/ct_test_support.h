// Test-only: a small CA hierarchy (root, intermediate, leaves and
// precertificates) for the ct tests and bench/ctlog_bench, built with pki's
// certificate steps. A failure here aborts: it is the fixture's, not the
// code under test's.
#pragma once

#include <openssl/pem.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "base/base64url.h"
#include "crypto/digest.h"
#include "crypto/key.h"
#include "pki/cert_builder.h"

namespace signet::ct::testing_support {

inline std::string DerOf(X509* cert) {
  std::string out(size_t(i2d_X509(cert, nullptr)), '\0');
  unsigned char* p = reinterpret_cast<unsigned char*>(out.data());
  i2d_X509(cert, &p);
  return out;
}

inline std::string PemOf(X509* cert) {
  crypto::BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  return crypto::BioToString(bio.get());
}

inline void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "ct test support: %s failed\n", what);
    std::abort();
  }
}

struct Issued {
  crypto::Key key;
  crypto::X509Ptr cert;
};

// A certificate for `cn` signed by `issuer` (self-signed when null) with
// the extensions given as (nid, OpenSSL config value).
inline Issued MakeCert(const std::string& cn, const Issued* issuer,
                       const std::vector<std::pair<int, std::string>>& extensions) {
  Issued out;
  out.key = *crypto::Key::Generate(crypto::KeyType::kEcP256);
  pki::internal::CertSpec spec;
  spec.serial = crypto::RandomBytes(8);
  spec.serial[0] = 0x11;
  spec.not_before = pki::Clock::now() - std::chrono::hours(1);
  spec.not_after = pki::Clock::now() + std::chrono::hours(24);
  spec.subject_cn = cn;
  spec.public_key = &out.key;
  auto cert = pki::internal::NewCert(spec, issuer ? issuer->cert.get() : nullptr);
  Check(cert.ok(), "NewCert");
  out.cert = std::move(*cert);
  X509* signer_cert = issuer ? issuer->cert.get() : out.cert.get();
  for (const auto& [nid, value] : extensions) {
    Status added = pki::internal::AddConfExtension(out.cert.get(), signer_cert, nid, value);
    Check(added.ok(), added.ok() ? "" : added.error().detail.c_str());
  }
  Check(pki::internal::SignCert(out.cert.get(), issuer ? issuer->key : out.key).ok(), "SignCert");
  return out;
}

inline Issued MakeCa(const std::string& cn, const Issued* issuer) {
  return MakeCert(cn, issuer,
                  {{NID_basic_constraints, "critical,CA:TRUE"},
                   {NID_key_usage, "critical,keyCertSign,cRLSign"},
                   {NID_subject_key_identifier, "hash"}});
}

inline Issued MakeLeaf(const std::string& name, const Issued& issuer, bool poison) {
  std::vector<std::pair<int, std::string>> ext = {{NID_basic_constraints, "critical,CA:FALSE"},
                                                  {NID_subject_alt_name, "DNS:" + name},
                                                  {NID_authority_key_identifier, "keyid:always"}};
  if (poison) ext.push_back({NID_ct_precert_poison, "critical,NULL"});
  return MakeCert(name, &issuer, ext);
}

// The add-chain body for `certs` (leaf first).
inline std::string ChainBody(const std::vector<X509*>& certs) {
  std::string body = "{\"chain\":[";
  for (size_t i = 0; i < certs.size(); ++i) {
    body += (i ? ",\"" : "\"") + Base64Encode(DerOf(certs[i])) + "\"";
  }
  return body + "]}";
}

}  // namespace signet::ct::testing_support
