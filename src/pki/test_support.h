// Helpers shared by the pki tests (test-only; not linked into signet_pki).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

#include <openssl/core_names.h>

#include "crypto/digest.h"
#include "crypto/key.h"
#include "crypto/ossl.h"

namespace signet::pki::testing_support {

// A fresh directory path under the test temp dir, removed on destruction.
// The directory itself is not created, so code under test can create it.
class ScopedTempDir {
 public:
  ScopedTempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::path(::testing::TempDir()) /
            ("signet_pki_" + std::to_string(::getpid()) + "_" +
             std::to_string(counter++) + "_" + crypto::HexEncode(crypto::RandomBytes(4)));
  }
  ~ScopedTempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Verifies leaf -> intermediate -> root for TLS server use (and `host` when
// given). Returns "" on success, else OpenSSL's reason.
inline std::string VerifyChain(X509* root, X509* intermediate, X509* leaf,
                               const char* host = nullptr) {
  crypto::X509StorePtr store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), root);
  crypto::X509StackPtr untrusted(sk_X509_new_null());
  X509_up_ref(intermediate);
  sk_X509_push(untrusted.get(), intermediate);
  crypto::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (X509_STORE_CTX_init(ctx.get(), store.get(), leaf, untrusted.get()) != 1)
    return "cannot init store ctx";
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
  if (host) X509_VERIFY_PARAM_set1_host(X509_STORE_CTX_get0_param(ctx.get()), host, 0);
  if (X509_verify_cert(ctx.get()) != 1)
    return X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
  if (sk_X509_num(X509_STORE_CTX_get0_chain(ctx.get())) != 3) return "chain is not 3 long";
  return "";
}

// The same EC key, set to encode its point compressed (OpenSSL keeps that
// form when it re-encodes a key read from it).
inline crypto::Key WithCompressedPoint(const crypto::Key& key) {
  crypto::PkeyPtr dup(EVP_PKEY_dup(key.get()));
  EXPECT_EQ(EVP_PKEY_set_utf8_string_param(dup.get(), OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                           OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_COMPRESSED),
            1);
  return crypto::Key(std::move(dup));
}

}  // namespace signet::pki::testing_support
