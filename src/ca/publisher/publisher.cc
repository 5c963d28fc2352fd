#include "ca/publisher/publisher.h"

#include <set>

namespace signet::ca {

namespace {
constexpr size_t kFeedBatch = 10000;
}  // namespace

Publisher::Publisher(storage::Store& store, const pki::Issuer& intermediate, PublisherConfig config)
    : store_(store),
      config_(std::move(config)),
      crls_(store, intermediate, config_.crl),
      ocsp_(config_.ocsp ? std::make_unique<OcspResponder>(store, intermediate, config_.ocsp_config)
                         : nullptr),
      front_end_(crls_, ocsp_.get(), config_.crl_interval),
      leader_(store.NewLeaderLock("crl-publication")) {
  crls_.set_share(!leader_->exclusive());
}

bool Publisher::Lead() {
  auto held = leader_->Hold();
  if (!held.ok()) Report(held.error());
  const bool leading = held.ok() && *held;
  std::lock_guard<std::mutex> lock(mu_);
  leading_ = leading;
  return leading;
}

Publisher::~Publisher() { Stop(); }

Status Publisher::Start() {
  if (ocsp_) SIGNET_RETURN_IF_ERROR(ocsp_->Init());
  // The feed position first: a revocation racing the first publication is
  // then read again by the worker rather than missed.
  SIGNET_ASSIGN_OR_RETURN(std::set<int> ignored, ReadFeed());
  (void)ignored;
  if (Lead())
    SIGNET_RETURN_IF_ERROR(crls_.PublishAll());
  else
    SIGNET_RETURN_IF_ERROR(crls_.SyncFromStore());  // the leader's
  worker_ = std::thread([this] { Run(); });
  return OkStatus();
}

void Publisher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void Publisher::Notify() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    notified_ = true;
  }
  wake_.notify_all();
}

bool Publisher::WaitForIdle(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  notified_ = true;
  uint64_t target = rounds_started_ + 1;  // a round that starts after this call
  wake_.notify_all();
  return round_done_.wait_for(lock, timeout, [&] { return rounds_done_ >= target || stop_; });
}

Result<std::set<int>> Publisher::ReadFeed() {
  std::set<int> shards;
  for (;;) {
    SIGNET_ASSIGN_OR_RETURN(auto events, store_.RevocationsSince(feed_position_, kFeedBatch));
    for (const auto& e : events) {
      if (ocsp_) ocsp_->Invalidate(e.serial);
      shards.insert(e.crl_shard);
      feed_position_ = e.sequence;
    }
    if (events.size() < kFeedBatch) return shards;
  }
}

void Publisher::Report(const Error& error) const {
  if (config_.on_error) config_.on_error(error);
}

void Publisher::Run() {
  auto next_full = std::chrono::steady_clock::now() + config_.crl_interval;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    wake_.wait_until(lock,
                     std::min(next_full, std::chrono::steady_clock::now() + config_.feed_poll),
                     [&] { return stop_ || notified_; });
    if (stop_) break;
    notified_ = false;
    ++rounds_started_;
    lock.unlock();
    auto shards = ReadFeed();  // every instance: its OCSP answers
    if (!shards.ok()) Report(shards.error());
    const bool was_leading = leading();
    const bool leads = Lead();
    Status published = OkStatus();
    if (!leads) {
      published = crls_.SyncFromStore();
    } else if (!was_leading || std::chrono::steady_clock::now() >= next_full) {
      // A new leader publishes at once: the one before may have died with
      // revocations not yet in a CRL.
      published = crls_.PublishAll();
      next_full = std::chrono::steady_clock::now() + config_.crl_interval;
    } else if (shards.ok()) {
      for (int shard : *shards) {
        Status s = crls_.Publish(shard);
        if (!s.ok()) published = s;
      }
    }
    if (!published.ok()) Report(published.error());
    lock.lock();
    ++rounds_done_;
    round_done_.notify_all();
  }
}

}  // namespace signet::ca
