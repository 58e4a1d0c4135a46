// The key directory's store and entry checks: register/get, idempotent re-registration, no silent key swap,
// persistence across reopening, and the validation of IMEI, scheme and public key.
#include "services/keydir/sqlite_device_key_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "common/util/hex.h"

namespace simbind::keydir {
namespace {

using crypto::KeyWrapScheme;

class DeviceKeyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/simbind-keydir-XXXXXX";
    dir_ = mkdtemp(tmpl);
    path_ = dir_ + "/keydir.db";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<SqliteDeviceKeyStore> open() {
    auto s = SqliteDeviceKeyStore::open(path_);
    EXPECT_TRUE(s) << (s ? "" : s.error().message);
    return s ? std::move(*s) : nullptr;
  }

  static DeviceKey entry(const char* imei, KeyWrapScheme scheme, std::int64_t time_ms = 1'700'000'000'000) {
    const auto pair = crypto::generate_device_key_pair(scheme).value();
    auto key = make_device_key(imei, static_cast<std::uint32_t>(scheme), pair.public_key, time_ms);
    EXPECT_TRUE(key) << key.error().message;
    return *key;
  }

  std::string dir_, path_;
};

TEST_F(DeviceKeyStoreTest, when_a_key_is_registered_then_get_returns_it_and_it_survives_reopening) {
  const DeviceKey a = entry("35693803564380", KeyWrapScheme::ecies_profile_a);
  const DeviceKey r = entry("490154203237518", KeyWrapScheme::rsa_oaep_sha256, 1'700'000'000'123);
  {
    auto store = open();
    ASSERT_TRUE(store);
    EXPECT_EQ(store->register_device(a).value().outcome, RegisterOutcome::created);
    EXPECT_EQ(store->register_device(r).value().outcome, RegisterOutcome::created);
  }
  auto store = open();
  ASSERT_TRUE(store);
  const auto got = store->get(Imei::create("356938035643809").value());
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->scheme, KeyWrapScheme::ecies_profile_a);
  EXPECT_EQ(got->public_key, a.public_key);
  EXPECT_EQ(got->fingerprint, a.fingerprint);
  EXPECT_EQ(got->registered_unix_ms, 1'700'000'000'000);
  const auto rsa = store->get(r.imei).value();
  EXPECT_EQ(rsa.public_key, r.public_key);
  EXPECT_EQ(rsa.registered_unix_ms, 1'700'000'000'123);
}

TEST_F(DeviceKeyStoreTest, when_the_imei_is_unknown_then_not_found_names_it) {
  auto store = open();
  const auto got = store->get(Imei::create("35693803564380").value());
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::not_found);
  EXPECT_EQ(got.error().message, "no key for IMEI 356938035643809");
}

TEST_F(DeviceKeyStoreTest, when_registered_again_then_the_same_key_is_a_no_op_and_another_key_a_conflict) {
  auto store = open();
  const DeviceKey first = entry("35693803564380", KeyWrapScheme::ecies_profile_b, 1000);
  ASSERT_EQ(store->register_device(first).value().outcome, RegisterOutcome::created);

  DeviceKey same = first;
  same.registered_unix_ms = 2000;
  const auto again = store->register_device(same).value();
  EXPECT_EQ(again.outcome, RegisterOutcome::already_registered);
  EXPECT_EQ(again.stored.registered_unix_ms, 1000) << "the first registration time stays";

  const auto other = store->register_device(entry("35693803564380", KeyWrapScheme::ecies_profile_b, 3000)).value();
  EXPECT_EQ(other.outcome, RegisterOutcome::conflict);
  EXPECT_EQ(other.stored.public_key, first.public_key);

  // The same octets under another scheme are another registration too.
  DeviceKey other_scheme = first;
  other_scheme.scheme = KeyWrapScheme::ecies_profile_a;
  EXPECT_EQ(store->register_device(other_scheme).value().outcome, RegisterOutcome::conflict);

  EXPECT_EQ(store->get(first.imei).value().public_key, first.public_key);
  EXPECT_EQ(store->get(first.imei).value().scheme, KeyWrapScheme::ecies_profile_b);
}

TEST(DeviceKey, when_the_entry_is_valid_then_imei_has_15_digits_and_the_fingerprint_is_sha256_hex) {
  // SHA-256("abc") from FIPS 180-2.
  const Bytes abc{'a', 'b', 'c'};
  EXPECT_EQ(key_fingerprint(abc), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  const auto pair = crypto::generate_device_key_pair(KeyWrapScheme::ecies_profile_a).value();
  const auto key = make_device_key("35693803564380", 1, pair.public_key, 42);
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(key->imei.str(), "356938035643809");
  EXPECT_EQ(key->fingerprint, key_fingerprint(pair.public_key));
  EXPECT_EQ(key->fingerprint.size(), 64u);
  EXPECT_EQ(key->registered_unix_ms, 42);
}

TEST(DeviceKey, when_a_field_is_malformed_then_the_error_names_it) {
  const auto x25519 = crypto::generate_device_key_pair(KeyWrapScheme::ecies_profile_a).value().public_key;
  const auto p256 = crypto::generate_device_key_pair(KeyWrapScheme::ecies_profile_b).value().public_key;
  auto message = [](const Result<DeviceKey>& r) { return r ? std::string("(no error)") : r.error().message; };

  EXPECT_EQ(message(make_device_key("356938035643808", 1, x25519, 0)).rfind("imei: ", 0), 0u);  // bad Luhn digit
  EXPECT_EQ(message(make_device_key("3569380356438", 1, x25519, 0)).rfind("imei: ", 0), 0u);
  EXPECT_EQ(message(make_device_key("35693803564380", 0, x25519, 0)).rfind("scheme: ", 0), 0u);
  EXPECT_EQ(message(make_device_key("35693803564380", 4, x25519, 0)).rfind("scheme: ", 0), 0u);
  EXPECT_EQ(message(make_device_key("35693803564380", 1, {}, 0)), "public_key: is empty");
  EXPECT_EQ(message(make_device_key("35693803564380", 2, x25519, 0)).rfind("public_key: not a valid ecies-b", 0), 0u);
  EXPECT_EQ(message(make_device_key("35693803564380", 1, p256, 0)).rfind("public_key: not a valid ecies-a", 0), 0u);
  EXPECT_EQ(message(make_device_key("35693803564380", 3, p256, 0)).rfind("public_key: not a valid rsa-oaep", 0), 0u);
  Bytes off_curve(65, 0);
  off_curve[0] = 0x04;
  off_curve[64] = 1;
  EXPECT_EQ(message(make_device_key("35693803564380", 2, off_curve, 0)).rfind("public_key: ", 0), 0u);
  EXPECT_TRUE(make_device_key("35693803564380", 2, p256, 0));
}

}  // namespace
}  // namespace simbind::keydir
