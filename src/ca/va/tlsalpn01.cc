// TlsAlpn01Validator: address selection and the judgement of the server's
// answer (RFC 8737 3). The handshake itself is in tls_dial.cc.
#include "ca/va/tlsalpn01.h"

#include <arpa/inet.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <cctype>

#include "acme/ip_identifier.h"
#include "base/fuzz_record.h"
#include "ca/va/tls_dial.h"
#include "crypto/digest.h"
#include "crypto/ossl.h"

namespace signet::va {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kBadCert[] = "Incorrect validation certificate for tls-alpn-01 challenge. ";

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The identifier as raw address bytes (4 or 16), or "" for a DNS name.
std::string IpBytes(const std::string& identifier) {
  unsigned char buf[16];
  if (inet_pton(AF_INET, identifier.c_str(), buf) == 1) return std::string(buf, buf + 4);
  if (inet_pton(AF_INET6, identifier.c_str(), buf) == 1) return std::string(buf, buf + 16);
  return "";
}

// "DNS:name" or "IP:address" for one subjectAltName entry.
std::string DescribeName(const GENERAL_NAME* name) {
  if (name->type == GEN_DNS) {
    const ASN1_STRING* s = name->d.dNSName;
    return "DNS:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                ASN1_STRING_length(s));
  }
  if (name->type == GEN_IPADD) {
    const ASN1_STRING* s = name->d.iPAddress;
    char text[INET6_ADDRSTRLEN] = "?";
    const int len = ASN1_STRING_length(s);
    if (len == 4 || len == 16) {
      inet_ntop(len == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(s), text, sizeof text);
    }
    return std::string("IP:") + text;
  }
  return "other name (type " + std::to_string(name->type) + ")";
}

// Exactly one subjectAltName, equal to the identifier.
Status CheckSubjectAltName(X509* cert, const std::string& identifier, const std::string& where) {
  int crit = 0;
  crypto::GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert, NID_subject_alt_name, &crit, nullptr)));
  const std::string prefix = kBadCert + ("Requested " + identifier + " from " + where + ". ");
  if (!names) {
    return Error(ErrorCode::kIncorrectResponse,
                 prefix + (crit == -2 ? "Received certificate with more than one "
                                        "subjectAltName extension"
                                      : "Received certificate without a subjectAltName"));
  }
  const int count = sk_GENERAL_NAME_num(names.get());
  std::string listed;
  for (int i = 0; i < count; ++i) {
    listed += (i ? ", " : "") + DescribeName(sk_GENERAL_NAME_value(names.get(), i));
  }
  if (count != 1) {
    return Error(ErrorCode::kIncorrectResponse,
                 prefix + "Received certificate with " + std::to_string(count) +
                     " subjectAltNames (" + listed + "); exactly one is required");
  }
  const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), 0);
  const std::string ip = IpBytes(identifier);
  bool match = false;
  if (ip.empty() && name->type == GEN_DNS) {
    match = Lower(listed.substr(4)) == Lower(identifier);
  } else if (!ip.empty() && name->type == GEN_IPADD) {
    const ASN1_STRING* s = name->d.iPAddress;
    match = std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                        ASN1_STRING_length(s)) == ip;
  }
  if (!match) {
    return Error(ErrorCode::kIncorrectResponse,
                 prefix + "Received certificate for " + listed + ", not " +
                     (ip.empty() ? "DNS:" : "IP:") + identifier);
  }
  return OkStatus();
}

// Exactly one critical acmeIdentifier extension holding SHA-256(keyauth).
Status CheckAcmeExtension(X509* cert, const std::string& key_authorization) {
  crypto::Asn1ObjectPtr oid(OBJ_txt2obj(kAcmeIdentifierOid, 1));
  if (!oid) return crypto::OsslError(ErrorCode::kServerInternal, "cannot make the acmeIdentifier OID");
  const int index = X509_get_ext_by_OBJ(cert, oid.get(), -1);
  if (index < 0) {
    return Error(ErrorCode::kIncorrectResponse,
                 std::string(kBadCert) + "Missing acmeValidationV1 extension.");
  }
  if (X509_get_ext_by_OBJ(cert, oid.get(), index) >= 0) {
    return Error(ErrorCode::kIncorrectResponse,
                 std::string(kBadCert) + "acmeValidationV1 extension appears more than once.");
  }
  X509_EXTENSION* ext = X509_get_ext(cert, index);
  if (!X509_EXTENSION_get_critical(ext)) {
    return Error(ErrorCode::kIncorrectResponse,
                 std::string(kBadCert) + "acmeValidationV1 extension not critical.");
  }
  const ASN1_OCTET_STRING* der = X509_EXTENSION_get_data(ext);
  const unsigned char* p = ASN1_STRING_get0_data(der);
  const unsigned char* end = p + ASN1_STRING_length(der);
  crypto::Asn1OctetStringPtr value(d2i_ASN1_OCTET_STRING(nullptr, &p, end - p));
  const std::string expected = crypto::Sha256(key_authorization);
  if (!value || p != end || static_cast<size_t>(ASN1_STRING_length(value.get())) != expected.size()) {
    return Error(ErrorCode::kIncorrectResponse,
                 std::string(kBadCert) + "Malformed acmeValidationV1 extension value.");
  }
  const std::string got(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value.get())),
                        expected.size());
  if (CRYPTO_memcmp(got.data(), expected.data(), expected.size()) != 0) {
    return Error(ErrorCode::kIncorrectResponse,
                 std::string(kBadCert) + "Expected acmeValidationV1 extension value " +
                     crypto::HexEncode(expected) + " for this challenge but got " +
                     crypto::HexEncode(got));
  }
  return OkStatus();
}

