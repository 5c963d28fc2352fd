// Encoding of the nested parts of ACME objects (challenges, identifiers,
// problems) as JSON text for storage columns. Shared by every backend.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "acme/objects.h"
#include "base/result.h"

namespace signet::storage {

int64_t ToUnix(acme::TimePoint t);
acme::TimePoint FromUnix(int64_t s);

std::string EncodeStrings(const std::vector<std::string>& v);
Result<std::vector<std::string>> DecodeStrings(const std::string& text);

std::string EncodeIdentifiers(const std::vector<acme::Identifier>& v);
Result<std::vector<acme::Identifier>> DecodeIdentifiers(const std::string& text);

std::string EncodeError(const Error& e);
// Corrupt text decodes to a serverInternal error saying so.
Error DecodeError(const std::string& text);

// The DER of the first certificate of a PEM chain: how certificates stored
// before schema version 4 (a PEM chain per row) are read.
Result<std::string> FirstCertDerOfPem(std::string_view pem);

std::string EncodeChallenges(const std::vector<acme::Challenge>& v);
Result<std::vector<acme::Challenge>> DecodeChallenges(const std::string& text);

}  // namespace signet::storage
