#include "pki/ca_ceremony.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <set>
#include <sstream>
#include <system_error>

#include "base/files.h"
#include "crypto/pkcs11_signing_key.h"
#include "crypto/signing_key.h"
#include "pki/cert_builder.h"
#include "pki/cross_certificate.h"
#include "pki/issuer.h"
#include "pki/ocsp_signing_cert.h"

namespace signet::pki {

namespace fs = std::filesystem;
using crypto::X509Ptr;

namespace {

constexpr auto kBackdate = std::chrono::hours(1);

// What distinguishes the roots from the intermediate.
struct CaProfile {
  const char* file_stem;  // DIR/<stem>.pem, DIR/<stem>.key
  const char* cn_suffix;  // appended to the name prefix
  std::chrono::days lifetime;
  const char* basic_constraints;
  const char* key_usage;
  // extKeyUsage, non-critical; nullptr for none (the root: BR 7.1.2.1.2).
  const char* ext_key_usage;
};

const CaProfile kRootProfile{"root", " Root CA", std::chrono::days(20 * 365 + 5),
                             "critical,CA:TRUE", "critical,keyCertSign,cRLSign", nullptr};
// The second root, which cross-signs the intermediate for the alternate
// chain. Its CN differs from the first root's, since clients pick a chain by
// the issuer CN of its topmost certificate (certbot's --preferred-chain).
const CaProfile kAlternateRootProfile{"root-alt", " Alternate Root X2",
                                      std::chrono::days(20 * 365 + 5), "critical,CA:TRUE",
                                      "critical,keyCertSign,cRLSign", nullptr};
const CaProfile kIntermediateProfile{
    "intermediate", " Intermediate CA", std::chrono::days(5 * 365 + 1),
    "critical,CA:TRUE,pathlen:0", "critical,digitalSignature,keyCertSign,cRLSign",
    // A TLS subordinate CA (Baseline Requirements 7.1.2.10.6): serverAuth,
    // and clientAuth, which the classic profile puts in its leaves.
    "serverAuth,clientAuth"};

fs::path CertPath(const fs::path& dir, const CaProfile& profile) {
  return dir / (std::string(profile.file_stem) + ".pem");
}

fs::path KeyPath(const fs::path& dir, const CaProfile& profile, const CeremonyKey& spec) {
  return spec.key.empty() ? dir / (std::string(profile.file_stem) + ".key") : fs::path(spec.key);
}

bool OnToken(const CeremonyKey& spec) { return crypto::IsPkcs11Uri(spec.key); }

// A CA certificate for `key`; `parent` is nullptr for a self-signed root.
Result<X509Ptr> CreateCaCert(const CaProfile& profile, const std::string& prefix,
                             const crypto::SigningKey& key, const Issuer* parent) {
  Clock::time_point now = Clock::now();
  internal::CertSpec spec{RandomSerial(), now - kBackdate, now + profile.lifetime,
                          prefix + profile.cn_suffix, &key.public_key()};
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
  SIGNET_RETURN_IF_ERROR((parent ? *parent->signer : key).SignCertificate(cert.get()));
  // Read back, so the certificate is what a later start loads from its file.
  return CertFromDer(CertToDer(cert.get()));
}

std::string KeyText(const crypto::Key& key) {
  std::string family = key.Family();
  if (family == "EC") return "EC " + key.CurveName();
  return family + " " + std::to_string(key.Bits());
}

std::string CommonName(X509* cert) {
  char cn[256] = {0};
  int len =
      X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof(cn));
  return len > 0 ? std::string(cn, size_t(len)) : "";
}

std::string Until(X509* cert) {
  char buf[64] = {0};
  crypto::BioPtr bio(BIO_new(BIO_s_mem()));
  ASN1_TIME_print(bio.get(), X509_get0_notAfter(cert));
  int n = BIO_read(bio.get(), buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, size_t(n)) : "";
}

struct MadeKey {
  std::shared_ptr<const crypto::SigningKey> key;
  std::string where;  // the key file's path, or the token key's URI
};

// A new key file at `path` (0600), or the token key `spec` names.
Result<MadeKey> MakeKey(const CeremonyPlan& plan, const CeremonyKey& spec, const fs::path& path) {
  if (OnToken(spec)) {
    SIGNET_ASSIGN_OR_RETURN(std::unique_ptr<crypto::SigningKey> key,
                            crypto::OpenPkcs11SigningKey({spec.key, plan.pin, plan.pkcs11_module}));
    std::string where = key->description();
    return MadeKey{std::move(key), std::move(where)};
  }
  SIGNET_ASSIGN_OR_RETURN(crypto::Key generated, crypto::Key::Generate(spec.type, spec.rsa_bits));
  SIGNET_RETURN_IF_ERROR(WriteFileAtomic(path, generated.PrivatePem(), 0600));
  if (plan.after_write) plan.after_write(path);
  return MadeKey{crypto::MemorySigningKey(std::move(generated), "file " + path.string()),
                 path.string()};
}

// One CA of the ceremony: its key (new file or token) and certificate.
class CeremonyStep {
 public:
  CeremonyStep(const CeremonyPlan& plan, const CaProfile& profile, const CeremonyKey& spec)
      : plan_(plan), profile_(profile), spec_(spec) {}