// Judges a completed handshake.
Status CheckAnswer(const TlsDialResult& answer, const std::string& identifier,
                   const std::string& where, const std::string& key_authorization) {
  if (answer.alpn_selected != kAcmeTlsAlpnProtocol) {
    return Error(ErrorCode::kIncorrectResponse,
                 std::string("Cannot negotiate ALPN protocol \"") + kAcmeTlsAlpnProtocol +
                     "\" for tls-alpn-01 challenge" +
                     (answer.alpn_selected.empty()
                          ? " (the server selected none)"
                          : " (the server selected \"" + answer.alpn_selected + "\")"));
  }
  if (!answer.peer_cert) {
    return Error(ErrorCode::kIncorrectResponse, "No certs presented for tls-alpn-01 challenge");
  }
  if (!FuzzRecordDir().empty()) {
    unsigned char* der = nullptr;
    const int len = i2d_X509(answer.peer_cert.get(), &der);
    if (len > 0) {
      RecordFuzzInput("tlsalpn_cert_fuzz",
                      std::string_view(reinterpret_cast<char*>(der), size_t(len)));
    }
    OPENSSL_free(der);
  }
  return CheckValidationCertificate(answer.peer_cert.get(), identifier, where, key_authorization);
}

std::string HostPort(const std::string& address, uint16_t port) {
  return (address.find(':') != std::string::npos ? "[" + address + "]" : address) + ":" +
         std::to_string(port);
}

}  // namespace

Result<std::string> ReverseDnsName(const std::string& ip) { return acme::ReverseDnsName(ip); }

Status CheckValidationCertificate(X509* cert, const std::string& identifier,
                                  const std::string& where, const std::string& key_authorization) {
  SIGNET_RETURN_IF_ERROR(CheckSubjectAltName(cert, identifier, where));
  return CheckAcmeExtension(cert, key_authorization);
}

TlsAlpn01Outcome TlsAlpn01Validator::Validate(const std::string& identifier_in,
                                              const std::string& key_authorization,
                                              dns::Deadline overall) const {
  TlsAlpn01Outcome outcome;
  const Clock::time_point deadline = std::min(overall, Clock::now() + config_.total_timeout);
  const bool is_ip = !IpBytes(identifier_in).empty();
  const std::string identifier = is_ip ? identifier_in : Lower(identifier_in);
  ValidationRecord& record = outcome.record;
  record.hostname = identifier;
  record.port = std::to_string(config_.port);
  TlsDialRequest req;
  req.port = config_.port;
  req.alpn = {kAcmeTlsAlpnProtocol};
  if (is_ip) {
    record.addresses_resolved = {identifier};
    req.sni = *ReverseDnsName(identifier);
  } else {
    Result<std::vector<std::string>> addresses = resolver_.LookupHost(identifier, deadline);
    if (!addresses.ok()) {
      outcome.status = std::move(addresses).error();
      return outcome;
    }
    record.addresses_resolved = std::move(*addresses);
    req.sni = identifier;
  }
  outcome.status = Error(ErrorCode::kConnection, "No usable address for " + identifier);
  for (const std::string& address : record.addresses_resolved) {
    if (!config_.allow_loopback && IsReservedAddress(address)) {
      outcome.status = Error(ErrorCode::kConnection, "refusing to connect to reserved address " +
                                                         address + " for " + identifier);
      continue;  // Another resolved address may be public.
    }
    record.address_used = address;
    req.address = address;
    req.connect_deadline = Clock::now() + config_.connect_timeout;
    req.deadline = deadline;
    bool connected = false;
    const std::string where = HostPort(address, config_.port);
    Result<TlsDialResult> answer = DialTls(req, &connected);
    if (answer.ok()) {
      outcome.status = CheckAnswer(*answer, identifier, where, key_authorization);
      break;
    }
    Error error = std::move(answer).error();
    if (error.code == ErrorCode::kIncorrectResponse) {  // A bad ALPN answer.
      error.detail = std::string("Cannot negotiate ALPN protocol \"") + kAcmeTlsAlpnProtocol +
                     "\" for tls-alpn-01 challenge (" + error.detail + ")";
    } else {
      error.detail = where + ": Connecting for tls-alpn-01 challenge: " + error.detail;
    }
    outcome.status = std::move(error);
    if (connected) break;  // Only connect failures fall back.
  }
  return outcome;
}

}  // namespace signet::va
