// The HTTPS listener's certificate when the operator gives none
// (--tls-cert/--tls-key): a key of its own, DATA_DIR/listener.key (0600),
// and DATA_DIR/listener.pem, issued by the intermediate through the Signer
// (linted, with a CRL shard like any certificate) and recorded in the store
// as a certificate of the CA's own "listener" account (deactivated: it can
// do nothing over ACME). So it is listed by `signetd admin certificates`,
// revocable with `signetd admin revoke`, and then on its CRL shard. A start
// reuses it while it is for the same names, from the current intermediate,
// not revoked, and has more than a third of its life left; else it issues
// a new key and certificate.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "ca/signer/signer.h"
#include "pki/ca_hierarchy.h"
#include "storage/store.h"

namespace signet::app {

// Returns (chain PEM: leaf + intermediate, key PEM).
Result<std::pair<std::string, std::string>> ListenerCertificate(
    const std::string& data_dir, const std::vector<std::string>& names,
    const pki::CaHierarchy& hierarchy, const ca::Signer& signer, storage::Store& store);

}  // namespace signet::app
