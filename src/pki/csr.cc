#include "pki/csr.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>

#include "base/fuzz_record.h"
#include "pki/csr_asn1.h"

namespace signet::pki {

using crypto::ExtStackPtr;
using crypto::GeneralNamesPtr;

namespace {

Error BadCsr(const std::string& detail) {
  crypto::LastOsslError();  // Drop whatever OpenSSL queued on the way.
  return Error(ErrorCode::kBadCsr, detail);
}

std::string ToLower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Asn1Text(const ASN1_STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     size_t(ASN1_STRING_length(s)));
}

// The subject's first commonName as UTF-8 ("" when there is none).
Result<std::string> CommonName(const X509_NAME* subject) {
  int idx = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (idx < 0) return std::string();
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, idx));
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, data);
  if (len < 0) return BadCsr("CSR subject commonName cannot be decoded");
  std::string cn(reinterpret_cast<char*>(utf8), size_t(len));
  OPENSSL_free(utf8);
  if (cn.find('\0') != std::string::npos) return BadCsr("CSR commonName contains a NUL byte");
  return cn;
}

Status AddIpAddress(const ASN1_OCTET_STRING* ip, Csr& csr) {
  int len = ASN1_STRING_length(ip);
  if (len != 4 && len != 16) return BadCsr("CSR iPAddress SAN has an invalid length");
  char text[INET6_ADDRSTRLEN] = {0};
  if (!inet_ntop(len == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(ip), text, sizeof(text)))
    return BadCsr("CSR iPAddress SAN cannot be formatted");
  csr.ip_addresses.emplace_back(text);
  return OkStatus();
}

Status AddGeneralName(const GENERAL_NAME* name, Csr& csr) {
  switch (name->type) {
    case GEN_DNS: {
      std::string dns = Asn1Text(name->d.dNSName);
      if (dns.find('\0') != std::string::npos)
        return BadCsr("CSR dNSName SAN contains a NUL byte");
      csr.dns_names.push_back(ToLower(std::move(dns)));
      return OkStatus();
    }
    case GEN_IPADD:
      return AddIpAddress(name->d.iPAddress, csr);
    default:
      csr.has_other_san_types = true;
      return OkStatus();
  }
}

// TLSFeature ::= SEQUENCE OF INTEGER (RFC 7633 6): true when it lists
// status_request (5). Small enough to read by hand.
Result<bool> RequestsStatusRequest(const ASN1_OCTET_STRING* value) {
  std::string_view der(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                       size_t(ASN1_STRING_length(value)));
  if (der.size() < 2 || der[0] != 0x30 || size_t(uint8_t(der[1])) != der.size() - 2)
    return BadCsr("CSR TLS Feature extension is malformed");
  bool status_request = false;
  for (size_t i = 2; i < der.size();) {
    if (i + 2 > der.size() || der[i] != 0x02)
      return BadCsr("CSR TLS Feature extension is malformed");
    size_t len = uint8_t(der[i + 1]);
    if (len == 0 || len > 2 || i + 2 + len > der.size())
      return BadCsr("CSR TLS Feature extension is malformed");
    if (len == 1 && der[i + 2] == 5) status_request = true;
    i += 2 + len;
  }
  return status_request;
}

Status ExtractMustStaple(STACK_OF(X509_EXTENSION) * exts, Csr& csr) {
  for (int idx = -1; (idx = X509v3_get_ext_by_NID(exts, NID_tlsfeature, idx)) >= 0;) {
    const ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(X509v3_get_ext(exts, idx));
    SIGNET_ASSIGN_OR_RETURN(bool staple, RequestsStatusRequest(value));
    csr.must_staple = csr.must_staple || staple;
  }
  return OkStatus();
}

