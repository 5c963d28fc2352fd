// `signetd remote-va`: a remote validation perspective (BR 3.2.2.9). It
// validates from its own network with its own resolver, and answers only the
// primary, authenticated by mutual TLS.
#pragma once

#include "config.h"

namespace signet::app {

// Runs until SIGINT/SIGTERM; returns the exit status.
int ServeRemoteVa(const CaConfig& config);

}  // namespace signet::app
