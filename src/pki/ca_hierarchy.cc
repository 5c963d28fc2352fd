#include "pki/ca_hierarchy.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <chrono>
#include <system_error>

#include "base/files.h"
#include "pki/cert_builder.h"
#include "pki/cross_certificate.h"

namespace signet::pki {

namespace fs = std::filesystem;
using crypto::OsslError;
using crypto::X509Ptr;

namespace {

constexpr auto kBackdate = std::chrono::hours(1);
constexpr auto kTlsServerLifetime = std::chrono::days(365);

// What distinguishes the root from the intermediate.
struct CaProfile {
  const char* file_stem;  // DIR/<stem>.pem, DIR/<stem>.key
  const char* cn_suffix;  // appended to the name prefix
  crypto::KeyType key_type;
  std::chrono::days lifetime;
  const char* basic_constraints;
  const char* key_usage;
  // extKeyUsage, non-critical; nullptr for none (the root: BR 7.1.2.1.2).
  const char* ext_key_usage;
};

const CaProfile kRootProfile{"root", " Root CA", crypto::KeyType::kEcP384,
                             std::chrono::days(20 * 365 + 5), "critical,CA:TRUE",
                             "critical,keyCertSign,cRLSign", nullptr};
// The second root, which cross-signs the intermediate for the alternate
// chain. Its CN differs from the first root's, since clients pick a chain by
// the issuer CN of its topmost certificate (certbot's --preferred-chain).
const CaProfile kAlternateRootProfile{"root-alt", " Alternate Root X2", crypto::KeyType::kEcP384,
                                      std::chrono::days(20 * 365 + 5), "critical,CA:TRUE",
                                      "critical,keyCertSign,cRLSign", nullptr};
const CaProfile kIntermediateProfile{
    "intermediate", " Intermediate CA", crypto::KeyType::kEcP256,
    std::chrono::days(5 * 365 + 1), "critical,CA:TRUE,pathlen:0",
    "critical,digitalSignature,keyCertSign,cRLSign",
    // A TLS subordinate CA (Baseline Requirements 7.1.2.10.6): serverAuth,
    // and clientAuth, which the classic profile puts in its leaves.
    "serverAuth,clientAuth"};

struct CaFiles {
  fs::path cert;
  fs::path key;
};

CaFiles FilesFor(const fs::path& dir, const CaProfile& profile) {
  return {dir / (std::string(profile.file_stem) + ".pem"),
          dir / (std::string(profile.file_stem) + ".key")};
}

Status EnsureDirectory(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return OkStatus();
  fs::create_directories(dir, ec);
  if (!ec) fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) return Error(ErrorCode::kServerInternal,
                       "cannot create " + dir.string() + ": " + ec.message());
  return OkStatus();
}

// A new CA certificate and key; `parent` is nullptr for the self-signed root.
Result<Issuer> CreateCa(const CaProfile& profile, const std::string& prefix,
                        const Issuer* parent) {
  SIGNET_ASSIGN_OR_RETURN(crypto::Key key, crypto::Key::Generate(profile.key_type));
  Clock::time_point now = Clock::now();
  internal::CertSpec spec{RandomSerial(), now - kBackdate, now + profile.lifetime,
                          prefix + profile.cn_suffix, &key};
  SIGNET_ASSIGN_OR_RETURN(X509Ptr cert,
                          internal::NewCert(spec, parent ? parent->cert.get() : nullptr));
  X509* aki_source = parent ? parent->cert.get() : cert.get();
  using internal::AddConfExtension;
  SIGNET_RETURN_IF_ERROR(
      AddConfExtension(cert.get(), aki_source, NID_basic_constraints, profile.basic_constraints));
  SIGNET_RETURN_IF_ERROR(
      AddConfExtension(cert.get(), aki_source, NID_key_usage, profile.key_usage));
  if (profile.ext_key_usage)
    SIGNET_RETURN_IF_ERROR(
        AddConfExtension(cert.get(), aki_source, NID_ext_key_usage, profile.ext_key_usage));
  SIGNET_RETURN_IF_ERROR(
      AddConfExtension(cert.get(), aki_source, NID_subject_key_identifier, "hash"));
  SIGNET_RETURN_IF_ERROR(
      AddConfExtension(cert.get(), aki_source, NID_authority_key_identifier, "keyid:always"));
  SIGNET_RETURN_IF_ERROR(internal::SignCert(cert.get(), parent ? parent->key : key));
  return Issuer{std::move(cert), std::move(key)};
}

// The key goes first: a crash between the two writes leaves a key without a
// certificate, which LoadOrCreateCa replaces.
Status SaveCa(const Issuer& ca, const CaFiles& files) {
  SIGNET_RETURN_IF_ERROR(WriteFileAtomic(files.key, ca.key.PrivatePem(), 0600));
  return WriteFileAtomic(files.cert, CertToPem(ca.cert.get()), 0644);
}

Result<Issuer> LoadCa(const CaFiles& files) {
  SIGNET_ASSIGN_OR_RETURN(std::string cert_pem, ReadFile(files.cert));
  SIGNET_ASSIGN_OR_RETURN(std::string key_pem, ReadFile(files.key));
  auto cert = CertFromPem(cert_pem);
  if (!cert.ok())
    return Error(ErrorCode::kServerInternal, files.cert.string() + ": " + cert.error().detail);
  auto key = crypto::Key::FromPem(key_pem);
  if (!key.ok())
    return Error(ErrorCode::kServerInternal, files.key.string() + ": " + key.error().detail);
  if (X509_check_private_key(cert->get(), key->get()) != 1)
    return OsslError(ErrorCode::kServerInternal,
                     files.key.string() + " does not match " + files.cert.string());
  return Issuer{std::move(*cert), std::move(*key)};
}

Result<Issuer> LoadOrCreateCa(const fs::path& dir, const CaProfile& profile,
                              const std::string& prefix, const Issuer* parent) {
  CaFiles files = FilesFor(dir, profile);
  std::error_code ec;
  bool has_cert = fs::exists(files.cert, ec);
  bool has_key = fs::exists(files.key, ec);
  if (has_cert && has_key) return LoadCa(files);
  if (has_cert)
    return Error(ErrorCode::kServerInternal,
                 files.cert.string() + " exists but " + files.key.string() + " is missing");
  SIGNET_ASSIGN_OR_RETURN(Issuer ca, CreateCa(profile, prefix, parent));
  SIGNET_RETURN_IF_ERROR(SaveCa(ca, files));
  return ca;
}

// The intermediate cross-signed by the alternate root: DIR/intermediate-cross.pem
// (no key of its own: it is the intermediate's). Made when missing, and again
// when it no longer matches (the alternate root or the intermediate was
// replaced): it holds nothing that cannot be made again from the keys.
Result<X509Ptr> LoadOrCreateCross(const fs::path& dir, const Issuer& alternate_root,
                                  const Issuer& intermediate) {
  fs::path file = dir / "intermediate-cross.pem";
  std::error_code ec;
  if (fs::exists(file, ec)) {
    SIGNET_ASSIGN_OR_RETURN(std::string pem, ReadFile(file));
    auto cert = CertFromPem(pem);
    if (!cert.ok())
      return Error(ErrorCode::kServerInternal, file.string() + ": " + cert.error().detail);
    if (IsCrossCertificateOf(cert->get(), alternate_root, intermediate.cert.get()))
      return std::move(*cert);
  }
  SIGNET_ASSIGN_OR_RETURN(X509Ptr cross, CrossSign(alternate_root, intermediate.cert.get(),
                                                   Clock::now() - kBackdate));
  SIGNET_RETURN_IF_ERROR(WriteFileAtomic(file, CertToPem(cross.get()), 0644));
  return cross;
}

Status CheckSelfSigned(const Issuer& root, const std::string& file) {
  if (X509_self_signed(root.cert.get(), 1) != 1)
    return OsslError(ErrorCode::kServerInternal, file + " is not a valid self-signed certificate");
  return OkStatus();
}

Status CheckChain(const Issuer& root, const Issuer& intermediate) {
  SIGNET_RETURN_IF_ERROR(CheckSelfSigned(root, "root.pem"));
  if (X509_check_issued(root.cert.get(), intermediate.cert.get()) != X509_V_OK ||
      X509_verify(intermediate.cert.get(), root.key.get()) != 1)
    return OsslError(ErrorCode::kServerInternal, "intermediate.pem is not signed by root.pem");
  return OkStatus();
}

bool IsIpLiteral(const std::string& s) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

}  // namespace

