// PKCS#10 CSRs as finalize receives them.
#include "pki/csr.h"
#include "pki/key_policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto csr = signet::pki::ParseCsr(std::string_view(reinterpret_cast<const char*>(data), size));
  if (csr.ok()) {
    (void)signet::pki::CsrDnsNames(*csr);
    (void)signet::pki::CheckSubscriberKey(csr->public_key);
  }
  return 0;
}
