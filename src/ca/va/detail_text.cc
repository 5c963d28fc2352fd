#include "ca/va/detail_text.h"

#include "ca/va/http01.h"

namespace signet::va {

std::string QuoteForDetail(std::string_view text, size_t max_bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : text.substr(0, max_bytes)) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c >= 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += "\"";
  if (text.size() > max_bytes) out += "... (" + std::to_string(text.size()) + " bytes in all)";
  return out;
}

std::string BodyForDetail(std::string_view body, const std::string& address, bool allow_private) {
  if (!allow_private && IsReservedAddress(address)) {
    return "the response body from a reserved address is not shown";
  }
  return "got " + QuoteForDetail(body);
}

}  // namespace signet::va
