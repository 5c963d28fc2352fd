// certbot's --debug-challenges: after the challenges are set up, say so
// (with -v, what the CA will fetch or look up) and, on a terminal, wait
// for Enter before the CA is told to validate.
#pragma once

#include <memory>

#include "client/agent/output.h"
#include "client/solvers/solver.h"

namespace signet::client {

// Wraps `inner`; `interactive` decides whether it waits for Enter.
std::unique_ptr<Solver> PausingSolver(std::unique_ptr<Solver> inner, bool interactive,
                                      const Output& out);

}  // namespace signet::client
