// signetd's validation authority: the local VA, corroborated by the remote
// perspectives (CA/B Forum BR 3.2.2.9) as the configuration asks.
#pragma once

#include <memory>

#include "base/result.h"
#include "ca/va/va.h"
#include "config.h"

namespace signet::app {

// The local VA wrapped so the remotes of config.remote_vas corroborate it.
// At start-up every remote is probed for the RIR it declares; then, unless
// testing (--allow-loopback-validation) or --allow-incomplete-mpic, the
// deployment must meet BR 3.2.2.9 as of 2026-12-15 (at least 5 remotes,
// answers from at least 2 RIRs; va::remote::CheckDeployment), or this is a
// one-line kMalformed error and signetd does not start. A remote that does
// not answer the probe is only a warning while the others still show 2
// RIRs: the quorum copes with one remote down, so a start must too. With
// the rule relaxed, the corroborating remotes must span as many RIRs (up to
// 2) as the probe found, and no remotes at all is single-perspective
// validation. `local` must outlive the result.
Result<std::unique_ptr<va::ValidationAuthority>> MakeValidationAuthority(
    const CaConfig& config, va::ValidationAuthority& local);

}  // namespace signet::app
