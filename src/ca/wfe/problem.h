// The one place where an internal Error becomes an RFC 8555 6.7 problem
// document (RFC 7807, application/problem+json) and an HTTP status.
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "base/error.h"

namespace signet::ca {

// "urn:ietf:params:acme:error:" + the ACME name of the code.
std::string ProblemType(ErrorCode code);
int ProblemStatus(ErrorCode code);
// The problem document, with subproblems and their identifiers (6.7.1).
boost::json::object ProblemJson(const Error& error);

}  // namespace signet::ca
