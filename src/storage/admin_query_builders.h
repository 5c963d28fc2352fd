// Test-only: AccountQuery and CertificateQuery built one filter at a time,
// e.g. Accounts().Contact("ops@").Limit(1).
#pragma once

#include <string>

#include "storage/admin_types.h"

namespace signet::storage {

struct Accounts : AccountQuery {
  Accounts& Id(std::string v) { id = std::move(v); return *this; }
  Accounts& Contact(std::string v) { contact_substring = std::move(v); return *this; }
  Accounts& Thumbprint(std::string v) { thumbprint = std::move(v); return *this; }
  Accounts& After(std::string v) { after_id = std::move(v); return *this; }
  Accounts& Limit(size_t n) { limit = n; return *this; }
};

struct Certificates : CertificateQuery {
  Certificates& Serial(std::string v) { serial = std::move(v); return *this; }
  Certificates& Name(std::string v) { name = std::move(v); return *this; }
  Certificates& Account(std::string v) { account_id = std::move(v); return *this; }
  Certificates& After(std::string v) { after_serial = std::move(v); return *this; }
  Certificates& Limit(size_t n) { limit = n; return *this; }
};

}  // namespace signet::storage
