#include "pki/lint/lint.h"

#include <optional>

#include "pki/cert_builder.h"
#include "pki/crl_der.h"
#include "pki/lint/lint_internal.h"

namespace signet::pki::lint {

using crypto::OsslError;

namespace {

template <typename Context>
void Run(const std::vector<internal::NamedLint<Context>>& lints, const Context& context,
         Findings* out) {
  for (const auto& lint : lints) {
    std::string detail = lint.check(context);
    if (!detail.empty()) out->push_back({std::string(lint.name), std::move(detail)});
  }
}

template <typename Lint>
void AppendNames(const std::vector<Lint>& lints, std::vector<std::string_view>* out) {
  for (const auto& lint : lints) out->push_back(lint.name);
}

// Certificate ::= SEQUENCE { tbs, signatureAlgorithm, signatureValue BIT STRING },
// here with an empty signature (and CertificateList likewise).
std::string WrapUnsigned(std::string_view tbs, std::string_view algorithm) {
  return pki::internal::DerConcat(pki::internal::kDerSequence,
                                  {tbs, algorithm, std::string_view("\x03\x01\x00", 3)});
}

// The throwaway responder that signs the copy LintOcspBeforeSigning lints:
// a P-256 key and a self-signed certificate for it, made once per process.
struct ThrowawaySigner {
  crypto::Key key;
  crypto::X509Ptr cert;
};

const ThrowawaySigner* Throwaway() {
  static const std::optional<ThrowawaySigner> signer = []() -> std::optional<ThrowawaySigner> {
    auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
    if (!key.ok()) return std::nullopt;
    auto now = Clock::now();
    pki::internal::CertSpec spec{std::string("\x01", 1),
                                 now - std::chrono::hours(1),
                                 now + std::chrono::hours(24 * 365 * 100),
                                 "signet lint",
                                 &*key,
                                 nullptr};
    auto cert = pki::internal::NewCert(spec, nullptr);
    if (!cert.ok() || !pki::internal::SignCert(cert->get(), *key).ok()) return std::nullopt;
    return ThrowawaySigner{std::move(*key), std::move(*cert)};
  }();
  return signer ? &*signer : nullptr;
}

}  // namespace

Findings LintCertificate(X509* cert, X509* issuer, const CertProfile& profile) {
  Findings out;
  internal::CertContext context{cert, issuer, profile};
  Run(internal::CertStructureLints(), context, &out);
  Run(internal::CertNameLints(), context, &out);
  return out;
}

Findings LintCrl(X509_CRL* crl, X509* issuer) {
  Findings out;
  internal::CrlContext context{crl, issuer};
  Run(internal::CrlLints(), context, &out);
  return out;
}

Findings LintOcspResponse(OCSP_BASICRESP* response) {
  Findings out;
  Run(internal::OcspLints(), response, &out);
  return out;
}

Status FindingsToStatus(const Findings& findings, std::string_view what) {
  if (findings.empty()) return OkStatus();
  std::string detail =
      std::string(what) + " failed lint " + findings[0].lint + ": " + findings[0].detail;
  if (findings.size() > 1)
    detail += " (and " + std::to_string(findings.size() - 1) + " more findings)";
  return Error(ErrorCode::kServerInternal, detail);
}

std::vector<std::string_view> CertificateLintNames() {
  std::vector<std::string_view> out;
  AppendNames(internal::CertStructureLints(), &out);
  AppendNames(internal::CertNameLints(), &out);
  return out;
}

std::vector<std::string_view> CrlLintNames() {
  std::vector<std::string_view> out;
  AppendNames(internal::CrlLints(), &out);
  return out;
}

std::vector<std::string_view> OcspLintNames() {
  std::vector<std::string_view> out;
  AppendNames(internal::OcspLints(), &out);
  return out;
}

Result<crypto::X509Ptr> ParseTbsCertificate(std::string_view tbs, const X509_ALGOR* algorithm) {
  int length = algorithm ? i2d_X509_ALGOR(algorithm, nullptr) : 0;
  if (length <= 0) return OsslError(ErrorCode::kServerInternal, "no signature algorithm");
  std::string algorithm_der(size_t(length), '\0');
  auto* out = reinterpret_cast<unsigned char*>(algorithm_der.data());
  i2d_X509_ALGOR(algorithm, &out);
  std::string der = WrapUnsigned(tbs, algorithm_der);
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  crypto::X509Ptr cert(d2i_X509(nullptr, &p, long(der.size())));
  if (!cert || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size())
    return OsslError(ErrorCode::kServerInternal, "the TBS certificate does not parse");
  return cert;
}

Result<crypto::X509CrlPtr> ParseTbsCertList(std::string_view tbs, std::string_view algorithm) {
  std::string der = WrapUnsigned(tbs, algorithm);
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  crypto::X509CrlPtr crl(d2i_X509_CRL(nullptr, &p, long(der.size())));
  if (!crl || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size())
    return OsslError(ErrorCode::kServerInternal, "the TBS CRL does not parse");
  return crl;
}

Findings LintOcspBeforeSigning(OCSP_BASICRESP* response) {
  const ThrowawaySigner* signer = Throwaway();
  if (!signer || OCSP_basic_sign(response, signer->cert.get(), signer->key.get(), EVP_sha256(),
                                 nullptr, OCSP_RESPID_KEY | OCSP_NOCERTS) != 1) {
    crypto::LastOsslError();  // clears the queue
    return {{"e_lint_unavailable", "cannot sign the OCSP response with the throwaway key"}};
  }
  return LintOcspResponse(response);
}

namespace internal {

std::optional<std::time_t> TimeOf(const ASN1_TIME* t) {
  std::tm tm{};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
  return timegm(&tm);
}

int FindExtension(const STACK_OF(X509_EXTENSION) * exts, int nid) {
  int found = -1;
  for (int i = 0; i < sk_X509_EXTENSION_num(exts); ++i) {
    if (OBJ_obj2nid(X509_EXTENSION_get_object(sk_X509_EXTENSION_value(exts, i))) != nid) continue;
    if (found >= 0) return -2;
    found = i;
  }
  return found;
}

std::string_view OctetsOf(const ASN1_OCTET_STRING* s) {
  if (!s) return {};
  return std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                          size_t(ASN1_STRING_length(s)));
}

}  // namespace internal
}  // namespace signet::pki::lint
