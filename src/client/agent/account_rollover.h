// update_account --new-key: account key rollover (RFC 8555 7.3.5), what
// uacme's `newkey` does, kept in certbot's account files.
#pragma once

#include "base/result.h"
#include "client/agent/agent_options.h"
#include "client/agent/output.h"
#include "crypto/key.h"

namespace signet::client {

// Rolls the account's key over and moves the account on disk to its new
// certbot id (accounts/SERVER/NEW_ID/, the renewal confs' `account`), so
// certbot keeps using it. The new key is on disk before the CA is asked and
// the old one stays until the CA has accepted; a refusal (409 key in use,
// badPublicKey, ...) leaves everything as it was and is printed. A key staged
// by a run that died before the end is first finished (the CA has it) or
// discarded (it does not). Returns the exit status.
int RollOverAccountKey(const AgentOptions& options, const Output& out);

// The new key: --new-key-type, --new-rsa-key-size and --new-elliptic-curve,
// each defaulting to what `current` is (RSA 2048 / P-256 when it gives none).
Result<crypto::Key> NewAccountKey(const AgentOptions& options, const crypto::Key& current);

}  // namespace signet::client
