#include "crypto/ossl.h"

#include <openssl/err.h>

namespace signet::crypto {

std::string LastOsslError() {
  std::string out;
  unsigned long e;
  char buf[256];
  while ((e = ERR_get_error()) != 0) {
    ERR_error_string_n(e, buf, sizeof(buf));
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

Error OsslError(ErrorCode code, const std::string& what) {
  std::string err = LastOsslError();
  return Error(code, err.empty() ? what : what + " (" + err + ")");
}

std::string BioToString(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, len > 0 ? size_t(len) : 0);
}

}  // namespace signet::crypto
