#include "services/hss/sqlite_subscriber_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/util/hex.h"

namespace simbind::hss {
namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/simbind-store-XXXXXX";
    dir_ = mkdtemp(tmpl);
    path_ = dir_ + "/hss.db";
    key_ = crypto::random_octets<32>();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<SqliteSubscriberStore> open(crypto::HeSqnPolicy policy = {}) {
    auto s = SqliteSubscriberStore::open(path_, key_, policy);
    EXPECT_TRUE(s) << (s ? "" : s.error().message);
    return s ? std::move(*s) : nullptr;
  }

  static Subscriber make(const std::string& imsi) {
    Subscriber s(Imsi::create(imsi).value());
    s.k = crypto::random_octets<16>();
    s.opc = crypto::random_octets<16>();
    s.profile.msisdn = "46700123456";
    return s;
  }

  std::string dir_, path_;
  crypto::MasterKey key_{};
};

TEST_F(SqliteStoreTest, when_subscriber_created_then_read_back_after_reopen_with_the_same_keys) {
  const Subscriber s = make("001010000000001");
  {
    auto store = open();
    ASSERT_TRUE(store->create(s));
    EXPECT_FALSE(store->create(s)) << "duplicate IMSI";
  }
  auto store = open();
  auto back = store->get(s.imsi);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->k, s.k);
  EXPECT_EQ(back->opc, s.opc);
  EXPECT_EQ(back->profile.msisdn, "46700123456");
  EXPECT_EQ(store->count().value(), 1u);
}

TEST_F(SqliteStoreTest, when_keys_are_at_rest_then_the_file_holds_no_plaintext_k) {
  const Subscriber s = make("001010000000002");
  open()->create(s);
  std::ifstream in(path_, std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ifstream wal(path_ + "-wal", std::ios::binary);
  content.append((std::istreambuf_iterator<char>(wal)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content.find(std::string(s.k.begin(), s.k.end())), std::string::npos);
  EXPECT_EQ(content.find(std::string(s.opc.begin(), s.opc.end())), std::string::npos);
}

TEST_F(SqliteStoreTest, when_opened_with_another_master_key_then_refused) {
  open()->create(make("001010000000003"));
  crypto::MasterKey other = key_;
  other[0] ^= 1;
  auto s = SqliteSubscriberStore::open(path_, other, {});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("another master key"), std::string::npos);
}

TEST_F(SqliteStoreTest, when_sealed_k_is_moved_to_another_row_then_it_does_not_open) {
  {
    auto store = open();
    store->create(make("001010000000004"));
    store->create(make("001010000000005"));
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "UPDATE subscribers SET k_sealed = (SELECT k_sealed FROM subscribers WHERE imsi = "
                         "'001010000000004') WHERE imsi = '001010000000005'",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = open();
  auto r = store->get(Imsi::create("001010000000005").value());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::verification_failed);
}

TEST_F(SqliteStoreTest, when_sqns_allocated_and_store_reopened_then_no_sqn_repeats) {
  const crypto::HeSqnPolicy policy{5, crypto::SeqScheme::counter, 8};
  const Subscriber s = make("001010000000006");
  std::uint64_t highest = 0;
  {
    auto store = open(policy);
    store->create(s);
    for (int i = 0; i < 5; ++i) {
      const auto sqns = store->allocate_sqns(s.imsi, 3).value();
      for (const auto& sqn : sqns) {
        EXPECT_GT(crypto::sqn_value(sqn), highest);
        highest = crypto::sqn_value(sqn);
      }
    }
  }  // like a crash: the in-memory state is gone, only the reservation survives
  auto store = open(policy);
  const auto next = store->allocate_sqns(s.imsi, 1).value();
  EXPECT_GT(crypto::sqn_value(next[0]), highest);
}

TEST_F(SqliteStoreTest, when_binding_established_then_kme_and_audit_are_stored_together) {
  const Subscriber s = make("001010000000007");
  auto store = open();
  store->create(s);
  const auto kme = crypto::generate_kme();
  ASSERT_TRUE(store->establish_binding(s.imsi, kme, KmeId{42}, "490154203237518",
                                       AuditEvent{0, 0, s.imsi.str(), "kme", "established", "test", ""}));
  auto back = open()->get(s.imsi).value();
  EXPECT_EQ(back.binding.state, BindingState::established);
  EXPECT_EQ(back.binding.kme, kme);
  EXPECT_EQ(back.binding.kme_id, KmeId{42});
  EXPECT_EQ(back.binding.bound_imei, "490154203237518");
  const auto events = store->audit_events(s.imsi.str(), 10).value();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event, "kme");
}

TEST_F(SqliteStoreTest, when_audit_rows_are_changed_or_deleted_then_sqlite_refuses) {
  auto store = open();
  ASSERT_TRUE(store->append_audit(AuditEvent{0, 0, "001010000000008", "x", "y", "z", ""}));
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "UPDATE audit SET decision = 'forged'", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM audit", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  EXPECT_EQ(store->audit_events("", 10).value().size(), 1u);
}

TEST_F(SqliteStoreTest, when_subscriber_is_unknown_then_not_found) {
  auto store = open();
  const auto imsi = Imsi::create("001019999999999").value();
  EXPECT_EQ(store->get(imsi).error().code, ErrorCode::not_found);
  EXPECT_EQ(store->allocate_sqns(imsi, 1).error().code, ErrorCode::not_found);
  EXPECT_EQ(store->remove(imsi).error().code, ErrorCode::not_found);
}

}  // namespace
}  // namespace simbind::hss
