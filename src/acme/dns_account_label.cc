#include "acme/dns_account_label.h"

#include "crypto/digest.h"

namespace signet::acme {

std::string Base32Lower(std::string_view bytes) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
  return out;
}

std::string AccountScopedLabel(std::string_view account_url) {
  return "_" + Base32Lower(crypto::Sha256(std::string(account_url)).substr(0, 10));
}

}  // namespace signet::acme
