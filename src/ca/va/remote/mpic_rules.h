// The rules of multi-perspective issuance corroboration (CA/B Forum Baseline
// Requirements 3.2.2.9, as in force from 2026-12-15): which regional
// internet registries a remote perspective may name, how many remotes a
// deployment needs, how many may disagree, and that the remotes which
// corroborate the primary fall within the service regions of at least two
// RIRs. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace signet::va::remote {

// BR 3.2.2.9 from 2026-12-15: at least 5 remote perspectives; the ones that
// corroborate the primary within the regions of at least 2 distinct RIRs.
inline constexpr size_t kMinRemotePerspectives = 5;
inline constexpr size_t kMinCorroboratingRirs = 2;

// The five RIRs, as a remote names them (--rir): "ARIN", "RIPE", "APNIC",
// "LACNIC", "AFRINIC".
const std::vector<std::string>& KnownRirs();
// The canonical name of `name` (any case; "RIPE NCC" is RIPE), or kMalformed
// naming the five.
Result<std::string> CanonicalRir(std::string_view name);

// BR 3.2.2.9 Quorum Requirements table: how many of `remotes` perspectives
// may not corroborate (1: none, 2-5: one, 6 or more: two).
size_t AllowedNonCorroborations(size_t remotes);

// The start-up check of a deployment: `configured` remotes, of which the
// ones that answered the primary's probe declared `declared_rirs`
// (canonical names, one per answering remote). kMalformed unless there are
// at least 5 remotes and the answers show at least 2 distinct RIRs; the
// detail says what is missing in one line.
Status CheckDeployment(size_t configured, const std::vector<std::string>& declared_rirs);

// The distinct RIRs among `rirs`, sorted; "" (unknown) is left out.
std::vector<std::string> DistinctRirs(const std::vector<std::string>& rirs);

// The RIR one remote has declared: the first answer's is learned, and an
// answer naming another is an error (a remote does not move between
// registries; one that seems to is misconfigured or not the remote we
// think). Thread-safe.
class DeclaredRirRecord {
 public:
  // Learns or checks `rir` (canonical) declared by `remote` (its URL).
  Status Record(const std::string& rir, const std::string& remote);
  // The RIR learned, "" before any answer.
  std::string rir() const;

 private:
  mutable std::mutex mu_;
  std::string rir_;  // GUARDED_BY(mu_)
};

}  // namespace signet::va::remote
