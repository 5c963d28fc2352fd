#include "ca_server.h"

#include <filesystem>
#include <thread>

#include <spdlog/spdlog.h>

#include "base/files.h"
#include "ca/publisher/publisher.h"
#include "ca/ra/ra.h"
#include "ca/signer/signer.h"
#include "ca/va/va.h"
#include "ca/wfe/shared_nonce.h"
#include "ca/wfe/wfe.h"
#include "crypto/digest.h"
#include "dns/unbound_resolver.h"
#include "http/server.h"
#include "pki/ca_hierarchy.h"
#include "pki/certificate.h"
#include "storage/open_store.h"
#include "ct_options.h"
#include "log_wiring.h"
#include "mpic_wiring.h"
#include "operator_wiring.h"
#include "pause_options.h"
#include "publication_wiring.h"
#include "listener_cert.h"
#include "signer_options.h"
#include "wiring.h"

namespace signet::app {
namespace {

// Replay nonces: in memory for one instance on SQLite; on a shared
// (PostgreSQL) store, authenticated nonces redeemed in the store, so any
// instance accepts another's, once. Their MAC key is kept in the store (the
// first instance makes it): no key of the CA is read for it, so it works as
// well with the intermediate's key on a token.
Result<std::unique_ptr<ca::NonceService>> MakeNonceService(const storage::StoreSpec& spec,
                                                           storage::Store& store) {
  if (spec.kind != storage::StoreSpec::Kind::kPostgres)
    return std::unique_ptr<ca::NonceService>(std::make_unique<ca::MemoryNonceService>());
  SIGNET_ASSIGN_OR_RETURN(std::string key,
                          store.SharedNonceKey(crypto::HexEncode(crypto::RandomBytes(32))));
  return std::unique_ptr<ca::NonceService>(
      std::make_unique<ca::SharedNonceService>(store, std::move(key)));
}

class CaServerImpl : public CaServer {
 public:
  Status Init(const CaConfig& config);
  uint16_t port() const override { return server_->port(); }
  void Stop() override {
    if (operator_) operator_->Stop();
    if (server_) server_->Stop();
    if (http_server_) http_server_->Stop();
    if (publisher_) publisher_->Stop();
  }
  ~CaServerImpl() override { Stop(); }
  Status ReloadRateLimits() override {
    if (!rate_limiter_) return OkStatus();
    SIGNET_ASSIGN_OR_RETURN(auto limits, RateLimitsFrom(config_));
    if (limits) rate_limiter_->Reload(std::move(*limits));
    return OkStatus();
  }
  Status Reload(const CaConfig& config) override {
    std::optional<ca::ratelimit::Limits> limits;
    if (rate_limiter_) {
      SIGNET_ASSIGN_OR_RETURN(limits, RateLimitsFrom(config));
    }
    SIGNET_ASSIGN_OR_RETURN(ca::ProfileSet profiles, ProfilesFrom(config));
    // Everything read and checked: now apply.
    if (limits) rate_limiter_->Reload(std::move(*limits));
    ra_->SetBlocklist(config.blocklist);
    ra_->SetProfiles(std::move(profiles));
    config_.rate_limits = config.rate_limits;
    config_.blocklist = config.blocklist;
    return OkStatus();
  }
  bool Shutdown(std::chrono::steady_clock::time_point deadline) override {
    operator_->MarkStopping();
    bool answered = server_->Shutdown(deadline);
    bool drained = ra_->DrainValidations(deadline);
    if (!answered) spdlog::warn("signetd: requests still in flight at the shutdown deadline");
    if (!drained)
      spdlog::warn("signetd: validations or issuances unfinished at the shutdown deadline; "
                   "they stay processing and resume at the next start");
    if (answered && drained) Stop();
    return answered && drained;
  }
  bool Responsive() override { return server_->Responsive(std::chrono::seconds(5)); }

