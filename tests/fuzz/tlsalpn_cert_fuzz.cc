// TLS-ALPN-01 validation certificates (RFC 8737 3) as the VA judges them:
// any DER certificate a server presents, checked for its one subjectAltName
// (a DNS name and an IP identifier) and its critical acmeIdentifier
// extension (DER OCTET STRING of SHA-256 of the key authorization). The
// seeds' key authorization is "tok.thumbprint"; their names a.example.test
// and 127.0.0.1.
#include <openssl/err.h>
#include <openssl/x509.h>

#include <cstdlib>

#include "ca/va/tlsalpn01.h"
#include "crypto/ossl.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const unsigned char* p = data;
  signet::crypto::X509Ptr cert(d2i_X509(nullptr, &p, long(size)));
  ERR_clear_error();
  if (!cert) return 0;
  for (const char* identifier : {"a.example.test", "127.0.0.1", "::1"}) {
    auto status = signet::va::CheckValidationCertificate(cert.get(), identifier, "127.0.0.1:443",
                                                         "tok.thumbprint");
    if (!status.ok() && status.error().code != signet::ErrorCode::kIncorrectResponse &&
        status.error().code != signet::ErrorCode::kServerInternal) {
      std::abort();  // a wrong certificate is the server's fault, said so
    }
  }
  ERR_clear_error();
  return 0;
}
