// The operator view: one read-only HTML page on the operator listener
// (GET /) with the recent validations (failures with their problem),
// issuances, revocations and rate-limit refusals, the CRL shards and their
// age, and the metrics of the last hour as small plots. Server-rendered, no
// script; every value from a client or the store is escaped (identifiers and
// problem details are chosen by ACME clients).
//
// RenderPage is a pure function of its data, so tests check the page
// without a server.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "acme/objects.h"
#include "ca/operator_view/metric_history.h"
#include "ca/operator_view/recent_activity.h"
#include "storage/admin_types.h"

namespace signet::ca::operator_view {

// One CRL shard as the publisher holds it now (RFC 5280 5).
struct CrlShardStatus {
  int shard = 0;
  bool published = false;  // false: no CRL yet; the fields below are unset
  int64_t number = 0;      // cRLNumber
  acme::TimePoint this_update;
  acme::TimePoint next_update;
  size_t entries = 0;
};

struct PageData {
  std::string version;
  acme::TimePoint now;
  Activity activity;
  // The store's latest revocations (any process's), the latest first, or
  // why they could not be read.
  std::vector<storage::CertificateSummary> revocations;
  std::string revocations_error;
  std::vector<CrlShardStatus> crl_shards;
  std::vector<Series> series;
  std::chrono::seconds plot_window = std::chrono::hours(1);
  int refresh_seconds = 30;  // the page reloads itself this often (0: never)
};

std::string RenderPage(const PageData& data);

// The Content-Security-Policy the page is served with: nothing but inline
// styles and inline SVG, so even an escaping mistake cannot run a script.
inline constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'";

}  // namespace signet::ca::operator_view
