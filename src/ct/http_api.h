// The HTTP API of a CT log (RFC 6962 4): a pure function from request to
// response over a Log. Errors are plain-text HTTP 400 (404 for an unknown
// leaf hash) with a one-line message; a refused submission changes nothing.
#pragma once

#include <cstddef>
#include <string>

#include "ct/log.h"
#include "http/message.h"

namespace signet::ct {

// Submissions larger than this are refused with 400.
inline constexpr size_t kMaxSubmissionBytes = 512 * 1024;

// The RFC 6962 API under /ct/v1/, and the static-ct-api read path
// (static_api.h) with checkpoints for `origin` (the submission prefix
// without scheme and trailing slash). `log` must outlive the handler.
http::Handler MakeApiHandler(Log& log, std::string origin);

}  // namespace signet::ct
