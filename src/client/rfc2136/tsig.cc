#include "client/rfc2136/tsig.h"

#include <optional>

#include "base/base64url.h"
#include "crypto/hmac.h"

namespace signet::client::rfc2136 {
namespace {

constexpr uint16_t kTypeTsig = 250;
constexpr uint16_t kClassAny = 255;

void Put16(std::string* out, uint16_t v) {
  out->push_back(char(v >> 8));
  out->push_back(char(v & 0xff));
}
void Put48(std::string* out, uint64_t v) {
  for (int shift = 40; shift >= 0; shift -= 8) out->push_back(char((v >> shift) & 0xff));
}
uint16_t Get16(std::string_view s, size_t at) {
  return uint16_t((uint8_t(s[at]) << 8) | uint8_t(s[at + 1]));
}

// The offset just past the (possibly compressed) name at `at`.
std::optional<size_t> SkipName(std::string_view m, size_t at) {
  while (at < m.size()) {
    auto len = uint8_t(m[at]);
    if (len == 0) return at + 1;
    if ((len & 0xc0) == 0xc0) return at + 2 <= m.size() ? std::optional(at + 2) : std::nullopt;
    if (len & 0xc0) return std::nullopt;
    at += 1 + len;
  }
  return std::nullopt;
}

// The TSIG variables (RFC 8945 4.3.3) after the key name, class and TTL.
std::string Variables(const TsigKey& key, std::string_view time_fudge, uint16_t error,
                      std::string_view other) {
  std::string v = key.name_wire;
  Put16(&v, kClassAny);
  v.append(4, '\0');  // TTL 0
  v += key.algorithm_wire;
  v += time_fudge;  // time signed (48 bits) and fudge (16 bits)
  Put16(&v, error);
  Put16(&v, uint16_t(other.size()));
  v += other;
  return v;
}

}  // namespace

std::string NameToWire(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  std::string out;
  while (!name.empty()) {
    size_t dot = name.find('.');
    std::string_view label = name.substr(0, dot);
    if (label.empty() || label.size() > 63) return "";
    out.push_back(char(label.size()));
    for (char c : label) out.push_back(c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c);
    name = dot == std::string_view::npos ? std::string_view() : name.substr(dot + 1);
  }
  out.push_back('\0');
  return out.size() > 255 ? "" : out;
}

Result<TsigKey> MakeTsigKey(const Credentials& c) {
  TsigKey key;
  key.name_wire = NameToWire(c.key_name);
  if (key.name_wire.size() <= 1)
    return Error(ErrorCode::kMalformed, "dns_rfc2136_name is not a domain name: " + c.key_name);
  auto secret = Base64Decode(c.secret);
  if (!secret.ok() || secret->empty())
    return Error(ErrorCode::kMalformed,
                 "dns_rfc2136_secret of TSIG key " + c.key_name + " is not base64");
  key.secret = std::move(*secret);
  std::string alg = TsigAlgorithmName(c.algorithm);
  key.algorithm_wire = NameToWire(alg);
  if (c.algorithm == "HMAC-MD5")
    key.digest = EVP_md5();
  else if (c.algorithm == "HMAC-SHA1")
    key.digest = EVP_sha1();
  else if (c.algorithm == "HMAC-SHA224")
    key.digest = EVP_sha224();
  else if (c.algorithm == "HMAC-SHA256")
    key.digest = EVP_sha256();
  else if (c.algorithm == "HMAC-SHA384")
    key.digest = EVP_sha384();
  else if (c.algorithm == "HMAC-SHA512")
    key.digest = EVP_sha512();
  else
    return Error(ErrorCode::kMalformed, "Unknown algorithm: " + c.algorithm + ".");
  return key;
}

Result<std::string> SignMessage(std::string* message, const TsigKey& key, uint64_t now,
                                uint16_t fudge) {
  if (message->size() < 12)
    return Error(ErrorCode::kMalformed, "DNS message shorter than its header");
  std::string time_fudge;
  Put48(&time_fudge, now);
  Put16(&time_fudge, fudge);
  SIGNET_ASSIGN_OR_RETURN(
      std::string mac,
      crypto::Hmac(key.digest, key.secret, *message + Variables(key, time_fudge, 0, "")));
  std::string rdata = key.algorithm_wire + time_fudge;
  Put16(&rdata, uint16_t(mac.size()));
  rdata += mac;
  rdata.append(message->substr(0, 2));  // original ID
  Put16(&rdata, 0);                     // error
  Put16(&rdata, 0);                     // other len
  std::string rr = key.name_wire;
  Put16(&rr, kTypeTsig);
  Put16(&rr, kClassAny);
  rr.append(4, '\0');
  Put16(&rr, uint16_t(rdata.size()));
  rr += rdata;
  uint16_t arcount = Get16(*message, 10) + 1;
  (*message)[10] = char(arcount >> 8);
  (*message)[11] = char(arcount & 0xff);
  *message += rr;
  return mac;
}

Result<TsigResult> CheckResponse(std::string_view m, const TsigKey& key,
                                 std::string_view request_mac) {
  Error bad(ErrorCode::kMalformed, "cannot walk the DNS response");
  if (m.size() < 12) return bad;
  uint16_t qd = Get16(m, 4), an = Get16(m, 6), ns = Get16(m, 8), ar = Get16(m, 10);
  TsigResult result;
  if (ar == 0) return result;
  size_t at = 12;
  for (int i = 0; i < qd; ++i) {
    auto end = SkipName(m, at);
    if (!end || *end + 4 > m.size()) return bad;
    at = *end + 4;
  }
  size_t records = size_t(an) + ns + ar - 1;  // the TSIG record is the last one
  for (size_t i = 0; i < records; ++i) {
    auto end = SkipName(m, at);
    if (!end || *end + 10 > m.size()) return bad;
    at = *end + 10 + Get16(m, *end + 8);
  }
  const size_t tsig_at = at;
  auto name_end = SkipName(m, at);
  if (!name_end || *name_end + 10 > m.size() || Get16(m, *name_end) != kTypeTsig) return result;
  result.present = true;
  size_t rd = *name_end + 10, rd_end = rd + Get16(m, *name_end + 8);
  auto alg_end = SkipName(m, rd);
  if (rd_end > m.size() || !alg_end || *alg_end + 10 > rd_end) return bad;
  std::string_view time_fudge = m.substr(*alg_end, 8);
  size_t mac_len = Get16(m, *alg_end + 8), mac_at = *alg_end + 10;
  if (mac_at + mac_len + 6 > rd_end) return bad;
  std::string_view mac = m.substr(mac_at, mac_len);
  size_t after = mac_at + mac_len;
  std::string_view original_id = m.substr(after, 2);
  result.error = Get16(m, after + 2);
  size_t other_len = Get16(m, after + 4);
  if (after + 6 + other_len > rd_end) return bad;
  std::string_view other = m.substr(after + 6, other_len);
  if (mac.empty()) return result;  // BADSIG/BADKEY answers are unsigned
  // RFC 8945 4.3.1, 5.3: request MAC, then the response without its TSIG
  // record (ARCOUNT one less, the original ID), then the TSIG variables.
  std::string input;
  Put16(&input, uint16_t(request_mac.size()));
  input += request_mac;
  std::string body(m.substr(0, tsig_at));
  body.replace(0, 2, original_id);
  body[10] = char((ar - 1) >> 8);
  body[11] = char((ar - 1) & 0xff);
  input += body;
  input += Variables(key, time_fudge, uint16_t(result.error), other);
  SIGNET_ASSIGN_OR_RETURN(std::string want, crypto::Hmac(key.digest, key.secret, input));
  result.verified = crypto::ConstantTimeEquals(want, mac);
  return result;
}

}  // namespace signet::client::rfc2136
