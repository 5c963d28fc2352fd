#include "ca/publisher/crl_publisher.h"

#include "pki/crl.h"

namespace signet::ca {

Status CrlPublisher::Publish(int shard) {
  auto now = std::chrono::floor<std::chrono::seconds>(acme::Clock::now());
  SIGNET_ASSIGN_OR_RETURN(auto revoked, store_.ListRevokedInShard(shard, now));
  std::vector<pki::RevokedEntry> entries;
  entries.reserve(revoked.size());
  for (auto& r : revoked) entries.push_back({std::move(r.serial), r.revoked_at, r.reason});
  std::vector<acme::RevokedCertificate>().swap(revoked);

  pki::CrlTemplate tmpl;
  SIGNET_ASSIGN_OR_RETURN(tmpl.crl_number, store_.NextCrlNumber(shard));
  tmpl.this_update = now;
  tmpl.next_update = now + config_.validity;
  if (!config_.urls.base.empty()) tmpl.idp_url = config_.urls.Crl(shard);
  SIGNET_ASSIGN_OR_RETURN(std::string der, pki::BuildCrl(issuer_, tmpl, entries));

  auto crl = std::make_shared<PublishedCrl>();
  crl->shard = shard;
  crl->number = tmpl.crl_number;
  crl->der = std::move(der);
  crl->this_update = tmpl.this_update;
  crl->next_update = tmpl.next_update;
  crl->entries = entries.size();
  if (share_)
    SIGNET_RETURN_IF_ERROR(store_.SaveCrl({shard, crl->number, crl->der, crl->this_update,
                                           crl->next_update, int64_t(crl->entries)}));
  Install(std::move(crl));
  return OkStatus();
}

void CrlPublisher::Install(std::shared_ptr<PublishedCrl> crl) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = crls_[crl->shard];
  if (!slot || slot->number < crl->number) slot = std::move(crl);  // never go back
}

Status CrlPublisher::SyncFromStore() {
  SIGNET_ASSIGN_OR_RETURN(auto numbers, store_.StoredCrlNumbers());
  for (const auto& [shard, number] : numbers) {
    auto held = Get(shard);
    if (held && held->number >= number) continue;
    SIGNET_ASSIGN_OR_RETURN(auto stored, store_.GetStoredCrl(shard));
    if (!stored) continue;
    auto crl = std::make_shared<PublishedCrl>();
    crl->shard = shard;
    crl->number = stored->number;
    crl->der = std::move(stored->der);
    crl->this_update = stored->this_update;
    crl->next_update = stored->next_update;
    crl->entries = size_t(stored->entries);
    Install(std::move(crl));
  }
  return OkStatus();
}

Status CrlPublisher::PublishAll() {
  SIGNET_ASSIGN_OR_RETURN(int max_shard, store_.MaxCrlShard());
  int count = std::max(config_.shards, max_shard + 1);
  for (int shard = 0; shard < count; ++shard) SIGNET_RETURN_IF_ERROR(Publish(shard));
  return OkStatus();
}

std::shared_ptr<const PublishedCrl> CrlPublisher::Get(int shard) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = crls_.find(shard);
  return it == crls_.end() ? nullptr : it->second;
}

}  // namespace signet::ca
