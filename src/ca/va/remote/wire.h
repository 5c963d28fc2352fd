// The remote validation protocol between the primary VA and its remote
// perspectives (CA/B Forum BR 3.2.2.9): JSON over HTTPS with mutual TLS.
//   POST /va/validate  ValidationRequest -> ValidationResult
//   POST /va/caa       {name, wildcard, account_url, method} -> {problem?}
//   POST /va/info      {} -> {} (the primary's start-up probe)
// Every answer carries "rir": the regional internet registry the remote
// declares (signetd remote-va --rir; mpic_rules.h).
// Both requests may carry "timeout_ms": how long the remote has, from when
// it reads the request, before the primary stops waiting for it (the
// deadline travels as a duration: the two hosts' clocks are not compared).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "base/result.h"
#include "ca/va/va.h"

namespace signet::va::remote {

// The "timeout_ms" a remote is given for `deadline`: the time left less a
// margin for the answer's way back (a tenth of it, at most 1 s), never
// below 0; nothing for kNoDeadline (the remote's own timeout applies).
std::optional<int64_t> RemoteBudgetMs(Deadline deadline);
// On the remote: the deadline of a request's "timeout_ms" from now, or
// kNoDeadline when absent or not a number.
Deadline DeadlineFromJson(const boost::json::object& o);

// Carries r.deadline as "timeout_ms" (RemoteBudgetMs).
boost::json::object RequestToJson(const ValidationRequest& r);
Result<ValidationRequest> RequestFromJson(const boost::json::object& o);
boost::json::object ResultToJson(const ValidationResult& r);
Result<ValidationResult> ResultFromJson(const boost::json::object& o);
boost::json::object StatusToJson(const Status& s);
Status StatusFromJson(const boost::json::object& o);
// The canonical RIR an answer's "rir" names; kServerInternal naming `remote`
// when absent or not one of the five.
Result<std::string> DeclaredRir(const boost::json::object& answer, const std::string& remote);

}  // namespace signet::va::remote
