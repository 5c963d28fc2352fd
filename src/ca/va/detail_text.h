// Text that goes into problem details: what a remote server sent, quoted so
// that a hostile answer cannot forge or break the message, and capped so
// that a detail never carries more than a short excerpt of it. Shared by the
// validators (HTTP-01 bodies, DNS-01 TXT records).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace signet::va {

// The most bytes of a remote's text a problem detail quotes.
inline constexpr size_t kMaxQuotedBytes = 128;

// At most `max_bytes` of `text` in double quotes, with '"' and '\'
// backslash-escaped, newline as \n and every other control or non-ASCII byte
// as \xHH; a longer text is cut there and followed by "... (N bytes in all)"
// after the closing quote.
std::string QuoteForDetail(std::string_view text, size_t max_bytes = kMaxQuotedBytes);

// What an HTTP-01 failure may say about the body received from `address`:
// "got \"EXCERPT\"" (QuoteForDetail), or, when `address` is reserved or
// private (IsReservedAddress) and validating against such addresses is not
// allowed (allow_private: --allow-loopback-validation, testing only),
// "the response body from a reserved address is not shown": a problem
// document must never relay what an internal server answered.
std::string BodyForDetail(std::string_view body, const std::string& address, bool allow_private);

}  // namespace signet::va
