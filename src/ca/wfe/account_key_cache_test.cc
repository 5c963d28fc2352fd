#include "ca/wfe/account_key_cache.h"

#include <gtest/gtest.h>

namespace signet::ca {
namespace {

TEST(AccountKeyCache, FindsWhatWasInsertedAndForgetsTheOldest) {
  AccountKeyCache cache(2);
  auto a = crypto::Key::Generate(crypto::KeyType::kEcP256);
  auto b = crypto::Key::Generate(crypto::KeyType::kEcP256);
  auto c = crypto::Key::Generate(crypto::KeyType::kEcP256);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_FALSE(cache.Find("a").has_value());
  cache.Insert("a", *a);
  cache.Insert("b", *b);
  ASSERT_TRUE(cache.Find("a").has_value());
  EXPECT_TRUE(cache.Find("a")->SamePublicKey(*a));
  cache.Insert("c", *c);
  EXPECT_FALSE(cache.Find("a").has_value()) << "capacity 2: the oldest goes";
  EXPECT_TRUE(cache.Find("b")->SamePublicKey(*b));
  EXPECT_TRUE(cache.Find("c")->SamePublicKey(*c));
}

TEST(AccountKeyCache, ErasedKeysAreForgottenAndCanComeBack) {
  AccountKeyCache cache(2);
  auto a = crypto::Key::Generate(crypto::KeyType::kEcP256);
  auto b = crypto::Key::Generate(crypto::KeyType::kEcP256);
  ASSERT_TRUE(a.ok() && b.ok());
  cache.Insert("a", *a);
  cache.Insert("b", *b);
  cache.Erase("a");
  EXPECT_FALSE(cache.Find("a").has_value());
  EXPECT_TRUE(cache.Find("b").has_value());
  cache.Erase("missing");  // harmless
  cache.Insert("a", *a);
  ASSERT_TRUE(cache.Find("a").has_value());
  EXPECT_TRUE(cache.Find("a")->SamePublicKey(*a));
}

}  // namespace
}  // namespace signet::ca
