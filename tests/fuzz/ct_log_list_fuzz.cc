// CT log lists (Chrome's v3 JSON), a file other programs write: signetd
// reads it at start (--ct-log-list).
#include "ca/ct/log_list.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)signet::ca::ct::ParseLogList(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
