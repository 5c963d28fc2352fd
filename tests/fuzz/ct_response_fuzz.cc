// What CT logs send back (RFC 6962 4.1 add-chain answers) and SCT lists
// (RFC 6962 3.3) as certificates carry them: network input.
#include "ca/ct/ct_log.h"
#include "pki/sct.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)signet::ca::ct::SctFromJson(in);
  auto list = signet::pki::DecodeSctList(in);
  if (list.ok()) (void)signet::pki::EncodeSctList(*list);
  return 0;
}
