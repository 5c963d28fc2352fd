#include "ca/ra/identifier_policy.h"

#include <arpa/inet.h>

#include <array>
#include <cctype>
#include <memory>
#include <string_view>

#include <idn2.h>
#include <libpsl.h>

#include "ca/va/http01.h"

namespace signet::ca {
namespace {

Status Reject(const acme::Identifier& id, const std::string& why) {
  Error e(ErrorCode::kRejectedIdentifier, "Cannot issue for \"" + id.value + "\": " + why);
  e.identifier_type = id.type;
  e.identifier_value = id.value;
  return e;
}

bool IsIpLiteral(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

// The system's public suffix list (Debian's publicsuffix package), falling
// back to libpsl's built-in copy.
const psl_ctx_t* PublicSuffixes() {
  static const psl_ctx_t* psl = [] {
    const psl_ctx_t* p = psl_latest(nullptr);
    return p ? p : psl_builtin();
  }();
  return psl;
}

struct Idn2Free {
  void operator()(void* p) const { idn2_free(p); }
};
using Idn2String = std::unique_ptr<char, Idn2Free>;

// RFC 5890 2.3.2.1: an A-label is "xn--" and the Punycode (RFC 3492) of a
// valid IDNA2008 U-label, and encoding that U-label gives it back. libidn2
// decodes it, then checks the U-label under IDNA2008 alone (no UTS #46
// mapping) and re-encodes it; any other result is not an A-label.
bool IsValidALabel(std::string_view label) {
  std::string ace(label);
  char* decoded = nullptr;
  if (idn2_to_unicode_8z8z(ace.c_str(), &decoded, 0) != IDN2_OK) return false;
  Idn2String unicode(decoded);
  char* encoded = nullptr;
  if (idn2_lookup_u8(reinterpret_cast<const uint8_t*>(unicode.get()),
                     reinterpret_cast<uint8_t**>(&encoded), IDN2_NO_TR46) != IDN2_OK)
    return false;
  Idn2String alabel(encoded);
  return ace == alabel.get();
}

Status CheckLabels(const acme::Identifier& id, const std::string& name) {
  size_t labels = 0;
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    std::string_view label(name.data() + start, dot - start);
    if (label.empty()) return Reject(id, "name contains an empty label");
    if (label.size() > 63) return Reject(id, "a label is longer than 63 characters");
    if (label.front() == '-' || label.back() == '-')
      return Reject(id, "a label starts or ends with a hyphen");
    for (char c : label) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      if (!ok) return Reject(id, "name contains an invalid character");
    }
    if (label.size() >= 4 && label[2] == '-' && label[3] == '-' && !label.starts_with("xn--"))
      return Reject(id, "a label has hyphens in the third and fourth positions but is not an A-label");
    if (label.starts_with("xn--") && !IsValidALabel(label))
      return Reject(id, "label \"" + std::string(label) +
                            "\" is not a valid A-label (Punycode of an IDNA2008 U-label)");
    ++labels;
    start = dot + 1;
  }
  if (labels < 2) return Reject(id, "name must have at least two labels");
  return OkStatus();
}

bool EqualIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// `name` (lower case) is `base` (any case) or a name under it.
bool UnderOrEqual(std::string_view name, std::string_view base) {
  if (name.size() == base.size()) return EqualIgnoringCase(name, base);
  return name.size() > base.size() && name[name.size() - base.size() - 1] == '.' &&
         EqualIgnoringCase(name.substr(name.size() - base.size()), base);
}

// Blocklist entries come from the operator's configuration as written:
// compared without regard to case or trailing dots. An entry forbids itself
// and every name under it, so a wildcard is refused when its base is
// blocked or when it covers a blocked name (base "example.com" covers
// "bad.example.com").
Status CheckBlocklist(const acme::Identifier& id, std::string_view name, bool wildcard,
                      const IdentifierPolicy& policy) {
  for (const auto& entry : policy.blocklist) {
    std::string_view blocked = entry;
    while (!blocked.empty() && blocked.back() == '.') blocked.remove_suffix(1);
    if (blocked.empty()) continue;
    if (UnderOrEqual(name, blocked))
      return Reject(id, "name is blocked by the operator's policy (\"" + entry + "\")");
    size_t dot = blocked.find('.');
    if (wildcard && dot != std::string_view::npos && EqualIgnoringCase(blocked.substr(dot + 1), name))
      return Reject(id, "the wildcard covers a name blocked by the operator's policy (\"" + entry +
                            "\")");
  }
  return OkStatus();
}

struct SpecialUseTld {
  std::string_view tld;
  std::string_view why;
};

// Top-level domains that never name a public host: special-use names
// (RFC 6761 and IANA's Special-Use Domain Names registry), and private-use
// names ICANN reserved or will never delegate. The first five are the
// test names allow_test_names accepts; .onion never (RFC 7686: not DNS).
constexpr std::array<SpecialUseTld, 14> kSpecialUseTlds = {{
    {"test", "RFC 6761"},
    {"example", "RFC 6761"},
    {"localhost", "RFC 6761"},
    {"invalid", "RFC 6761"},
    {"local", "RFC 6762, multicast DNS"},
    {"onion", "RFC 7686, Tor onion services"},
    {"arpa", "RFC 3172, infrastructure; home.arpa: RFC 8375"},
    {"alt", "RFC 9476"},
    {"internal", "ICANN, private use"},
    {"corp", "ICANN name collision, never delegated"},
    {"home", "ICANN name collision, never delegated"},
    {"lan", "private use"},
    {"mail", "ICANN name collision, never delegated"},
    {"localdomain", "private use"},
}};
constexpr size_t kTestTlds = 5;

// The name's last label must be a top-level domain of the public DNS: an
// ICANN-section entry of the public suffix list, whose top-level entries
// follow IANA's root zone. allow_test_names skips that check and accepts
// the test names, never the other special-use names.
Status CheckTopLevelDomain(const acme::Identifier& id, std::string_view name,
                           const IdentifierPolicy& policy) {
  std::string tld(name.substr(name.rfind('.') + 1));
  for (size_t i = 0; i < kSpecialUseTlds.size(); ++i) {
    if (kSpecialUseTlds[i].tld != tld) continue;
    if (policy.allow_test_names && i < kTestTlds) return OkStatus();
    return Reject(id, "name is under the special-use top-level domain \"." + tld + "\" (" +
                          std::string(kSpecialUseTlds[i].why) + "), not a public name");
  }
  if (policy.allow_test_names) return OkStatus();
  if (psl_is_public_suffix2(PublicSuffixes(), tld.c_str(),
                            PSL_TYPE_ICANN | PSL_TYPE_NO_STAR_RULE) != 1)
    return Reject(id, "name does not end in a public top-level domain (\"." + tld +
                          "\" is not in the root zone)");
  return OkStatus();
}

Status CheckDnsName(const acme::Identifier& id, const IdentifierPolicy& policy) {
  std::string name = id.value;
  if (name.empty()) return Reject(id, "empty name");
  if (name.size() > 253) return Reject(id, "name is longer than 253 characters");
  if (name.back() == '.') return Reject(id, "name ends in a dot");
  if (IsIpLiteral(name)) return Reject(id, "an IP address is not a DNS name; use an \"ip\" identifier");
  const bool wildcard = name.starts_with("*.");
  if (wildcard) name = name.substr(2);
  if (name.find('*') != std::string::npos)
    return Reject(id, "a wildcard may only be the whole leftmost label");
  SIGNET_RETURN_IF_ERROR(CheckLabels(id, name));
  if (psl_is_public_suffix(PublicSuffixes(), name.c_str()))
    return Reject(id, std::string(name == id.value ? "name" : "wildcard base") +
                          " is a public suffix");
  SIGNET_RETURN_IF_ERROR(CheckTopLevelDomain(id, name, policy));
  return CheckBlocklist(id, name, wildcard, policy);
}

}  // namespace

std::string CanonicalIp(const std::string& ip) {
  unsigned char buf[16];
  char out[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET, ip.c_str(), buf) == 1 && inet_ntop(AF_INET, buf, out, sizeof(out)))
    return out;
  if (inet_pton(AF_INET6, ip.c_str(), buf) == 1 && inet_ntop(AF_INET6, buf, out, sizeof(out)))
    return out;
  return ip;
}

Status CheckIdentifier(const acme::Identifier& id, const IdentifierPolicy& policy) {
  if (id.type == "dns") return CheckDnsName(id, policy);
  if (id.type == "ip" && policy.allow_ip) {
    if (!IsIpLiteral(id.value)) return Reject(id, "not an IP address");
    if (!policy.allow_test_names && va::IsReservedAddress(id.value))
      return Reject(id, "IP address is in a reserved range");
    return OkStatus();
  }
  Error e(ErrorCode::kUnsupportedIdentifier,
          "Identifier type \"" + id.type + "\" is not supported; use \"dns\" or \"ip\"");
  e.identifier_type = id.type;
  e.identifier_value = id.value;
  return e;
}

}  // namespace signet::ca
