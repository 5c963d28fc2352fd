// TSIG (RFC 8945) on DNS messages in wire format: signing a request and
// checking the TSIG record of its response, for the six HMACs
// certbot-dns-rfc2136 offers.
//
// Why not ldns's TSIG: Debian 12's ldns 1.8.3 signs only HMAC-MD5, -SHA1,
// -SHA256 and -SHA512 (no SHA224; SHA384 is misspelt "hmac-shac384." in its
// digest table), so the MAC is computed here with OpenSSL's HMAC while ldns
// still writes and parses the messages.
//
// Plain functions over bytes; thread-safe.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "client/rfc2136/credentials.h"

namespace signet::client::rfc2136 {

struct TsigKey {
  std::string name_wire;       // the key name, lower case, uncompressed wire format
  std::string algorithm_wire;  // e.g. hmac-sha256. in wire format
  std::string secret;          // the decoded key bytes
  const EVP_MD* digest = nullptr;
};

// From the credentials: kMalformed naming the problem when the key name is
// not a domain name, the secret is not base64 or the algorithm is unknown.
Result<TsigKey> MakeTsigKey(const Credentials& credentials);

// A domain name in uncompressed, lower-case wire format; "" if invalid.
std::string NameToWire(std::string_view name);

// Appends a TSIG record to `message` (a complete message without one) and
// increments ARCOUNT. `now` is the UNIX time signed. Returns the MAC.
Result<std::string> SignMessage(std::string* message, const TsigKey& key, uint64_t now,
                                uint16_t fudge = 300);

// The TSIG record at the end of a response.
struct TsigResult {
  bool present = false;
  int error = 0;          // the TSIG error field (RFC 8945 3: 16 BADSIG, 17 BADKEY, 18 BADTIME)
  bool verified = false;  // the MAC is right for `request_mac` and the key
};
// Checks `response` (wire format) to a request whose MAC was `request_mac`.
// kMalformed only when the message cannot be walked.
Result<TsigResult> CheckResponse(std::string_view response, const TsigKey& key,
                                 std::string_view request_mac);

}  // namespace signet::client::rfc2136