  // The files this step writes, for the nothing-exists check.
  std::vector<fs::path> Outputs() const {
    std::vector<fs::path> out{CertPath(plan_.dir, profile_)};
    if (!OnToken(spec_)) out.push_back(KeyPath(plan_.dir, profile_, spec_));
    return out;
  }

  // Writes the key file (if any) and the certificate; with `deferred_cert`,
  // keeps the certificate's PEM there instead of writing it.
  Result<Issuer> Run(const Issuer* parent, std::vector<std::string>* report,
                     std::string* deferred_cert = nullptr) const {
    SIGNET_ASSIGN_OR_RETURN(MadeKey made,
                            MakeKey(plan_, spec_, KeyPath(plan_.dir, profile_, spec_)));
    std::shared_ptr<const crypto::SigningKey> key = std::move(made.key);
    const std::string& where = made.where;
    SIGNET_ASSIGN_OR_RETURN(X509Ptr cert, CreateCaCert(profile_, plan_.name_prefix, *key, parent));
    fs::path cert_path = CertPath(plan_.dir, profile_);
    if (deferred_cert) {
      *deferred_cert = CertToPem(cert.get());
    } else {
      SIGNET_RETURN_IF_ERROR(WriteFileAtomic(cert_path, CertToPem(cert.get()), 0644));
      if (plan_.after_write) plan_.after_write(cert_path);
    }
    report->push_back(std::string(profile_.file_stem) + " certificate " + cert_path.string() +
                      ": CN=" + plan_.name_prefix + profile_.cn_suffix + ", key " + where + " (" +
                      KeyText(key->public_key()) + "), valid until " + Until(cert.get()));
    return Issuer{std::move(cert), std::move(key)};
  }

 private:
  const CeremonyPlan& plan_;
  const CaProfile& profile_;
  const CeremonyKey& spec_;
};

// A delegated OCSP responder: its key (new file or token) and certificate.
class ResponderStep {
 public:
  ResponderStep(const CeremonyPlan& plan, const CeremonyOcspResponder& spec)
      : plan_(plan), spec_(spec) {}

  fs::path CertFile() const { return plan_.dir / (spec_.name + ".pem"); }
  fs::path KeyFile() const {
    return spec_.key.key.empty() ? plan_.dir / (spec_.name + ".key") : fs::path(spec_.key.key);
  }
  std::vector<fs::path> Outputs() const {
    std::vector<fs::path> out{CertFile()};
    if (!OnToken(spec_.key)) out.push_back(KeyFile());
    return out;
  }

  Status Check() const {
    bool simple = !spec_.name.empty() && spec_.name[0] != '.';
    for (char c : spec_.name) simple = simple && (std::isalnum(static_cast<unsigned char>(c)) ||
                                                  c == '.' || c == '_' || c == '-');
    if (!simple)
      return Error(ErrorCode::kMalformed, "OCSP responder name \"" + spec_.name +
                                              "\": use letters, digits, '.', '_' and '-' "
                                              "(it names DIR/NAME.pem)");
    if (spec_.validity.count() < 1)
      return Error(ErrorCode::kMalformed,
                   "OCSP responder " + spec_.name + ": validity must be at least one day");
    return OkStatus();
  }

  Status Run(const Issuer& intermediate, std::vector<std::string>* report) const {
    SIGNET_ASSIGN_OR_RETURN(MadeKey made, MakeKey(plan_, spec_.key, KeyFile()));
    Clock::time_point now = Clock::now();
    SIGNET_ASSIGN_OR_RETURN(X509Ptr cert,
                            CertifyOcspResponder(intermediate, made.key->public_key(),
                                                 now - kBackdate, now + spec_.validity));
    SIGNET_RETURN_IF_ERROR(WriteFileAtomic(CertFile(), CertToPem(cert.get()), 0644));
    if (plan_.after_write) plan_.after_write(CertFile());
    report->push_back("OCSP responder certificate " + CertFile().string() + ": CN=" +
                      CommonName(cert.get()) + " issued by CN=" +
                      CommonName(intermediate.cert.get()) + ", key " + made.where + " (" +
                      KeyText(made.key->public_key()) + "), valid until " + Until(cert.get()));
    return OkStatus();
  }