Result<CaHierarchy> CaHierarchy::LoadOrCreate(const fs::path& dir,
                                              const std::string& name_prefix) {
  SIGNET_RETURN_IF_ERROR(EnsureDirectory(dir));
  CaHierarchy ca;
  SIGNET_ASSIGN_OR_RETURN(ca.root_, LoadOrCreateCa(dir, kRootProfile, name_prefix, nullptr));
  SIGNET_ASSIGN_OR_RETURN(ca.intermediate_,
                          LoadOrCreateCa(dir, kIntermediateProfile, name_prefix, &ca.root_));
  SIGNET_RETURN_IF_ERROR(CheckChain(ca.root_, ca.intermediate_));
  // The alternate root and cross-certificate come after the default chain,
  // so a data directory made before they existed gains them and keeps
  // root.pem and intermediate.pem as they are.
  SIGNET_ASSIGN_OR_RETURN(ca.alternate_root_,
                          LoadOrCreateCa(dir, kAlternateRootProfile, name_prefix, nullptr));
  SIGNET_RETURN_IF_ERROR(CheckSelfSigned(ca.alternate_root_, "root-alt.pem"));
  SIGNET_ASSIGN_OR_RETURN(ca.cross_signed_intermediate_,
                          LoadOrCreateCross(dir, ca.alternate_root_, ca.intermediate_));
  return ca;
}

std::string CaHierarchy::RootPem() const { return CertToPem(root_.cert.get()); }

std::string CaHierarchy::AlternateRootPem() const {
  return CertToPem(alternate_root_.cert.get());
}

std::string CaHierarchy::CrossSignedIntermediatePem() const {
  return CertToPem(cross_signed_intermediate_.get());
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
