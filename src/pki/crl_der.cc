#include "pki/crl_der.h"

#include <openssl/core_names.h>

#include <array>
#include <cstdio>

namespace signet::pki::internal {

using crypto::OsslError;

void AppendDerHeader(std::string* out, uint8_t tag, size_t length) {
  out->push_back(char(tag));
  if (length < 0x80) {
    out->push_back(char(length));
    return;
  }
  int octets = 0;
  for (size_t l = length; l != 0; l >>= 8) ++octets;
  out->push_back(char(0x80 | octets));
  for (int i = octets - 1; i >= 0; --i) out->push_back(char((length >> (8 * i)) & 0xff));
}

void AppendDerTlv(std::string* out, uint8_t tag, std::string_view contents) {
  AppendDerHeader(out, tag, contents.size());
  out->append(contents);
}

std::string DerTlv(uint8_t tag, std::string_view contents) {
  std::string out;
  out.reserve(contents.size() + 6);
  AppendDerTlv(&out, tag, contents);
  return out;
}

std::string DerConcat(uint8_t tag, std::initializer_list<std::string_view> parts) {
  size_t length = 0;
  for (std::string_view part : parts) length += part.size();
  std::string out;
  out.reserve(length + 6);
  AppendDerHeader(&out, tag, length);
  for (std::string_view part : parts) out.append(part);
  return out;
}

std::string DerUnsignedContents(uint64_t value) {
  std::string out;
  for (int i = 7; i >= 0; --i) {
    char octet = char((value >> (8 * i)) & 0xff);
    if (out.empty() && octet == 0) continue;
    if (out.empty() && (uint8_t(octet) & 0x80)) out.push_back('\0');
    out.push_back(octet);
  }
  if (out.empty()) out.push_back('\0');
  return out;
}

namespace {

// Hex digit values; 0xff for anything else.
constexpr std::array<uint8_t, 256> kHexValues = [] {
  std::array<uint8_t, 256> table{};
  table.fill(0xff);
  for (int i = 0; i < 10; ++i) table['0' + i] = uint8_t(i);
  for (int i = 0; i < 6; ++i) table['a' + i] = table['A' + i] = uint8_t(10 + i);
  return table;
}();

}  // namespace

Result<size_t> DerSerialContents(std::string_view hex, std::span<char> out) {
  if (hex.empty()) return Error(ErrorCode::kMalformed, "empty serial");
  size_t first = hex.find_first_not_of('0');
  if (first == std::string_view::npos) first = hex.size() - 1;  // zero: one "00" octet
  hex.remove_prefix(first);
  // One octet per two digits, plus a zero octet when the top bit would be set.
  size_t odd = hex.size() % 2;
  uint8_t top = kHexValues[uint8_t(hex[0])];
  bool pad = odd == 0 && top != 0xff && (top & 0x8) != 0;
  size_t length = hex.size() / 2 + odd + (pad ? 1 : 0);
  if (length > out.size())
    return Error(ErrorCode::kMalformed,
                 "serial longer than " + std::to_string(out.size()) + " octets");
  size_t o = 0;
  if (pad) out[o++] = 0;
  uint8_t bad = 0;
  size_t i = 0;
  if (odd) {
    uint8_t v = kHexValues[uint8_t(hex[i++])];
    bad |= v;
    out[o++] = char(v);
  }
  for (; i < hex.size(); i += 2) {
    uint8_t hi = kHexValues[uint8_t(hex[i])], lo = kHexValues[uint8_t(hex[i + 1])];
    bad |= hi | lo;
    out[o++] = char(hi << 4 | lo);
  }
  if (bad & 0xf0) return Error(ErrorCode::kMalformed, "serial is not hex");
  return length;
}

namespace {

// UTCTime covers 1950-01-01T00:00:00Z up to 2050-01-01T00:00:00Z (RFC 5280 4.1.2.5).
constexpr std::time_t kUtcTimeFirst = -631152000;
constexpr std::time_t kUtcTimeEnd = 2524608000;

bool UsesUtcTime(std::time_t t) { return t >= kUtcTimeFirst && t < kUtcTimeEnd; }

}  // namespace

void AppendDerTime(std::string* out, std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  int year = tm.tm_year + 1900;
  bool utc_time = UsesUtcTime(t);
  char buf[32];
  int len = utc_time ? std::snprintf(buf, sizeof(buf), "%02d%02d%02d%02d%02d%02dZ", year % 100,
                                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec)
                     : std::snprintf(buf, sizeof(buf), "%04d%02d%02d%02d%02d%02dZ", year,
                                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  AppendDerTlv(out, utc_time ? kDerUtcTime : kDerGeneralizedTime,
               std::string_view(buf, size_t(len)));
}

size_t DerTimeSize(std::time_t t) { return UsesUtcTime(t) ? 2 + 13 : 2 + 15; }

}  // namespace signet::pki::internal
