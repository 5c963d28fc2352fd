// The account label of dns-account-01 (draft-ietf-acme-dns-account-label):
// the TXT record is at _LABEL._acme-challenge.DOMAIN, with LABEL derived
// from the account URL. One definition for the CA's validator (ca/va) and
// the agent's solvers (client), so both compute the same name.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace signet::acme {

// "_" + base32(SHA-256(account_url)[0:10]) in lower case, without padding:
// 16 characters after the underscore, e.g. "_ujmmovf2vn55tgye".
std::string AccountScopedLabel(std::string_view account_url);

// RFC 4648 6 base32, lower-case alphabet, without padding.
std::string Base32Lower(std::string_view bytes);

}  // namespace signet::acme
