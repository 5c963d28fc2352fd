// Text that goes into problem details: what a remote server sent, quoted so
// that a hostile answer cannot forge or break the message. Shared by the
// validators (HTTP-01 bodies, DNS-01 TXT records).
#pragma once

#include <string>
#include <string_view>

namespace signet::va {

// `text` in double quotes, with '"' and '\' backslash-escaped, newline as \n
// and every other control or non-ASCII byte as \xHH.
std::string QuoteForDetail(std::string_view text);

}  // namespace signet::va
