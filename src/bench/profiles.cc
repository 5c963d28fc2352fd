#include "bench/profiles.h"

#include <array>
#include <string>

namespace signet::bench {
namespace {

using std::chrono::milliseconds;

// What every profile starts from: the bench's defaults for the settings a
// profile bundles, so a profile names the whole behaviour, not a delta.
void Baseline(BenchConfig& c) {
  const BenchConfig defaults;
  c.keep_alive = true;
  c.challenge = ChallengeKind::kHttp01;
  c.caa = false;
  c.account_per_order = false;
  c.poll_initial = defaults.poll_initial;
  c.poll_max = defaults.poll_max;
  c.retry_after_max = defaults.retry_after_max;
}

void KeepAlive(BenchConfig& c) { Baseline(c); }

void KeepAlivePoll1s(BenchConfig& c) {
  Baseline(c);
  c.poll_initial = milliseconds(1000);
  c.poll_max = milliseconds(1000);
  c.retry_after_max = milliseconds(60000);
}

void PerRequest(BenchConfig& c) {
  Baseline(c);
  c.keep_alive = false;
}

void Dns01(BenchConfig& c) {
  Baseline(c);
  c.challenge = ChallengeKind::kDns01;
}

void Dns01Caa(BenchConfig& c) {
  Dns01(c);
  c.caa = true;
}

void FreshAccount(BenchConfig& c) {
  Baseline(c);
  c.account_per_order = true;
}

constexpr std::array<ProfileInfo, 6> kProfiles = {{
    {"keepalive", "kept-alive shared connections, HTTP-01, shared accounts, 25 ms polling",
     KeepAlive},
    {"keepalive-poll1s", "as keepalive, polling every 1 s, Retry-After honoured (lego, certbot)",
     KeepAlivePoll1s},
    {"per-request", "a new TCP+TLS connection per request (uacme, curl scripts)", PerRequest},
    {"dns01", "as keepalive, DNS-01 through the mock DNS, no CAA record", Dns01},
    {"dns01-caa", "as dns01, a CAA record permitting the CA one label up", Dns01Caa},
    {"fresh-account", "as keepalive, a new account per order", FreshAccount},
}};

}  // namespace

std::span<const ProfileInfo> Profiles() { return kProfiles; }

Status ApplyProfile(std::string_view name, BenchConfig& config) {
  for (const ProfileInfo& p : kProfiles) {
    if (p.name != name) continue;
    p.apply(config);
    config.profile = std::string(name);
    return OkStatus();
  }
  std::string known;
  for (const ProfileInfo& p : kProfiles) known += (known.empty() ? "" : ", ") + std::string(p.name);
  return Error(ErrorCode::kMalformed,
               "unknown profile '" + std::string(name) + "': use one of " + known);
}

}  // namespace signet::bench
