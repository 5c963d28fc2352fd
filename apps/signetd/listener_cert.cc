#include "listener_cert.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <filesystem>

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "base/files.h"
#include "ca/ra/ra.h"
#include "crypto/signing_key.h"
#include "jose/jwk.h"
#include "pki/certificate.h"

namespace signet::app {
namespace {

namespace fs = std::filesystem;
constexpr char kAccountId[] = "listener";

bool IsIp(const std::string& s) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

std::vector<acme::Identifier> IdentifiersOf(const std::vector<std::string>& names) {
  std::vector<acme::Identifier> ids;
  for (const std::string& n : names) ids.push_back({IsIp(n) ? "ip" : "dns", n});
  return ids;
}

// The kept certificate and key, if still good for `names`.
std::optional<std::pair<std::string, std::string>> Reusable(
    const fs::path& dir, const std::vector<std::string>& names, const pki::CaHierarchy& ca,
    storage::Store& store) {
  std::error_code ec;
  if (!fs::exists(dir / "listener.pem", ec) || !fs::exists(dir / "listener.key", ec))
    return std::nullopt;
  if (!crypto::CheckKeyFileMode(dir / "listener.key").ok()) return std::nullopt;
  auto pem = ReadFile(dir / "listener.pem");
  auto key = ReadFile(dir / "listener.key");
  if (!pem.ok() || !key.ok()) return std::nullopt;
  auto cert = pki::CertFromPem(*pem);
  if (!cert.ok() ||
      X509_verify(cert->get(), X509_get0_pubkey(ca.intermediate().cert.get())) != 1)
    return std::nullopt;
  for (const std::string& n : names)
    if ((IsIp(n) ? X509_check_ip_asc(cert->get(), n.c_str(), 0)
                 : X509_check_host(cert->get(), n.c_str(), 0, 0, nullptr)) != 1)
      return std::nullopt;
  auto record = store.GetCertificate(pki::SerialHex(cert->get()));
  if (!record.ok() || !*record || (*record)->revoked_at) return std::nullopt;
  auto now = acme::Clock::now();
  auto life = (*record)->not_after - (*record)->not_before;
  if ((*record)->not_after - now < life / 3) return std::nullopt;
  return std::make_pair(*pem + ca.IntermediatePem(), *key);
}

// The CA's own account, made once, deactivated: its certificates are the
// CA's, not a subscriber's.
Status EnsureAccount(storage::Store& store, const crypto::Key& key) {
  SIGNET_ASSIGN_OR_RETURN(auto existing, store.GetAccount(kAccountId));
  if (existing) return OkStatus();
  acme::Account account;
  account.id = kAccountId;
  account.jwk_json = boost::json::serialize(jose::PublicJwk(key));
  account.thumbprint = jose::Thumbprint(key);
  account.status = acme::ObjStatus::kDeactivated;
  account.created_at = acme::Clock::now();
  return store.CreateAccount(account);
}

}  // namespace

Result<std::pair<std::string, std::string>> ListenerCertificate(
    const std::string& data_dir, const std::vector<std::string>& names,
    const pki::CaHierarchy& hierarchy, const ca::Signer& signer, storage::Store& store) {
  fs::path dir(data_dir);
  if (auto kept = Reusable(dir, names, hierarchy, store)) return *kept;
  SIGNET_ASSIGN_OR_RETURN(crypto::Key key, crypto::Key::Generate(crypto::KeyType::kEcP256));
  SIGNET_RETURN_IF_ERROR(EnsureAccount(store, key));
  ca::IssueRequest request;
  request.subject_key = &key;
  for (const std::string& n : names) (IsIp(n) ? request.ip_addresses : request.dns_names).push_back(n);
  SIGNET_ASSIGN_OR_RETURN(ca::PreparedCertificate prepared, signer.Prepare(request));
  acme::Order order;
  order.id = ca::NewObjectId();
  order.account_id = kAccountId;
  order.status = acme::ObjStatus::kProcessing;
  order.identifiers = IdentifiersOf(names);
  order.created_at = acme::Clock::now();
  order.expires = order.created_at;
  SIGNET_RETURN_IF_ERROR(store.CreateOrder(order, {}));
  // As the RA does: the serial is on record before it is signed.
  SIGNET_RETURN_IF_ERROR(store.AddSerial(
      {prepared.serial_hex(), order.id, kAccountId, prepared.tbs_der(), acme::Clock::now()}));
  SIGNET_ASSIGN_OR_RETURN(ca::IssuedCertificate issued, signer.Sign(std::move(prepared)));
  acme::CertificateRecord record;
  record.serial = issued.serial_hex;
  record.account_id = kAccountId;
  record.order_id = order.id;
  record.der = issued.der;
  record.not_before = issued.not_before;
  record.not_after = issued.not_after;
  record.issued_at = acme::Clock::now();
  record.crl_shard = issued.crl_shard;
  order.status = acme::ObjStatus::kValid;
  order.certificate_serial = issued.serial_hex;
  SIGNET_RETURN_IF_ERROR(store.FinishIssuance(record, order));
  SIGNET_ASSIGN_OR_RETURN(crypto::X509Ptr cert, pki::CertFromDer(issued.der));
  std::string pem = pki::CertToPem(cert.get());
  SIGNET_RETURN_IF_ERROR(WriteFileAtomic(dir / "listener.key", key.PrivatePem(), 0600));
  SIGNET_RETURN_IF_ERROR(WriteFileAtomic(dir / "listener.pem", pem, 0644));
  spdlog::info("signetd: new listener certificate, serial {} (recorded; revocable)",
               issued.serial_hex);
  return std::make_pair(pem + hierarchy.IntermediatePem(), key.PrivatePem());
}

}  // namespace signet::app
