// What the lints cost per certificate: N certificates issued through the
// Signer (which lints each TBS before signing it), the same N through
// pki::IssueLeaf (no lints), and the lints alone (parse the TBS back and run
// every certificate lint). Usage: lint_bench [N=1000] [CA_DIR=/tmp/signet-lint-bench]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "ca/signer/signer.h"
#include "pki/issuer.h"
#include "pki/lint/lint.h"
#include "pki/ocsp.h"
#include "pki/ocsp_signing_cert.h"

namespace {

using namespace signet;
using Micros = std::chrono::duration<double, std::micro>;

template <typename F>
double PerItemMicros(int n, F&& f) {
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i)
    if (!f()) std::exit(1);
  return Micros(std::chrono::steady_clock::now() - start).count() / n;
}

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 1000;
  std::string dir = argc > 2 ? argv[2] : "/tmp/signet-lint-bench";
  auto ca = pki::CaHierarchy::LoadOrCreate(dir, "Bench");
  auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
  if (!ca.ok() || !key.ok()) return std::fprintf(stderr, "lint_bench: setup failed\n"), 1;
  ca::SignerConfig config;
  config.ca_issuers_url = "http://127.0.0.1/acme/issuer-cert";
  config.publication.base = "http://127.0.0.1";
  ca::Signer signer(*ca, config);
  std::vector<std::string> names = {"bench.example.com", "www.bench.example.com"};

  pki::LeafTemplate leaf;
  leaf.subject_key = *key;
  leaf.dns_names = names;
  leaf.not_before = pki::Clock::now() - std::chrono::hours(1);
  leaf.not_after = leaf.not_before + std::chrono::hours(24 * 90) - std::chrono::seconds(1);
  leaf.ca_issuers_url = config.ca_issuers_url;
  leaf.crl_distribution_point = config.publication.Crl(0);
  pki::lint::CertProfile profile{std::chrono::hours(24 * 90 + 1), {"serverAuth"}};

  for (int round = 0; round < 2; ++round) {  // the first round warms up
    double with = PerItemMicros(n, [&] { return signer.Issue(*key, names).ok(); });
    double without = PerItemMicros(n, [&] {
      leaf.serial = pki::RandomSerial();
      return pki::IssueLeaf(ca->intermediate(), leaf).ok();
    });
    leaf.serial = pki::RandomSerial();
    auto built = pki::BuildLeaf(ca->intermediate(), leaf);
    if (!built.ok()) return 1;
    std::string tbs = pki::TbsDer(built->get());
    X509* issuer = ca->intermediate().cert.get();
    double lints = PerItemMicros(n, [&] {
      auto parsed = pki::lint::ParseTbsCertificate(tbs, X509_get0_tbs_sigalg(built->get()));
      return parsed.ok() && pki::lint::LintCertificate(parsed->get(), issuer, profile).empty();
    });
    double parse = PerItemMicros(n, [&] {
      return pki::lint::ParseTbsCertificate(tbs, X509_get0_tbs_sigalg(built->get())).ok();
    });
    double in_memory = PerItemMicros(
        n, [&] { return pki::lint::LintCertificate(built->get(), issuer, profile).empty(); });
    if (round == 1)
      std::printf(
          "%d certificates: Signer (with lints) %.1f us/cert, IssueLeaf (without) %.1f "
          "us/cert; the lints on the TBS parsed back %.1f us/cert (of which parsing %.1f), on "
          "the certificate as built %.1f us/cert\n",
          n, with, without, lints, parse, in_memory);
  }

  // OCSP: a response built and signed (with its lint, which signs it once
  // more with a throwaway key first), and the lint alone.
  auto responder = pki::IssueOcspSigningCert(ca->intermediate(), std::chrono::hours(24 * 7));
  leaf.serial = pki::RandomSerial();
  auto cert = pki::IssueLeaf(ca->intermediate(), leaf);
  if (!responder.ok() || !cert.ok()) return 1;
  crypto::OcspRequestPtr request(OCSP_REQUEST_new());
  OCSP_request_add0_id(request.get(),
                       OCSP_cert_to_id(nullptr, cert->get(), ca->intermediate().cert.get()));
  std::string request_der(size_t(i2d_OCSP_REQUEST(request.get(), nullptr)), '\0');
  auto* p = reinterpret_cast<unsigned char*>(request_der.data());
  i2d_OCSP_REQUEST(request.get(), &p);
  auto info = pki::ParseOcspRequest(request_der);
  if (!info.ok()) return 1;
  auto now = pki::Clock::now();
  double build = PerItemMicros(n, [&] {
    return pki::BuildOcspResponse(*responder, ca->intermediate().cert.get(), *info, {}, now,
                                  now + std::chrono::hours(24), false)
        .ok();
  });
  double ocsp_lint = PerItemMicros(n, [&] {
    crypto::OcspBasicRespPtr basic(OCSP_BASICRESP_new());
    crypto::OcspCertIdPtr id(OCSP_cert_to_id(nullptr, cert->get(), ca->intermediate().cert.get()));
    crypto::Asn1TimePtr this_update(ASN1_GENERALIZEDTIME_set(nullptr, std::time(nullptr)));
    crypto::Asn1TimePtr next_update(ASN1_GENERALIZEDTIME_set(nullptr, std::time(nullptr) + 3600));
    OCSP_basic_add1_status(basic.get(), id.get(), V_OCSP_CERTSTATUS_GOOD, 0, nullptr,
                           this_update.get(), next_update.get());
    return pki::lint::LintOcspBeforeSigning(basic.get()).empty();
  });
  std::printf(
      "%d OCSP responses: BuildOcspResponse (with lints) %.1f us each, of which the "
      "lints (throwaway signature included) about %.1f us\n",
      n, build, ocsp_lint);
  return 0;
}
