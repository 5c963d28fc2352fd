#include "pki/certificate.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <ctime>

#include "base/fuzz_record.h"
#include "crypto/digest.h"

namespace signet::pki {

using crypto::BioPtr;
using crypto::GeneralNamesPtr;
using crypto::OsslError;
using crypto::X509Ptr;

namespace {

BioPtr MemBuf(std::string_view data) {
  return BioPtr(BIO_new_mem_buf(data.data(), int(data.size())));
}

// True when the last error on the queue is the normal end of a PEM bundle.
bool AtEndOfPem() {
  unsigned long err = ERR_peek_last_error();
  return ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE;
}

}  // namespace

Result<X509Ptr> CertFromPem(std::string_view pem) {
  RecordFuzzInput("pem_fuzz", pem);
  BioPtr bio = MemBuf(pem);
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return OsslError(ErrorCode::kMalformed, "cannot parse PEM certificate");
  return cert;
}

Result<X509Ptr> CertFromDer(std::string_view der) {
  const auto* begin = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* p = begin;
  X509Ptr cert(d2i_X509(nullptr, &p, long(der.size())));
  if (!cert) return OsslError(ErrorCode::kMalformed, "cannot parse DER certificate");
  if (p != begin + der.size())
    return Error(ErrorCode::kMalformed, "trailing data after DER certificate");
  return cert;
}

std::string CertToPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_X509(bio.get(), cert) != 1) return "";
  return crypto::BioToString(bio.get());
}

std::string CertDerToPem(std::string_view der) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio(bio.get(), PEM_STRING_X509, "", reinterpret_cast<const unsigned char*>(der.data()),
                    long(der.size())) <= 0)
    return "";
  return crypto::BioToString(bio.get());
}

std::string CertToDer(X509* cert) {
  unsigned char* buf = nullptr;
  int len = i2d_X509(cert, &buf);
  if (len <= 0) return "";
  std::string out(reinterpret_cast<char*>(buf), size_t(len));
  OPENSSL_free(buf);
  return out;
}

Result<std::vector<X509Ptr>> CertChainFromPem(std::string_view pem) {
  RecordFuzzInput("pem_fuzz", pem);
  BioPtr bio = MemBuf(pem);
  std::vector<X509Ptr> chain;
  ERR_clear_error();
  while (true) {
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) break;
    chain.push_back(std::move(cert));
  }
  if (!chain.empty() && AtEndOfPem()) {
    ERR_clear_error();
    return chain;
  }
  if (chain.empty() && AtEndOfPem()) {
    ERR_clear_error();
    return Error(ErrorCode::kMalformed, "no certificate in PEM bundle");
  }
  return OsslError(ErrorCode::kMalformed,
                   "cannot parse certificate " + std::to_string(chain.size() + 1) +
                       " of PEM bundle");
}

std::string SerialHex(X509* cert) {
  const ASN1_INTEGER* serial = cert ? X509_get0_serialNumber(cert) : nullptr;
  if (!serial) return "";
  // An ASN1_INTEGER holds the big-endian magnitude; the sign is in its type.
  std::string bytes(reinterpret_cast<const char*>(ASN1_STRING_get0_data(serial)),
                    size_t(ASN1_STRING_length(serial)));
  std::string hex = crypto::HexEncode(bytes);
  size_t first = hex.find_first_not_of('0');
  if (first == std::string::npos) return "0";
  hex.erase(0, first);
  if (ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER) hex.insert(0, "-");
  return hex;
}

std::vector<std::string> DnsSans(X509* cert) {
  std::vector<std::string> out;
  GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type != GEN_DNS) continue;
    const ASN1_IA5STRING* dns = name->d.dNSName;
    out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                     size_t(ASN1_STRING_length(dns)));
  }
  return out;
}

namespace {
Clock::time_point FromAsn1Time(const ASN1_TIME* t) {
  std::tm tm{};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return {};
  return Clock::from_time_t(timegm(&tm));
}
}  // namespace

Clock::time_point NotAfter(X509* cert) {
  return cert ? FromAsn1Time(X509_get0_notAfter(cert)) : Clock::time_point{};
}

Clock::time_point NotBefore(X509* cert) {
  return cert ? FromAsn1Time(X509_get0_notBefore(cert)) : Clock::time_point{};
}

}  // namespace signet::pki
