#include "ca/ra/admin_queries.h"

#include <algorithm>
#include <cctype>

#include "ca/ra/admin.h"
#include "ca/ra/admin_pausing.h"
#include "ca/ra/identifier_policy.h"

namespace signet::ca {
namespace {

// One more than asked, to tell whether more follow.
template <typename T>
AdminPage<T> Page(std::vector<T> items, size_t limit) {
  AdminPage<T> page;
  page.more = items.size() > limit;
  if (page.more) items.resize(limit);
  page.items = std::move(items);
  return page;
}

}  // namespace

Result<AdminPage<acme::Account>> AdminFindAccounts(storage::ReadOnlyStore& store,
                                                   storage::AccountQuery query) {
  SIGNET_RETURN_IF_ERROR(CheckAdminLimit(query.limit));
  if (!query.after_id.empty()) {
    SIGNET_ASSIGN_OR_RETURN(auto after, store.GetAccount(query.after_id));
    if (!after) return Error(ErrorCode::kNotFound, "--after: no account with id " + query.after_id);
  }
  size_t limit = query.limit;
  query.limit = limit + 1;
  SIGNET_ASSIGN_OR_RETURN(auto found, store.FindAccounts(query));
  return Page(std::move(found), limit);
}

Result<AdminPage<storage::CertificateSummary>> AdminFindCertificates(
    storage::ReadOnlyStore& store, storage::CertificateQuery query) {
  SIGNET_RETURN_IF_ERROR(CheckAdminLimit(query.limit));
  if (!query.serial.empty()) {
    SIGNET_ASSIGN_OR_RETURN(query.serial, NormalizeSerial(query.serial));
  }
  if (!query.after_serial.empty()) {
    SIGNET_ASSIGN_OR_RETURN(query.after_serial, NormalizeSerial(query.after_serial));
    SIGNET_ASSIGN_OR_RETURN(auto after, store.GetCertificate(query.after_serial));
    if (!after)
      return Error(ErrorCode::kNotFound,
                   "--after: no certificate with serial " + query.after_serial);
  }
  if (!query.name.empty()) {
    std::transform(query.name.begin(), query.name.end(), query.name.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    if (query.name.back() == '.') query.name.pop_back();
    query.name = CanonicalIp(query.name);
  }
  if (!query.account_id.empty()) {
    SIGNET_ASSIGN_OR_RETURN(auto account, store.GetAccount(query.account_id));
    if (!account) return Error(ErrorCode::kNotFound, "no account with id " + query.account_id);
  }
  size_t limit = query.limit;
  query.limit = limit + 1;
  SIGNET_ASSIGN_OR_RETURN(auto found, store.FindCertificates(query));
  return Page(std::move(found), limit);
}

Result<storage::StoreCounts> AdminCounts(storage::ReadOnlyStore& store, acme::TimePoint now) {
  return store.Counts(now);
}

}  // namespace signet::ca