 private:
  const CeremonyPlan& plan_;
  const CeremonyOcspResponder& spec_;
};

Status EnsureDirectory(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return OkStatus();
  fs::create_directories(dir, ec);
  if (!ec) fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec)
    return Error(ErrorCode::kServerInternal,
                 "cannot create " + dir.string() + ": " + ec.message());
  return OkStatus();
}

// Nothing the ceremony writes may exist, or be written twice.
Status CheckOutputs(const std::vector<fs::path>& outputs) {
  std::set<fs::path> seen;
  for (const fs::path& p : outputs) {
    if (!seen.insert(p.lexically_normal()).second)
      return Error(ErrorCode::kMalformed, p.string() + " would be written twice; give each key "
                                                       "and certificate its own name");
    std::error_code ec;
    if (fs::exists(fs::symlink_status(p, ec)))
      return Error(ErrorCode::kServerInternal,
                   p.string() + " exists; the ceremony never overwrites (move it away first)");
  }
  return OkStatus();
}

// hierarchy = false: DIR/intermediate.pem and the intermediate's existing key.
Result<Issuer> LoadIntermediate(const CeremonyPlan& plan) {
  fs::path cert_path = plan.dir / "intermediate.pem";
  SIGNET_ASSIGN_OR_RETURN(std::string pem, ReadFile(cert_path));
  SIGNET_ASSIGN_OR_RETURN(X509Ptr cert, CertFromPem(pem));
  std::string key = plan.intermediate.key.empty() ? (plan.dir / "intermediate.key").string()
                                                  : plan.intermediate.key;
  SIGNET_ASSIGN_OR_RETURN(std::unique_ptr<crypto::SigningKey> signer,
                          crypto::OpenSigningKey(key, plan.pin, plan.pkcs11_module));
  if (EVP_PKEY_eq(X509_get0_pubkey(cert.get()), signer->public_key().get()) != 1)
    return Error(ErrorCode::kServerInternal,
                 cert_path.string() + " does not certify the key " + signer->description());
  return Issuer{std::move(cert), std::move(signer)};
}

constexpr char kIncompleteList[] = "ceremony-incomplete";

// What a ceremony killed before root.pem left: the files its list names
// that this plan also writes. Removed (they certify nothing anyone can
// trust: the root certificate was never written); returns their names.
Result<std::vector<std::string>> RemoveInterrupted(const CeremonyPlan& plan,
                                                   const std::vector<fs::path>& outputs,
                                                   const fs::path& root_pem) {
  std::vector<std::string> removed;
  const fs::path list = plan.dir / kIncompleteList;
  std::error_code ec;
  if (!fs::exists(list, ec) || fs::exists(fs::symlink_status(root_pem, ec))) return removed;
  SIGNET_ASSIGN_OR_RETURN(std::string text, ReadFile(list));
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (std::find(outputs.begin(), outputs.end(), fs::path(line)) == outputs.end()) continue;
    if (fs::remove(line, ec)) removed.push_back(fs::path(line).filename().string());
    if (ec)
      return Error(ErrorCode::kServerInternal, "cannot remove " + line + ", left by an "
                                                   "interrupted ceremony: " + ec.message());
  }
  fs::remove(list, ec);
  return removed;
}

// Temp files a killed write of one of `outputs` (or of the list) left:
// "NAME.tmp.HEX" beside NAME (base/files.h), a key among them.
void RemoveTempFiles(const CeremonyPlan& plan, const std::vector<fs::path>& outputs) {
  std::vector<fs::path> names{plan.dir / kIncompleteList};
  names.insert(names.end(), outputs.begin(), outputs.end());
  for (const fs::path& out : names) {
    std::error_code ec;
    for (fs::directory_iterator it(out.parent_path(), ec), end; !ec && it != end;
         it.increment(ec)) {
      const std::string name = it->path().filename().string();
      const std::string prefix = out.filename().string() + ".tmp.";
      std::error_code ignored;
      if (name.rfind(prefix, 0) == 0 && IsTempFileName(name)) fs::remove(it->path(), ignored);
    }
  }
}

}  // namespace

