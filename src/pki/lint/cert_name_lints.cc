// Certificate lints on the names: the subjectAltName and the subject CN
// (BR 7.1.2.7.12 and 7.1.4.3, RFC 5280 4.2.1.6).
#include <arpa/inet.h>
#include <openssl/x509v3.h>

#include "pki/lint/lint_internal.h"

namespace signet::pki::lint::internal {
namespace {

constexpr size_t kMaxDnsName = 253;
constexpr size_t kMaxLabel = 63;

// The (first) SAN extension, nullptr when absent, and its names.
struct Sans {
  X509_EXTENSION* ext = nullptr;
  crypto::GeneralNamesPtr names;
};

Sans SansOf(X509* cert) {
  Sans out;
  int index = X509_get_ext_by_NID(cert, NID_subject_alt_name, -1);  // the first
  if (index < 0) return out;
  out.ext = X509_get_ext(cert, index);
  out.names.reset(static_cast<GENERAL_NAMES*>(X509V3_EXT_d2i(out.ext)));
  return out;
}

std::string_view Ia5Of(const ASN1_IA5STRING* s) { return OctetsOf(s); }

// "" when `name` is a lower-case LDH host name, with "*" only as the whole
// leftmost label; else what is wrong with it.
std::string DnsNameProblem(std::string_view name) {
  if (name.empty()) return "is empty";
  if (name.size() > kMaxDnsName) return "is longer than 253 characters";
  if (name.back() == '.') return "ends with a dot";
  size_t start = 0;
  for (int label_index = 0;; ++label_index) {
    size_t end = name.find('.', start);
    std::string_view label = name.substr(start, end == std::string_view::npos ? end : end - start);
    bool wildcard = label == "*";
    if (wildcard && label_index != 0) return "has a wildcard that is not the leftmost label";
    if (wildcard && end == std::string_view::npos) return "is only a wildcard";
    if (!wildcard) {
      if (label.empty()) return "has an empty label";
      if (label.size() > kMaxLabel) return "has a label longer than 63 characters";
      if (label.front() == '-' || label.back() == '-')
        return "has a label starting or ending with '-'";
      for (char ch : label) {
        if (ch >= 'A' && ch <= 'Z') return "is not lower-case";
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-'))
          return std::string("has the character '") + ch + "' outside letters, digits and '-'";
      }
    }
    if (end == std::string_view::npos) return "";
    start = end + 1;
  }
}

std::string SanMissing(const CertContext& c) {
  Sans sans = SansOf(c.cert);
  if (!sans.ext) return "subjectAltName is missing";
  if (!sans.names || sk_GENERAL_NAME_num(sans.names.get()) == 0) return "subjectAltName is empty";
  return "";
}

std::string SanUnexpectedType(const CertContext& c) {
  Sans sans = SansOf(c.cert);
  for (int i = 0; sans.names && i < sk_GENERAL_NAME_num(sans.names.get()); ++i) {
    int type = sk_GENERAL_NAME_value(sans.names.get(), i)->type;
    if (type != GEN_DNS && type != GEN_IPADD)
      return "subjectAltName holds a name of type " + std::to_string(type) +
             ", not a dNSName or iPAddress";
  }
  return "";
}

std::string SanDnsName(const CertContext& c) {
  Sans sans = SansOf(c.cert);
  for (int i = 0; sans.names && i < sk_GENERAL_NAME_num(sans.names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(sans.names.get(), i);
    if (name->type != GEN_DNS) continue;
    std::string_view dns = Ia5Of(name->d.dNSName);
    std::string problem = DnsNameProblem(dns);
    if (!problem.empty()) return "dNSName \"" + std::string(dns) + "\" " + problem;
  }
  return "";
}

std::string SanIpAddress(const CertContext& c) {
  Sans sans = SansOf(c.cert);
  for (int i = 0; sans.names && i < sk_GENERAL_NAME_num(sans.names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(sans.names.get(), i);
    if (name->type != GEN_IPADD) continue;
    int length = ASN1_STRING_length(name->d.iPAddress);
    if (length != 4 && length != 16)
      return "iPAddress of " + std::to_string(length) + " octets, not 4 or 16";
  }
  return "";
}

std::string SanCriticality(const CertContext& c) {
  Sans sans = SansOf(c.cert);
  if (!sans.ext) return "";  // e_san_missing's
  bool empty_subject = X509_NAME_entry_count(X509_get_subject_name(c.cert)) == 0;
  bool critical = X509_EXTENSION_get_critical(sans.ext);
  if (critical == empty_subject) return "";
  return critical ? "subjectAltName is critical while the subject is not empty"
                  : "subjectAltName is not critical while the subject is empty";
}

// True when `cn` names one of the SANs: a dNSName, or an iPAddress in text form.
bool CnInSans(std::string_view cn, const GENERAL_NAMES* names) {
  std::string text(cn);
  unsigned char ip[16];
  int ip_length = inet_pton(AF_INET, text.c_str(), ip) == 1    ? 4
                  : inet_pton(AF_INET6, text.c_str(), ip) == 1 ? 16
                                                               : 0;
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type == GEN_DNS && Ia5Of(name->d.dNSName) == cn) return true;
    if (name->type == GEN_IPADD && ip_length > 0 &&
        OctetsOf(name->d.iPAddress) ==
            std::string_view(reinterpret_cast<const char*>(ip), size_t(ip_length)))
      return true;
  }
  return false;
}

std::string CnNotInSan(const CertContext& c) {
  X509_NAME* subject = X509_get_subject_name(c.cert);
  Sans sans = SansOf(c.cert);
  if (!sans.ext) return "";  // e_san_missing's
  for (int i = -1; (i = X509_NAME_get_index_by_NID(subject, NID_commonName, i)) >= 0;) {
    std::string_view cn = OctetsOf(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i)));
    if (!CnInSans(cn, sans.names.get()))
      return "subject CN \"" + std::string(cn) + "\" is not one of the subjectAltNames";
  }
  return "";
}

}  // namespace

const std::vector<CertLint>& CertNameLints() {
  static const std::vector<CertLint> lints = {
      {"e_san_missing", SanMissing},
      {"e_san_unexpected_type", SanUnexpectedType},
      {"e_san_dns_name_malformed", SanDnsName},
      {"e_san_ip_address_malformed", SanIpAddress},
      {"e_san_criticality", SanCriticality},
      {"e_cn_not_in_san", CnNotInSan},
  };
  return lints;
}

}  // namespace signet::pki::lint::internal
