// The remote validation protocol between the primary VA and its remote
// perspectives (CA/B Forum BR 3.2.2.9): JSON over HTTPS with mutual TLS.
//   POST /va/validate  ValidationRequest -> ValidationResult
//   POST /va/caa       {name, wildcard, account_url, method} -> {problem?}
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "base/result.h"
#include "ca/va/va.h"

namespace signet::va::remote {

boost::json::object RequestToJson(const ValidationRequest& r);
Result<ValidationRequest> RequestFromJson(const boost::json::object& o);
boost::json::object ResultToJson(const ValidationResult& r);
Result<ValidationResult> ResultFromJson(const boost::json::object& o);
boost::json::object StatusToJson(const Status& s);
Status StatusFromJson(const boost::json::object& o);

}  // namespace signet::va::remote
