// One CT log as the CA's submitter sees it (RFC 6962 4.1, 4.2): given a
// chain, it answers with an SCT. HttpCtLog speaks RFC 6962's JSON over
// http::Client; tests put a fake behind the same interface.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "pki/sct.h"

namespace signet::ca::ct {

class CtLog {
 public:
  virtual ~CtLog() = default;
  // add-pre-chain (`precert`) or add-chain: `chain_der` is the
  // (pre)certificate then its issuers. The SCT as the log sent it, not yet
  // verified. Must return within about `timeout`. Thread-safe.
  virtual Result<pki::Sct> Submit(bool precert, const std::vector<std::string>& chain_der,
                                  std::chrono::milliseconds timeout) = 0;
};

struct HttpCtLogConfig {
  std::string url;      // the log's URL, ending with '/'
  std::string ca_file;  // PEM bundle for https logs; empty: the system store
};

// POSTs {"chain": [base64 DER, ...]} to URL ct/v1/add-pre-chain or
// ct/v1/add-chain and decodes the answer's sct_version, id, timestamp,
// extensions and signature (RFC 6962 4.1). kConnection for the network or a
// non-200 answer (with the start of its body), kMalformed for an answer that
// is not an SCT. Each call has its own http::Client (one per thread): it runs
// on the calling thread, never on an I/O thread. Thread-safe.
class HttpCtLog : public CtLog {
 public:
  explicit HttpCtLog(HttpCtLogConfig config) : config_(std::move(config)) {}
  Result<pki::Sct> Submit(bool precert, const std::vector<std::string>& chain_der,
                          std::chrono::milliseconds timeout) override;

 private:
  HttpCtLogConfig config_;
};

// The SCT of an add-chain / add-pre-chain JSON answer (RFC 6962 4.1).
Result<pki::Sct> SctFromJson(std::string_view body);

}  // namespace signet::ca::ct
