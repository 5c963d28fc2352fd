// The request bodies and names one benchmark order needs (RFC 8555 7.3-7.4,
// 8.1, 8.3), as pure functions over the project's JOSE and PKI pieces, so
// the asynchronous driver only moves bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "base/result.h"
#include "crypto/key.h"

namespace signet::bench {

// An ACME account as the generator holds it: the key, its public JWK and
// thumbprint computed once, and the account URL ("kid") once registered.
struct BenchAccount {
  crypto::Key key;
  boost::json::object jwk;
  std::string thumbprint;
  std::string kid;  // "" until newAccount answered
};

// Generates a P-256 account key and fills jwk and thumbprint.
Result<BenchAccount> NewBenchAccount();

// A flattened JWS (RFC 8555 6.2) over `payload` for `url` with `nonce`,
// identified by kid once the account has one, else by jwk (newAccount).
Result<std::string> SignRequest(const BenchAccount& account, std::string_view nonce,
                                std::string_view url, std::string_view payload);

// {"termsOfServiceAgreed":true}
std::string NewAccountPayload();
// {"identifiers":[{"type":"dns","value":NAME},...]}
std::string NewOrderPayload(const std::vector<std::string>& names);
// {"csr":BASE64URL(DER)}
std::string FinalizePayload(std::string_view csr_der);

// RFC 8555 8.1: token "." thumbprint.
std::string KeyAuthorization(std::string_view token, std::string_view thumbprint);

// A fresh name per order so that no authorization is ever reused:
// "o<index>-<tag>.bench.test", or "o<index>n<k>-<tag>.bench.test" for the
// k-th (k > 0) name of a multi-name order. `tag` is random per run.
std::string OrderName(int64_t order_index, int name_index, std::string_view tag);

// A random lower-case hex string of `chars` characters.
std::string RandomTag(int chars);

}  // namespace signet::bench
