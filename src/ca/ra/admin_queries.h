// `signetd admin accounts|certificates|counts`: the operator's read-only
// views of the store, with their inputs checked (kMalformed for a bad one,
// kNotFound for an unknown --after cursor). Read-only: they take a
// ReadOnlyStore.
#pragma once

#include "base/result.h"
#include "storage/store.h"

namespace signet::ca {

// At most `limit` records, and whether more follow (continue after the last).
template <typename T>
struct AdminPage {
  std::vector<T> items;
  bool more = false;
};

// Accounts matching `query` (storage::AccountQuery; every set field must
// match). kMalformed for a limit outside 1..kAdminMaxLimit.
Result<AdminPage<acme::Account>> AdminFindAccounts(storage::ReadOnlyStore& store,
                                                   storage::AccountQuery query);

// Certificates matching `query`; the serial and the --after serial are
// taken as an operator types them (NormalizeSerial), the name in any case
// (a dns name or an IP address, as newOrder normalises it).
Result<AdminPage<storage::CertificateSummary>> AdminFindCertificates(
    storage::ReadOnlyStore& store, storage::CertificateQuery query);

Result<storage::StoreCounts> AdminCounts(storage::ReadOnlyStore& store, acme::TimePoint now);

}  // namespace signet::ca
