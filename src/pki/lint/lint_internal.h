// Internal to the lints: the tables each lint file contributes, and helpers
// they share. A lint returns "" when its rule holds, else a one-line detail.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pki/lint/lint.h"

namespace signet::pki::lint::internal {

struct CertContext {
  X509* cert;
  X509* issuer;
  const CertProfile& profile;
};

struct CrlContext {
  X509_CRL* crl;
  X509* issuer;  // may be null: the AKI is then only checked for presence
};

template <typename Context>
struct NamedLint {
  std::string_view name;
  std::string (*check)(const Context&);
};

using CertLint = NamedLint<CertContext>;
using CrlLint = NamedLint<CrlContext>;
using OcspLint = NamedLint<OCSP_BASICRESP*>;

const std::vector<CertLint>& CertStructureLints();  // cert_lints.cc
const std::vector<CertLint>& CertNameLints();       // cert_name_lints.cc
const std::vector<CrlLint>& CrlLints();             // crl_lints.cc
const std::vector<OcspLint>& OcspLints();           // ocsp_lints.cc

// Seconds since the epoch of an ASN.1 time; nullopt when absent or invalid.
std::optional<std::time_t> TimeOf(const ASN1_TIME* t);
// The extension's index, or -1; -2 when it appears more than once.
int FindExtension(const STACK_OF(X509_EXTENSION) * exts, int nid);
// An extension's value as raw bytes.
std::string_view OctetsOf(const ASN1_OCTET_STRING* s);

constexpr std::time_t kMaxRevocationWindow = 10 * 24 * 3600;  // BR 4.9.7 and 4.9.10

}  // namespace signet::pki::lint::internal
