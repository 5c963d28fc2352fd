// The static-ct-api read path over HTTP (c2sp.org/static-ct-api):
// /checkpoint (a signed note, c2sp.org/tlog-checkpoint, signed with the
// RFC6962NoteSignature), /tile/<L>/<N>[.p/<W>], /tile/data/<N>[.p/<W>] and
// /issuer/<fingerprint>, served beside the RFC 6962 API from the same log.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ct/log.h"
#include "http/message.h"

namespace signet::ct {

// The checkpoint of `sth`: origin, size, root hash, then the note signature
// "— origin base64(key ID || timestamp || TreeHeadSignature)".
std::string Checkpoint(const SignedTreeHead& sth, const std::string& origin,
                       const std::string& log_id);
// The note key ID: SHA-256(origin || 0x0A || 0x05 || log_id), first 4 bytes.
std::string NoteKeyId(const std::string& origin, const std::string& log_id);

// The response for a static-ct-api path, or nullopt if `req` is for none.
// `origin`: the submission prefix without scheme and trailing slash.
std::optional<http::Response> ServeStatic(Log& log, const std::string& origin,
                                          const http::Request& req);

// Parses "<N>[.p/<W>]" with N in tlog-tiles' x001/x234/067 form; W is 256
// for a full tile. nullopt if malformed.
std::optional<std::pair<uint64_t, int>> ParseTileIndex(std::string_view path);

}  // namespace signet::ct
