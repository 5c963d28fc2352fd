#include "pki/ca_hierarchy.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <chrono>
#include <system_error>

#include "base/files.h"
#include "pki/ca_ceremony.h"
#include "pki/cross_certificate.h"

namespace signet::pki {

namespace fs = std::filesystem;
using crypto::OsslError;
using crypto::X509Ptr;

namespace {

constexpr auto kBackdate = std::chrono::hours(1);
constexpr auto kTlsServerLifetime = std::chrono::days(365);

Result<X509Ptr> LoadCert(const fs::path& file) {
  SIGNET_ASSIGN_OR_RETURN(std::string pem, ReadFile(file));
  auto cert = CertFromPem(pem);
  if (!cert.ok())
    return Error(ErrorCode::kServerInternal, file.string() + ": " + cert.error().detail);
  return std::move(*cert);
}

Status CheckSelfSigned(X509* root, const std::string& file) {
  if (X509_self_signed(root, 1) != 1)
    return OsslError(ErrorCode::kServerInternal, file + " is not a valid self-signed certificate");
  return OkStatus();
}

Status CheckChain(X509* root, X509* intermediate) {
  SIGNET_RETURN_IF_ERROR(CheckSelfSigned(root, "root.pem"));
  if (X509_check_issued(root, intermediate) != X509_V_OK ||
      X509_verify(intermediate, X509_get0_pubkey(root)) != 1)
    return OsslError(ErrorCode::kServerInternal, "intermediate.pem is not signed by root.pem");
  return OkStatus();
}

bool IsIpLiteral(const std::string& s) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

bool Exists(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

}  // namespace

Result<CaHierarchy> CaHierarchy::Load(const fs::path& dir,
                                      std::shared_ptr<const crypto::SigningKey> signer) {
  if (!signer) return Error(ErrorCode::kServerInternal, "no signer for the intermediate");
  CaHierarchy ca;
  SIGNET_ASSIGN_OR_RETURN(ca.root_.cert, LoadCert(dir / "root.pem"));
  SIGNET_ASSIGN_OR_RETURN(ca.intermediate_.cert, LoadCert(dir / "intermediate.pem"));
  SIGNET_RETURN_IF_ERROR(CheckChain(ca.root_.cert.get(), ca.intermediate_.cert.get()));
  if (EVP_PKEY_eq(X509_get0_pubkey(ca.intermediate_.cert.get()), signer->public_key().get()) != 1)
    return Error(ErrorCode::kServerInternal, "the signer " + signer->description() +
                                                 " is not the key of " +
                                                 (dir / "intermediate.pem").string());
  ca.intermediate_.signer = std::move(signer);
  fs::path alt = dir / "root-alt.pem", cross = dir / "intermediate-cross.pem";
  if (Exists(alt) != Exists(cross))
    return Error(ErrorCode::kServerInternal,
                 "the alternate chain needs both " + alt.string() + " and " + cross.string());
  if (!Exists(alt)) return ca;
  SIGNET_ASSIGN_OR_RETURN(ca.alternate_root_.cert, LoadCert(alt));
  SIGNET_RETURN_IF_ERROR(CheckSelfSigned(ca.alternate_root_.cert.get(), "root-alt.pem"));
  SIGNET_ASSIGN_OR_RETURN(ca.cross_signed_intermediate_, LoadCert(cross));
  if (!IsCrossCertificateOf(ca.cross_signed_intermediate_.get(), ca.alternate_root_,
                            ca.intermediate_.cert.get()))
    return Error(ErrorCode::kServerInternal,
                 cross.string() + " is not intermediate.pem certified by root-alt.pem");
  return ca;
}

Result<CaHierarchy> CaHierarchy::Load(const fs::path& dir) {
  SIGNET_ASSIGN_OR_RETURN(std::unique_ptr<crypto::SigningKey> key,
                          crypto::LoadSigningKeyFile(dir / "intermediate.key"));
  return Load(dir, std::move(key));
}

Result<CaHierarchy> CaHierarchy::LoadOrCreate(const fs::path& dir,
                                              const std::string& name_prefix) {
  if (!Exists(dir / "root.pem")) {
    CeremonyPlan plan;
    plan.dir = dir;
    plan.name_prefix = name_prefix;
    SIGNET_RETURN_IF_ERROR(RunCeremony(plan));
  }
  return Load(dir);
}

std::string CaHierarchy::RootPem() const { return CertToPem(root_.cert.get()); }

std::string CaHierarchy::AlternateRootPem() const {
  return alternate_root_.cert ? CertToPem(alternate_root_.cert.get()) : "";
}

std::string CaHierarchy::CrossSignedIntermediatePem() const {
  return cross_signed_intermediate_ ? CertToPem(cross_signed_intermediate_.get()) : "";
}

std::string CaHierarchy::IntermediatePem() const { return CertToPem(intermediate_.cert.get()); }

Result<std::pair<std::string, std::string>> CaHierarchy::IssueTlsServerCert(
    const std::vector<std::string>& names) const {
  if (names.empty()) return Error(ErrorCode::kServerInternal, "TLS certificate needs a name");
  SIGNET_ASSIGN_OR_RETURN(crypto::Key key, crypto::Key::Generate(crypto::KeyType::kEcP256));
  LeafTemplate leaf;
  leaf.subject_key = key;
  for (const std::string& name : names)
    (IsIpLiteral(name) ? leaf.ip_addresses : leaf.dns_names).push_back(name);
  leaf.serial = RandomSerial();
  Clock::time_point now = Clock::now();
  leaf.not_before = now - kBackdate;
  leaf.not_after = now + kTlsServerLifetime;
  SIGNET_ASSIGN_OR_RETURN(X509Ptr cert, IssueLeaf(intermediate_, leaf));
  return std::make_pair(CertToPem(cert.get()) + IntermediatePem(), key.PrivatePem());
}

}  // namespace signet::pki