 private:
  // Declaration order is destruction order in reverse: the server stops
  // first, then the RA's validation workers, then what they use.
  std::optional<pki::CaHierarchy> hierarchy_;
  CaConfig config_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<ca::ratelimit::RateLimiter> rate_limiter_;  // none: no limits
  std::unique_ptr<dns::UnboundResolver> resolver_;
  std::unique_ptr<va::LocalValidationAuthority> local_va_;
  std::unique_ptr<va::ValidationAuthority> va_;  // local_va_, or it with remote perspectives
  std::unique_ptr<ca::Signer> signer_;
  std::unique_ptr<ca::Publisher> publisher_;  // CRLs and OCSP
  std::unique_ptr<OperatorListener> operator_;  // /metrics and /health/*
  std::unique_ptr<ca::ct::CtSubmitter> ct_;     // none without --ct-log-list
  std::unique_ptr<ca::RegistrationAuthority> ra_;
  std::unique_ptr<ca::NonceService> nonces_;
  std::unique_ptr<ca::WebFrontEnd> wfe_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<http::Server> http_server_;  // plain HTTP: CRLs and OCSP
};

Status CaServerImpl::Init(const CaConfig& config) {
  SIGNET_ASSIGN_OR_RETURN(auto listen, SplitHostPort(config.listen));
  SIGNET_RETURN_IF_ERROR(va::CheckIssuerDomainNames(config.caa_identities));
  // Before anything is created: a bad rate-limit file refuses to start.
  SIGNET_ASSIGN_OR_RETURN(auto limits, RateLimitsFrom(config));
  // Only the intermediate's key is opened; the roots' stay where the
  // ceremony left them.
  SIGNET_RETURN_IF_ERROR(EnsureHierarchy(config));
  SIGNET_ASSIGN_OR_RETURN(auto intermediate_signer, IntermediateSigner(config));
  SIGNET_ASSIGN_OR_RETURN(auto hierarchy,
                          pki::CaHierarchy::Load(config.data_dir, std::move(intermediate_signer)));
  hierarchy_ = std::move(hierarchy);
  // A ceremony-made OCSP responder, checked before anything is created.
  SIGNET_ASSIGN_OR_RETURN(auto ocsp_responder,
                          OcspResponderFrom(config, hierarchy_->intermediate()));
  config_ = config;
  SIGNET_ASSIGN_OR_RETURN(storage::StoreSpec store_spec,
                          storage::ParseStoreSpec(config.store, config.data_dir));
  SIGNET_ASSIGN_OR_RETURN(store_, storage::OpenStore(store_spec, storage::OpenMode::kCreate));
  if (limits) rate_limiter_ = std::make_unique<ca::ratelimit::RateLimiter>(*store_, *limits);
  SIGNET_ASSIGN_OR_RETURN(resolver_, MakeResolver(config));
  // Logged once nothing before it can refuse the start (one-line errors).
  spdlog::info("store: {}", storage::DescribeStore(store_spec));
  local_va_ = std::make_unique<va::LocalValidationAuthority>(*resolver_, LocalVaConfigFrom(config));
  SIGNET_ASSIGN_OR_RETURN(va_, MakeValidationAuthority(config, *local_va_));

  SIGNET_ASSIGN_OR_RETURN(std::string base, AcmeBaseUrlFrom(config));
  ca::SignerConfig signer_config;
  signer_config.ca_issuers_url = base + "/acme/issuer-cert";
  SIGNET_ASSIGN_OR_RETURN(PublicationEndpoint publication, PublicationEndpointFrom(config));
  signer_config.publication.base = publication.base_url;
  signer_config.crl_shards = config.crl_shards;
  signer_config.ocsp = config.ocsp;
  signer_ = std::make_unique<ca::Signer>(*hierarchy_, signer_config);

  ca::RaConfig ra_config;
  ra_config.allow_test_names = config.allow_loopback_validation;
  ra_config.validation_workers = config.validation_workers;
  ra_config.validation_queue_capacity = config.validation_queue_capacity;
  ra_config.challenge_answer_wait = std::chrono::milliseconds(config.challenge_answer_wait_ms);
  // One signetd per SQLite store: a restart takes over all work at once.
  // PostgreSQL may be shared: work is taken over once its lease runs out.
  ra_config.work.single_instance = store_spec.kind == storage::StoreSpec::Kind::kSqlite;
  ra_config.account_url_prefix = base + "/acme/acct/";
  ra_config.blocklist = config.blocklist;
  SIGNET_ASSIGN_OR_RETURN(ra_config.profiles, ProfilesFrom(config));
  ra_config.ocsp = config.ocsp;
  ra_config.key_policy.max_rsa_bits = config.max_rsa_key_bits;
  ra_config.external_account_required = config.eab_required;
  SIGNET_ASSIGN_OR_RETURN(ra_config.pausing, PauseConfigFrom(config));
  ra_config.rate_limiter = rate_limiter_.get();
  SIGNET_RETURN_IF_ERROR(ra_config.key_policy.Validate());
  ca::PublisherConfig publisher_config = PublisherConfigFrom(config, publication.base_url);
  publisher_config.on_error = [](const Error& e) { spdlog::warn("publisher: {}", e.ToString()); };
  publisher_config.ocsp_config.responder = ocsp_responder;
  publisher_ =
      std::make_unique<ca::Publisher>(*store_, hierarchy_->intermediate(), publisher_config);
  SIGNET_RETURN_IF_ERROR(publisher_->Start());
  operator_ = std::make_unique<OperatorListener>(SIGNETD_VERSION);
  SIGNET_ASSIGN_OR_RETURN(ct_, MakeCtSubmitter(config, *hierarchy_, operator_->CtObserver()));
  ra_config.ct = ct_.get();
  spdlog::info("signetd {}", ct_ ? "submits precertificates to CT logs and embeds their SCTs"
                                 : "issues without CT (no --ct-log-list)");
  ra_ = std::make_unique<ca::RegistrationAuthority>(*store_, *signer_, *va_, ra_config);
  ra_->SetRevocationObserver([p = publisher_.get()](const std::string&, int) { p->Notify(); });

  SIGNET_ASSIGN_OR_RETURN(nonces_, MakeNonceService(store_spec, *store_));
  ca::WfeConfig wfe_config;
  wfe_config.terms_of_service = config.terms_of_service;
  wfe_config.caa_identities = config.caa_identities;
  wfe_config.external_account_required = config.eab_required;
  wfe_config.issuer_der = pki::CertToDer(hierarchy_->intermediate().cert.get());
  wfe_config.issuer_chain_pem = hierarchy_->IntermediatePem();
  if (hierarchy_->cross_signed_intermediate())
    wfe_config.alternate_issuer_chains = {hierarchy_->CrossSignedIntermediatePem()};
  wfe_config.root_pem = hierarchy_->RootPem();
  wfe_ = std::make_unique<ca::WebFrontEnd>(*ra_, *nonces_, wfe_config);

  http::ServerConfig server_config = ListenerConfig(config, listen.first, listen.second);
  server_config.limit_response = &ca::WebFrontEnd::OversizedRequest;
  if (config.handler_threads < 0)
    server_config.handler_threads = http::DefaultHandlerThreads(
        std::thread::hardware_concurrency(),
        store_spec.kind == storage::StoreSpec::Kind::kPostgres);
  // The directory, nonces and static certificates on the I/O threads.
  server_config.answer_inline = &ca::WebFrontEnd::AnswersAtOnce;
  if (!config.tls_cert.empty()) {
    SIGNET_ASSIGN_OR_RETURN(server_config.tls_chain_pem, ReadFile(config.tls_cert));
    SIGNET_ASSIGN_OR_RETURN(server_config.tls_key_pem, ReadFile(config.tls_key));
  } else {
    // Its own key and a recorded certificate, kept across starts.
    SIGNET_ASSIGN_OR_RETURN(auto tls, ListenerCertificate(config.data_dir,
                                                          {listen.first, "localhost"},
                                                          *hierarchy_, *signer_, *store_));
    server_config.tls_chain_pem = tls.first;
    server_config.tls_key_pem = tls.second;
  }
  server_ = std::make_unique<http::Server>(
      server_config, AccessLog(operator_->Instrument(
                         [wfe = wfe_.get()](const http::Request& r) { return wfe->Handle(r); })));
  // The RA's subscribers before any request: Observe sets the metrics' one.
  operator_->Observe(*ra_, rate_limiter_.get(), *server_);
  operator_->ShowCrls(publisher_->crls());
  ra_->AddEvents(LogEvents());
  SIGNET_RETURN_IF_ERROR(ra_->Recover());  // after the subscribers: it may validate at once
  SIGNET_RETURN_IF_ERROR(server_->Start());
  ReadinessChecks ready{store_.get(), resolver_.get(),
                        [this] { return hierarchy_->intermediate().cert != nullptr; }};
  SIGNET_RETURN_IF_ERROR(operator_->Start(config, std::move(ready)));
  http::ServerConfig http_config = ListenerConfig(config, publication.host, publication.port);
  http_server_ = std::make_unique<http::Server>(
      http_config, [p = publisher_.get()](const http::Request& r) { return p->Handle(r); });
  SIGNET_RETURN_IF_ERROR(http_server_->Start());
  spdlog::info("signetd publishing CRLs{} at {} (HTTP on {}:{})", config.ocsp ? " and OCSP" : "",
               publication.base_url, publication.host, publication.port);
  return OkStatus();
}

}  // namespace

Result<std::unique_ptr<CaServer>> CaServer::Start(const CaConfig& config) {
  auto server = std::make_unique<CaServerImpl>();
  SIGNET_RETURN_IF_ERROR(server->Init(config));
  return std::unique_ptr<CaServer>(std::move(server));
}

}  // namespace signet::app
