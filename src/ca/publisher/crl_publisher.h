// The CRLs a CA publishes (RFC 5280 5; Let's Encrypt's sharded CRLs): one
// CRL per shard, signed by the issuing intermediate, holding the revoked
// certificates of that shard that have not expired yet (expired ones drop
// out), with an increasing cRLNumber per shard kept in the store, and an
// issuingDistributionPoint naming the shard's URL, which is also the CRL
// Distribution Point of every certificate in the shard.
//
// Thread-safe: Get may be called from any thread while Publish runs; the
// CRL is built without any lock held and swapped in when done, and the
// store's revoked-list read does not block issuance (storage/store.h).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "acme/objects.h"
#include "base/result.h"
#include "ca/signer/signer.h"
#include "pki/issuer.h"
#include "storage/store.h"

namespace signet::ca {

struct CrlPublisherConfig {
  PublicationUrls urls;  // IDP of shard N: urls.Crl(N)
  int shards = 1;        // shards [0, shards) are always published
  std::chrono::seconds validity = std::chrono::hours(24);  // nextUpdate - thisUpdate
};

// One published CRL.
struct PublishedCrl {
  int shard = 0;
  int64_t number = 0;
  std::string der;
  acme::TimePoint this_update;
  acme::TimePoint next_update;
  size_t entries = 0;
};

class CrlPublisher {
 public:
  CrlPublisher(storage::Store& store, const pki::Issuer& issuer, CrlPublisherConfig config)
      : store_(store), issuer_(issuer), config_(std::move(config)) {}

  // Builds, signs and publishes a new CRL for `shard`; with `share` it is
  // also kept in the store, for the instances that do not publish.
  Status Publish(int shard);
  // Instances sharing the store (issue 10): Publish keeps each CRL in the
  // store. REQUIRES: set before publishing.
  void set_share(bool share) { share_ = share; }
  // What a non-publishing instance serves: the CRLs the store keeps that
  // are newer than those held (one round trip when none is).
  Status SyncFromStore();
  // Publishes every shard: [0, shards) and any shard a certificate was
  // issued into under an earlier, larger shard count.
  Status PublishAll();
  // The current CRL of `shard`; nullptr when none was published.
  std::shared_ptr<const PublishedCrl> Get(int shard) const;
  const CrlPublisherConfig& config() const { return config_; }

 private:
  storage::Store& store_;
  const pki::Issuer& issuer_;
  const CrlPublisherConfig config_;
  bool share_ = false;
  // Installs `crl` unless the one held for its shard is as new.
  void Install(std::shared_ptr<PublishedCrl> crl);
  mutable std::mutex mu_;
  std::map<int, std::shared_ptr<const PublishedCrl>> crls_;  // GUARDED_BY(mu_)
};

}  // namespace signet::ca