Result<std::vector<std::string>> RunCeremony(const CeremonyPlan& plan) {
  if (!plan.hierarchy && plan.ocsp_responders.empty())
    return Error(ErrorCode::kMalformed,
                 "nothing to make: no hierarchy (hierarchy = false) and no OCSP responder");
  const CeremonyStep root(plan, kRootProfile, plan.root);
  const CeremonyStep intermediate(plan, kIntermediateProfile, plan.intermediate);
  const CeremonyStep alternate(plan, kAlternateRootProfile, plan.alternate_root);
  std::vector<ResponderStep> responders;
  for (const CeremonyOcspResponder& spec : plan.ocsp_responders) {
    responders.emplace_back(plan, spec);
    SIGNET_RETURN_IF_ERROR(responders.back().Check());
  }
  std::vector<fs::path> outputs;
  auto add = [&outputs](const std::vector<fs::path>& paths) {
    outputs.insert(outputs.end(), paths.begin(), paths.end());
  };
  fs::path cross_path = plan.dir / "intermediate-cross.pem";
  if (plan.hierarchy) {
    add(root.Outputs());
    add(intermediate.Outputs());
    if (plan.alternate_chain) {
      add(alternate.Outputs());
      add({cross_path});
    }
  }
  for (const ResponderStep& r : responders) add(r.Outputs());
  // A hierarchy is crash-safe: DIR/ceremony-incomplete lists its files
  // before any is written, and root.pem is written last (see the header).
  const fs::path root_pem = CertPath(plan.dir, kRootProfile);
  std::vector<std::string> removed;
  if (plan.hierarchy) {
    std::error_code ignored;
    SIGNET_ASSIGN_OR_RETURN(removed, RemoveInterrupted(plan, outputs, root_pem));
    if (!fs::exists(fs::symlink_status(root_pem, ignored))) RemoveTempFiles(plan, outputs);
  }
  SIGNET_RETURN_IF_ERROR(CheckOutputs(outputs));
  SIGNET_RETURN_IF_ERROR(EnsureDirectory(plan.dir));
  std::vector<std::string> report;
  Issuer intermediate_ca;
  std::string root_cert_pem;  // written last: root.pem says the hierarchy is complete
  if (!plan.hierarchy) {
    SIGNET_ASSIGN_OR_RETURN(intermediate_ca, LoadIntermediate(plan));
  } else {
    std::string list;
    for (const fs::path& p : outputs) list += p.string() + "\n";
    SIGNET_RETURN_IF_ERROR(WriteFileAtomic(plan.dir / kIncompleteList, list, 0600));
    if (!removed.empty()) {
      std::string names;
      for (const std::string& r : removed) names += (names.empty() ? "" : ", ") + r;
      report.push_back("removed what an interrupted ceremony left (no root.pem): " + names);
    }
    SIGNET_ASSIGN_OR_RETURN(Issuer root_ca, root.Run(nullptr, &report, &root_cert_pem));
    SIGNET_ASSIGN_OR_RETURN(intermediate_ca, intermediate.Run(&root_ca, &report));
    if (plan.alternate_chain) {
      SIGNET_ASSIGN_OR_RETURN(Issuer alternate_ca, alternate.Run(nullptr, &report));
      SIGNET_ASSIGN_OR_RETURN(X509Ptr cross, CrossSign(alternate_ca, intermediate_ca.cert.get(),
                                                       Clock::now() - kBackdate));
      SIGNET_RETURN_IF_ERROR(WriteFileAtomic(cross_path, CertToPem(cross.get()), 0644));
      if (plan.after_write) plan.after_write(cross_path);
      report.push_back("cross-signed intermediate " + cross_path.string() + ": CN=" +
                       plan.name_prefix + kIntermediateProfile.cn_suffix + " issued by CN=" +
                       plan.name_prefix + kAlternateRootProfile.cn_suffix + ", valid until " +
                       Until(cross.get()));
    }
  }
  for (const ResponderStep& r : responders) SIGNET_RETURN_IF_ERROR(r.Run(intermediate_ca, &report));
  if (plan.hierarchy) {
    SIGNET_RETURN_IF_ERROR(WriteFileAtomic(root_pem, root_cert_pem, 0644));
    if (plan.after_write) plan.after_write(root_pem);
    std::error_code ec;
    fs::remove(plan.dir / kIncompleteList, ec);  // a stale list beside root.pem is ignored
  }
  return report;
}

}  // namespace signet::pki
