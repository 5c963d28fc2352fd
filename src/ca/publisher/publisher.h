// The publication role: keeps the CRLs and the OCSP responder current. A
// worker thread regenerates every CRL shard on a schedule, and follows the
// store's revocation feed (storage/store.h RevocationsSince) to republish a
// revoked certificate's shard and drop its cached OCSP answer within
// moments, whichever process revoked it (ACME revokeCert, `signetd admin
// revoke`). Notify() wakes it at once; the feed is polled regardless.
// Publication never runs on an ACME request's thread, so issuance and
// revocation never wait for a CRL to be built.
//
// With several instances on one store (issue 10), CRL publication is a
// singleton: only the instance holding the store's leader lock
// (storage::LeaderLock "crl-publication") builds and signs CRLs, and keeps
// them in the store; the others serve those. The lock is tried (or
// confirmed) every round, so when the leader dies another takes over
// within a round or two and publishes at once. OCSP is answered by every
// instance from the store (each with its own delegated signer).
//
// Thread-safe. Start once, Stop (or destroy) once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "ca/publisher/crl_publisher.h"
#include "ca/publisher/ocsp_responder.h"
#include "ca/publisher/publication_http.h"
#include "http/message.h"

namespace signet::ca {

struct PublisherConfig {
  CrlPublisherConfig crl;
  std::chrono::seconds crl_interval = std::chrono::minutes(60);  // full regeneration
  std::chrono::milliseconds feed_poll = std::chrono::seconds(2);
  bool ocsp = false;
  OcspResponderConfig ocsp_config;
  // Told about failures of the background work (the app logs them).
  std::function<void(const Error&)> on_error;
};

class Publisher {
 public:
  Publisher(storage::Store& store, const pki::Issuer& intermediate, PublisherConfig config);
  ~Publisher();

  // Issues the OCSP signing certificate, publishes every CRL (so they exist
  // before the first request) and starts the worker.
  Status Start();
  void Stop();
  // A revocation was recorded: read the feed now rather than at the next poll.
  void Notify();
  // Blocks until the worker has caught up with every revocation recorded
  // before the call and republished (tests; bounded by `timeout`).
  bool WaitForIdle(std::chrono::milliseconds timeout);

  http::Response Handle(const http::Request& request) const { return front_end_.Handle(request); }
  const CrlPublisher& crls() const { return crls_; }
  OcspResponder* ocsp() { return ocsp_.get(); }
  // True while this instance publishes the CRLs (always, alone on a store).
  bool leading() const {
    std::lock_guard<std::mutex> lock(mu_);
    return leading_;
  }

 private:
  void Run();
  void Report(const Error& error) const;
  // Reads the feed past `feed_position_`; returns the shards to republish.
  Result<std::set<int>> ReadFeed();
  // Holds (or tries for) the leader lock; records and returns the outcome.
  bool Lead();

  storage::Store& store_;
  const PublisherConfig config_;
  CrlPublisher crls_;
  std::unique_ptr<OcspResponder> ocsp_;
  PublicationFrontEnd front_end_;

  std::unique_ptr<storage::LeaderLock> leader_;  // worker thread only (after Start)
  mutable std::mutex mu_;
  bool leading_ = false;         // GUARDED_BY(mu_)
  std::condition_variable wake_;
  bool stop_ = false;            // GUARDED_BY(mu_)
  bool notified_ = false;        // GUARDED_BY(mu_)
  uint64_t rounds_started_ = 0;  // GUARDED_BY(mu_)
  uint64_t rounds_done_ = 0;     // GUARDED_BY(mu_)
  std::condition_variable round_done_;
  int64_t feed_position_ = 0;  // worker thread only (after Start)
  std::thread worker_;
};

}  // namespace signet::ca
