// signet-bench's engine: runs a BenchConfig's workload against an ACME
// server and returns what it measured. One thread: the HTTP client, the
// HTTP-01 responder and every order are coroutines on one io_context, so
// the generator costs a fraction of the server it drives (it reports its
// own CPU so that this can be checked).
//
// Phases: load the directory and register A accounts (setup, timed apart),
// then C workers each run orders back to back until N orders have started
// or D seconds have passed; the server's CPU and RSS, and ours, are read
// from /proc around that order phase, and its RSS sampled every 100 ms.
#pragma once

#include "base/result.h"
#include "bench/bench_config.h"
#include "bench/report.h"

namespace signet::bench {

// Errors only for a run that could not start or set up (no directory, no
// accounts, responder port taken, no such server PID); failed orders are in
// the report.
Result<BenchReport> RunBench(const BenchConfig& config);

}  // namespace signet::bench
