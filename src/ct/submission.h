// What a log checks and derives from an add-chain or add-pre-chain request
// (RFC 6962 4.1, 4.2): the chain must verify to one of the accepted roots,
// a precertificate must carry the critical poison extension (3.1) and a
// certificate must not. The result is the signed_entry and extra_data the
// log stores. Untrusted input throughout: every failure is a kMalformed
// Error whose detail says what is wrong.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "crypto/ossl.h"
#include "ct/structs.h"

namespace signet::ct {

// The roots a log accepts. Immutable after construction; thread-safe.
class RootSet {
 public:
  // A PEM bundle of one or more CA certificates.
  static Result<RootSet> FromPem(std::string_view pem);
  const std::vector<std::string>& ders() const { return ders_; }
  X509_STORE* store() const { return store_.get(); }

 private:
  std::vector<std::string> ders_;
  std::shared_ptr<X509_STORE> store_;
};

struct Submission {
  SignedEntry entry;
  std::string extra_data;            // RFC 6962 4.6, with the verified chain up to the root
  std::vector<std::string> issuers;  // that chain's certificates (DER), issuer first
  int64_t not_after_s = 0;  // the submitted certificate's notAfter, seconds since the epoch
  // SHA-256 of the encoded signed_entry: a resubmission has the same one.
  std::string identity;
};

inline constexpr size_t kMaxChainLength = 10;

// Parses {"chain": [base64 DER, ...]} (leaf first) and checks it.
// `precert`: the request came to add-pre-chain.
Result<Submission> ParseSubmission(std::string_view body, bool precert, const RootSet& roots);

}  // namespace signet::ct
