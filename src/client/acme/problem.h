// Problem documents as the agent receives them (RFC 8555 6.7, RFC 7807) and
// their translation into Signet's Error. The CLI prints Error::detail to the
// user, so the detail is the whole readable story: the problem type, the
// CA's detail, and one "identifier: type: detail" part per subproblem
// (RFC 8555 6.7.1), e.g.
//   rejectedIdentifier: Error creating new order; a_b.test: rejectedIdentifier: bad name
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace signet::client {

inline constexpr std::string_view kAcmeErrorPrefix = "urn:ietf:params:acme:error:";

struct Problem {
  std::string type;  // as sent, e.g. "urn:ietf:params:acme:error:badNonce"
  std::string detail;
  int status = 0;               // the "status" member, 0 when absent
  std::string identifier_type;  // subproblems name the identifier they concern
  std::string identifier_value;
  std::vector<Problem> subproblems;

  // "badNonce" for an ACME error URN; the type as sent otherwise.
  std::string ShortType() const;
};

// Parses a problem document: a JSON object with a string "type" (or at least
// a string "detail"; the type then defaults to "about:blank"). Members of the
// wrong JSON type are ignored. nullopt if it is not a problem document.
std::optional<Problem> ParseProblem(const boost::json::object& json);

// The ErrorCode whose ErrorCodeName is the URN's NAME
// (urn:ietf:params:acme:error:NAME); kServerInternal for anything else.
ErrorCode ErrorCodeForProblemType(std::string_view type);

// "TYPE: detail" and "; IDENTIFIER: TYPE: detail" per subproblem.
std::string DescribeProblem(const Problem& problem);

// Error{ErrorCodeForProblemType(type), DescribeProblem(problem)}. The
// subproblems live only in the detail text, so Error::ToString() does not
// repeat them.
Error ProblemToError(const Problem& problem);

}  // namespace signet::client
