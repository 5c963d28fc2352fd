// The primary's view of one remote perspective: a ValidationAuthority that
// asks a remote-va over mutual TLS. Unreachable, slow or garbled answers are
// errors (the quorum counts them as disagreement), bounded by the timeout
// and by the call's deadline, which the remote is told (wire.h "timeout_ms")
// so that it stops its own work in time to answer. Thread-safe: each call
// uses its own connection.
//
// Each answer carries the RIR the remote declares (`signetd remote-va --rir`,
// "rir" in every answer): the first one is learned (or the start-up Probe
// learns it), and an answer without a known RIR, or naming another one
// later, is an error. The RIR is the remote's to declare because it is a
// fact of where the remote runs, configured by whoever runs it beside its
// network; the primary's list of URLs cannot drift from the deployment.
#pragma once

#include <chrono>
#include <string>

#include <boost/json/object.hpp>

#include "ca/va/remote/multi_perspective_va.h"
#include "ca/va/va.h"
#include "http/client.h"

namespace signet::va::remote {

struct RemoteVaConfig {
  std::string url;              // e.g. https://10.0.0.2:15000
  std::string ca_file;          // trust for the remote's server certificate
  std::string client_cert_pem;  // our client certificate and key
  std::string client_key_pem;
  std::chrono::milliseconds timeout{10000};  // per call, cut to the call's deadline
};

class RemoteValidationAuthority : public RemotePerspective {
 public:
  explicit RemoteValidationAuthority(RemoteVaConfig config) : config_(std::move(config)) {}
  ValidationResult Validate(const ValidationRequest& request) override;
  const std::string& url() const { return config_.url; }
  std::string rir() const override;
  // Asks the remote which RIR it declares (POST /va/info), by `deadline`.
  Status Probe(Deadline deadline);

 private:
  Status DoCheckCaa(const std::string& name, bool wildcard, const std::string& account_url,
                    const std::string& method, Deadline deadline) override;
  Result<boost::json::object> Call(const std::string& path, const boost::json::object& body,
                                   Deadline deadline);
  // Learns or checks the "rir" of an answer.
  Status CheckRir(const boost::json::object& answer);
  RemoteVaConfig config_;
  DeclaredRirRecord declared_;
};

}  // namespace signet::va::remote
