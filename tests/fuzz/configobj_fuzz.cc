// certbot's renewal confs (configobj), which signet reads from disk: a file
// another program wrote is input too.
#include "client/store/configobj.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto doc = signet::client::ParseConfigObj(std::string_view(reinterpret_cast<const char*>(data), size));
  if (doc.ok()) (void)signet::client::WriteConfigObj(*doc);
  return 0;
}