// `exts`: the requested extensions (an empty stack when there are none).
Status ExtractExtensions(STACK_OF(X509_EXTENSION) * requested, Csr& csr) {
  if (!requested) return BadCsr("CSR extensionRequest attribute is malformed");
  SIGNET_RETURN_IF_ERROR(ExtractMustStaple(requested, csr));
  int idx = X509v3_get_ext_by_NID(requested, NID_subject_alt_name, -1);
  if (idx < 0) return OkStatus();
  if (X509v3_get_ext_by_NID(requested, NID_subject_alt_name, idx) >= 0)
    return BadCsr("CSR has more than one subjectAltName extension");
  GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509V3_EXT_d2i(X509v3_get_ext(requested, idx))));
  if (!names) return BadCsr("CSR subjectAltName extension is malformed");
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i)
    SIGNET_RETURN_IF_ERROR(AddGeneralName(sk_GENERAL_NAME_value(names.get(), i), csr));
  return OkStatus();
}

// The digest of an RSASSA-PSS signature: its hashAlgorithm, SHA-1 when the
// parameters leave it out (RFC 4055 3.1); NID_undef when they are unreadable
// (the signature check then fails).
int PssDigest(const X509_ALGOR* algorithm) {
  if (!algorithm->parameter) return NID_sha1;  // every parameter at its default
  crypto::RsaPssParamsPtr pss(static_cast<RSA_PSS_PARAMS*>(
      ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(RSA_PSS_PARAMS), algorithm->parameter)));
  if (!pss) return NID_undef;
  if (!pss->hashAlgorithm) return NID_sha1;
  return OBJ_obj2nid(pss->hashAlgorithm->algorithm);
}

// A self-signature made with a broken hash (MD2, MD4, MD5, SHA-1) proves
// little: refused, as the Baseline Requirements refuse such signatures
// everywhere else. Other algorithms are left to the signature check.
Status CheckSignatureAlgorithm(const X509_ALGOR* algorithm) {
  int nid = OBJ_obj2nid(algorithm->algorithm);
  int digest = NID_undef;
  std::string name;
  if (nid == NID_rsassaPss) {
    digest = PssDigest(algorithm);
    name = std::string("RSASSA-PSS with ") + (digest == NID_undef ? "?" : OBJ_nid2sn(digest));
  } else {
    int pkey = NID_undef;
    if (OBJ_find_sigid_algs(nid, &digest, &pkey) != 1) return OkStatus();
    name = OBJ_nid2ln(nid);
  }
  switch (digest) {
    case NID_md2:
    case NID_md4:
    case NID_md5:
    case NID_md5_sha1:
    case NID_mdc2:
    case NID_sha1:
      return BadCsr("CSR is signed with " + name +
                    ": SHA-1 and MD5 signatures are not accepted (sign with SHA-256)");
    default:
      return OkStatus();
  }
}

bool IsIpLiteral(const std::string& s) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

}  // namespace

Result<Csr> ParseCsr(std::string_view der) {
  RecordFuzzInput("csr_fuzz", der);
  SIGNET_ASSIGN_OR_RETURN(internal::CsrParts parts, internal::CsrParts::Decode(der));
  if (parts.version() != X509_REQ_VERSION_1) return BadCsr("unsupported CSR version");
  SIGNET_RETURN_IF_ERROR(CheckSignatureAlgorithm(parts.signature_algorithm()));
  Csr csr;
  SIGNET_ASSIGN_OR_RETURN(csr.public_key, parts.PublicKey());
  if (!parts.VerifySignature(csr.public_key.get())) return BadCsr("CSR signature is invalid");
  SIGNET_ASSIGN_OR_RETURN(csr.subject_public_key_info, parts.Spki());
  SIGNET_ASSIGN_OR_RETURN(csr.common_name, CommonName(parts.subject()));
  ExtStackPtr requested = parts.Extensions();
  SIGNET_RETURN_IF_ERROR(ExtractExtensions(requested.get(), csr));
  return csr;
}

std::vector<std::string> CsrDnsNames(const Csr& csr) {
  std::vector<std::string> names;
  for (const std::string& n : csr.dns_names) names.push_back(ToLower(n));
  // A CN that repeats one of the IP SANs is an IP identifier, not a DNS name.
  bool cn_is_ip_san = IsIpLiteral(csr.common_name) &&
                      std::find(csr.ip_addresses.begin(), csr.ip_addresses.end(),
                                csr.common_name) != csr.ip_addresses.end();
  if (!csr.common_name.empty() && !cn_is_ip_san) names.push_back(ToLower(csr.common_name));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

}  // namespace signet::pki
