#include "services/hss/sqlite_subscriber_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

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

TEST_F(SqliteStoreTest, when_many_are_created_at_once_then_existing_imsis_are_left_alone_and_the_rest_stored) {
  auto store = open();
  const Subscriber old = make("001010000000002");
  ASSERT_TRUE(store->create(old));
  Subscriber again = make("001010000000002");  // other keys: must not replace the stored ones
  const std::vector<Subscriber> batch{make("001010000000001"), again, make("001010000000003")};
  auto created = store->create_many(batch);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(*created, (std::vector<bool>{true, false, true}));
  EXPECT_EQ(store->count().value(), 3u);
  store.reset();
  store = open();
  EXPECT_EQ(store->get(old.imsi)->k, old.k) << "an existing subscriber was overwritten";
  EXPECT_EQ(store->get(batch[2].imsi)->opc, batch[2].opc);
}

TEST_F(SqliteStoreTest, when_one_of_many_cannot_be_stored_then_none_of_them_is) {
  auto store = open();
  ASSERT_TRUE(store->create(make("001010000000002")));
  // The third insert fails inside the transaction, after two others went in.
  auto other = store::Database::open(path_);
  ASSERT_TRUE(other->exec("CREATE TRIGGER refuse BEFORE INSERT ON subscribers WHEN NEW.imsi = '001010000000004' "
                          "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"));
  const std::vector<Subscriber> batch{make("001010000000001"), make("001010000000002"), make("001010000000003"),
                                      make("001010000000004"), make("001010000000005")};
  auto created = store->create_many(batch);
  ASSERT_FALSE(created);
  EXPECT_NE(created.error().message.find("refused by the test"), std::string::npos) << created.error().message;
  EXPECT_EQ(store->count().value(), 1u) << "part of a failed batch was stored";
  EXPECT_FALSE(store->get(batch[0].imsi)) << "part of a failed batch is served";
  ASSERT_TRUE(other->exec("DROP TRIGGER refuse"));
  created = store->create_many(batch);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(*created, (std::vector<bool>{true, false, true, true, true}));
  EXPECT_EQ(store->count().value(), 5u);
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

// What survives a crash: the reservation as another connection reads it from the file.
std::uint64_t durable_reservation(const std::string& path, const std::string& imsi) {
  auto db = store::Database::open(path);
  auto q = db->prepare("SELECT sqn_reserved FROM subscribers WHERE imsi = ?");
  q->bind(1, imsi);
  EXPECT_TRUE(q->step().value_or(false));
  return static_cast<std::uint64_t>(q->int64(0));
}

TEST_F(SqliteStoreTest, when_a_block_runs_low_then_the_next_is_reserved_ahead_and_no_sqn_leaves_above_the_durable_one) {
  const crypto::HeSqnPolicy policy{5, crypto::SeqScheme::counter, 10};
  const Subscriber s = make("001010000000016");
  auto store = open(policy);
  ASSERT_TRUE(store->create(s));
  for (int i = 0; i < 200; ++i) {
    const auto sqns = store->allocate_sqns(s.imsi, 1).value();
    const auto seq = crypto::split_sqn(crypto::sqn_value(sqns[0]), 5).seq;
    ASSERT_LE(seq, durable_reservation(path_, s.imsi.str())) << "an SQN left above the durable reservation";
  }
  // The last allocation may have started a reservation ahead that the committer has not written yet (it is
  // counted when submitted, committed_writes when written): give it up to 2 s to land.
  auto stats = store->write_stats();
  for (int i = 0; i < 200 && stats.reservations_waited + stats.reservations_ahead != stats.committed_writes; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    stats = store->write_stats();
  }
  // 200 SEQs in blocks of 10: the first AIR waited; after that, almost every block was reserved ahead. An AIR
  // that outruns the background write waits instead, so allow a few.
  EXPECT_GE(stats.reservations_waited, 1u);
  EXPECT_GE(stats.reservations_ahead, 15u);
  EXPECT_EQ(stats.reservations_waited + stats.reservations_ahead, stats.committed_writes);
}

TEST_F(SqliteStoreTest, when_the_reservation_ahead_cannot_commit_then_no_sqn_past_the_durable_block_is_handed_out) {
  const crypto::HeSqnPolicy policy{5, crypto::SeqScheme::counter, 10};
  const Subscriber s = make("001010000000017");
  auto store = open(policy);
  ASSERT_TRUE(store->create(s));
  ASSERT_TRUE(store->allocate_sqns(s.imsi, 1));  // SEQ 1 .. 10 durable
  // Another connection takes the write lock: the reservation ahead (SEQ up to 20) cannot commit meanwhile.
  auto blocker = store::Database::open(path_);
  ASSERT_TRUE(blocker->exec("BEGIN IMMEDIATE"));
  std::atomic<std::uint64_t> highest{0};
  std::thread air([&] {
    for (int i = 0; i < 14; ++i) {
      const auto sqns = store->allocate_sqns(s.imsi, 1);
      ASSERT_TRUE(sqns) << sqns.error().message;
      highest = crypto::split_sqn(crypto::sqn_value((*sqns)[0]), 5).seq;
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(highest.load(), 10u) << "SEQs past the durable block were handed out before their reservation committed";
  ASSERT_TRUE(blocker->exec("ROLLBACK"));
  air.join();
  EXPECT_EQ(highest.load(), 15u);
  EXPECT_GE(durable_reservation(path_, s.imsi.str()), 15u);
}

TEST_F(SqliteStoreTest, when_many_threads_take_sqns_for_many_subscribers_then_none_repeats_even_after_reopen) {
  const crypto::HeSqnPolicy policy{5, crypto::SeqScheme::counter, 4};
  std::vector<Subscriber> subs;
  for (int i = 0; i < 16; ++i) subs.push_back(make("0010100000010" + std::string(i < 10 ? "0" : "") + std::to_string(i)));
  std::map<std::string, std::set<std::uint64_t>> seen;
  std::mutex seen_mutex;
  {
    auto store = open(policy);
    for (const auto& s : subs) ASSERT_TRUE(store->create(s));
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 60; ++i) {
          const Subscriber& s = subs[static_cast<std::size_t>((t * 7 + i) % 16)];
          auto sqns = store->allocate_sqns(s.imsi, 2);
          ASSERT_TRUE(sqns);
          std::lock_guard lock(seen_mutex);
          for (const auto& q : *sqns) {
            EXPECT_TRUE(seen[s.imsi.str()].insert(crypto::sqn_value(q)).second) << "SQN handed out twice";
          }
        }
      });
    }
    for (auto& th : threads) th.join();
  }  // like a crash after the last answer: only what is durable survives
  auto store = open(policy);
  for (const auto& s : subs) {
    const auto next = store->allocate_sqns(s.imsi, 1).value();
    ASSERT_FALSE(seen[s.imsi.str()].empty());
    EXPECT_GT(crypto::sqn_value(next[0]), *seen[s.imsi.str()].rbegin()) << s.imsi.str();
  }
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

// The console merges the audit with simbind-ue's events by time; within one millisecond only microseconds order
// them, so the row keeps the time it was written in microseconds.
TEST_F(SqliteStoreTest, when_audit_rows_are_written_then_their_time_is_kept_in_microseconds) {
  auto store = open();
  using namespace std::chrono;
  const auto now_us = [] { return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count(); };
  const std::int64_t before = now_us();
  ASSERT_TRUE(store->append_audit(AuditEvent{0, 0, "001010000000009", "a", "first", "", ""}));
  ASSERT_TRUE(store->append_audit(AuditEvent{0, 0, "001010000000009", "b", "second", "", ""}));
  const std::int64_t after = now_us();
  ASSERT_TRUE(store->append_audit(AuditEvent{0, 1'700'000'000'123'456, "001010000000009", "c", "given", "", ""}));
  const auto events = store->audit_events("001010000000009", 10).value();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].time_us, 1'700'000'000'123'456) << "a time given by the writer is kept to the microsecond";
  EXPECT_GE(events[2].time_us, before);
  EXPECT_LE(events[1].time_us, after);
  EXPECT_LE(events[2].time_us, events[1].time_us);
  EXPECT_GT(events[2].time_us, 1'000'000'000'000'000) << "microseconds, not milliseconds";
}

// A reader that follows the log (simbind-console) asks for the rows after the last id it has, oldest first.
TEST_F(SqliteStoreTest, when_audit_rows_are_asked_for_after_an_id_then_the_later_ones_come_oldest_first) {
  auto store = open();
  for (int i = 0; i < 6; ++i) {
    const std::string imsi = i % 2 ? "001010000000011" : "001010000000012";
    ASSERT_TRUE(store->append_audit(AuditEvent{0, 0, imsi, "e", std::to_string(i), "", ""}));
  }
  const auto newest = store->audit_events("", 10).value();
  ASSERT_EQ(newest.size(), 6u);
  const std::int64_t first = newest.back().id;
  const auto after = store->audit_events("", 3, first + 1).value();
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after[0].id, first + 2);
  EXPECT_EQ(after[0].decision, "2");
  EXPECT_EQ(after[2].decision, "4");
  const auto one_imsi = store->audit_events("001010000000011", 10, first).value();
  ASSERT_EQ(one_imsi.size(), 3u);
  EXPECT_EQ(one_imsi[0].decision, "1");
  EXPECT_EQ(one_imsi[2].decision, "5");
  EXPECT_TRUE(store->audit_events("", 10, first + 5).value().empty());
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

// ----- APN configurations (schema 2) and the migration of a schema-1 database ---------------------------------

namespace simbind::hss {
namespace {

TEST_F(SqliteStoreTest, when_several_apns_are_stored_then_all_come_back_in_order_after_reopen) {
  Subscriber s = make("001010000000101");
  subscription::ApnConfig ims;
  ims.context_id = 5;
  ims.apn = "ims";
  ims.pdn_type = subscription::PdnType::ipv6;
  ims.qci = 5;
  ims.arp = {1, subscription::PreEmption::enabled, subscription::PreEmption::disabled};
  ims.ambr_ul = 1'000'000;
  ims.ambr_dl = 2'000'000;
  ims.static_ipv6_prefix = subscription::parse_ipv6_prefix("2001:db8:5::/64").value();
  s.profile.apns.front().static_ipv4 = Octets<4>{10, 46, 0, 9};
  s.profile.apns.push_back(ims);
  s.profile.default_context_id = 5;
  s.profile.status = subscription::SubscriberStatus::operator_determined_barring;
  s.profile.network_access_mode = subscription::NetworkAccessMode::packet_and_circuit;
  s.profile.access_restriction = 0x21;
  {
    auto store = open();
    ASSERT_TRUE(store->create(s));
  }
  auto store = open();
  auto back = store->get(s.imsi);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->profile, s.profile);
  auto listed = store->list(0, 10);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().profile, s.profile);
}

TEST_F(SqliteStoreTest, when_the_profile_is_updated_then_the_apn_list_is_replaced_and_delete_removes_it) {
  Subscriber s = make("001010000000102");
  s.profile.apns.push_back({2, "ims", subscription::PdnType::ipv6, 5, {}, 0, 0, std::nullopt, std::nullopt});
  auto store = open();
  ASSERT_TRUE(store->create(s));
  s.profile.apns.erase(s.profile.apns.begin());  // only ims is left, and becomes the default
  s.profile.default_context_id = 2;
  ASSERT_TRUE(store->update(s));
  store.reset();
  store = open();
  auto back = store->get(s.imsi);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->profile.apns.size(), 1u);
  EXPECT_EQ(back->profile.default_apn()->apn, "ims");
  ASSERT_TRUE(store->remove(s.imsi));
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM apn_configs", -1, &q, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(q, 0), 0) << "the APN rows went with the subscriber";
  sqlite3_finalize(q);
  sqlite3_close(db);
}

// A database as simbind-hss wrote it before APN configurations (schema 1: one APN in the subscribers row).
TEST_F(SqliteStoreTest, when_a_schema_1_database_is_opened_then_its_apn_becomes_the_default_configuration) {
  const Imsi imsi = Imsi::create("001010000000103").value();
  const auto k = crypto::random_octets<16>();
  const auto opc = crypto::random_octets<16>();
  auto seal = [&](const Octets<16>& v, const char* field) {
    const std::string ad = "simbind-hss:" + imsi.str() + ":" + field;
    return crypto::seal(key_, v, Bytes(ad.begin(), ad.end()));
  };
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    const char* v1 = R"sql(
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE subscribers (imsi TEXT PRIMARY KEY, k_sealed BLOB NOT NULL, opc_sealed BLOB NOT NULL,
        amf INTEGER NOT NULL, msisdn TEXT NOT NULL DEFAULT '', apn TEXT NOT NULL, ambr_ul INTEGER NOT NULL,
        ambr_dl INTEGER NOT NULL, qci INTEGER NOT NULL, arp_priority INTEGER NOT NULL, pdn_type INTEGER NOT NULL,
        network_access_mode INTEGER NOT NULL, access_restriction INTEGER NOT NULL,
        sqn_reserved INTEGER NOT NULL DEFAULT 0, sqn_next_ind INTEGER NOT NULL DEFAULT 0,
        binding_policy INTEGER NOT NULL DEFAULT 0, binding_state INTEGER NOT NULL DEFAULT 0, kme_sealed BLOB,
        kme_id INTEGER, bound_imei TEXT NOT NULL DEFAULT '', authorized_imei TEXT NOT NULL DEFAULT '',
        failure_reports INTEGER NOT NULL DEFAULT 0, mme_host TEXT NOT NULL DEFAULT '',
        mme_realm TEXT NOT NULL DEFAULT '', last_imei TEXT NOT NULL DEFAULT '', purged INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, time_ms INTEGER NOT NULL, imsi TEXT NOT NULL,
        event TEXT NOT NULL, decision TEXT NOT NULL, reason TEXT NOT NULL, imei TEXT NOT NULL DEFAULT '');)sql";
    ASSERT_EQ(sqlite3_exec(db, v1, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    ASSERT_EQ(sqlite3_exec(db,
                           "INSERT INTO audit (time_ms, imsi, event, decision, reason) "
                           "VALUES (1700000000123, '001010000000042', 'air', 'regular', 'old')",
                           nullptr, nullptr, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db);
    sqlite3_stmt* q = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db,
                                 "INSERT INTO subscribers (imsi, k_sealed, opc_sealed, amf, msisdn, apn, ambr_ul, "
                                 "ambr_dl, qci, arp_priority, pdn_type, network_access_mode, access_restriction, "
                                 "sqn_reserved) VALUES (?, ?, ?, 32768, '4670001', 'corp', 1000, 2000, 7, 3, 0, 2, 4, 96)",
                                 -1, &q, nullptr),
              SQLITE_OK);
    const Bytes ks = seal(k, "k"), os = seal(opc, "opc");
    sqlite3_bind_text(q, 1, imsi.str().c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob(q, 2, ks.data(), static_cast<int>(ks.size()), SQLITE_TRANSIENT);
    sqlite3_bind_blob(q, 3, os.data(), static_cast<int>(os.size()), SQLITE_TRANSIENT);
    ASSERT_EQ(sqlite3_step(q), SQLITE_DONE) << sqlite3_errmsg(db);
    sqlite3_finalize(q);
    sqlite3_close(db);
  }
  auto store = open();
  ASSERT_TRUE(store);
  auto s = store->get(imsi);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->k, k);
  EXPECT_EQ(s->profile.msisdn, "4670001");
  EXPECT_EQ(s->profile.ue_ambr_ul, 1000u);
  EXPECT_EQ(s->profile.ue_ambr_dl, 2000u);
  EXPECT_EQ(s->profile.access_restriction, 4u);
  EXPECT_EQ(s->profile.status, subscription::SubscriberStatus::service_granted);
  ASSERT_EQ(s->profile.apns.size(), 1u);
  const subscription::ApnConfig* d = s->profile.default_apn();
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->apn, "corp");
  EXPECT_EQ(d->pdn_type, subscription::PdnType::ipv4) << "the stored PDN type is kept, not the new default";
  EXPECT_EQ(d->qci, 7);
  EXPECT_EQ(d->arp.priority_level, 3u);
  EXPECT_EQ(d->arp.capability, subscription::PreEmption::disabled);
  EXPECT_EQ(d->arp.vulnerability, subscription::PreEmption::enabled);
  EXPECT_TRUE(subscription::check(s->profile));
  // The audit gained time_us: an older row reads as its millisecond, a new row has its microsecond.
  ASSERT_TRUE(store->append_audit(AuditEvent{0, 0, "001010000000042", "air", "regular", "new", ""}));
  const auto audit = store->audit_events("001010000000042", 10).value();
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[1].time_us, 1'700'000'000'123'000);
  EXPECT_GT(audit[0].time_us, audit[1].time_us);
  // Opening again migrates nothing twice.
  store.reset();
  store = open();
  EXPECT_EQ(store->get(imsi)->profile.apns.size(), 1u);
}

// A schema-1 binary run against a migrated database writes rows without APN configurations (it knows only the
// subscribers row); they read back as their single mirrored APN.
TEST_F(SqliteStoreTest, when_a_row_has_no_apn_configuration_then_its_mirrored_apn_is_the_default) {
  Subscriber s = make("001010000000104");
  s.profile.apns.front().apn = "corp";
  s.profile.apns.front().pdn_type = subscription::PdnType::ipv4;
  s.profile.apns.front().qci = 6;
  {
    auto store = open();
    ASSERT_TRUE(store->create(s));
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DELETE FROM apn_configs", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto store = open();
  auto back = store->get(s.imsi);
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_EQ(back->profile.apns.size(), 1u);
  EXPECT_EQ(back->profile.default_apn()->apn, "corp");
  EXPECT_EQ(back->profile.default_apn()->pdn_type, subscription::PdnType::ipv4);
  EXPECT_EQ(back->profile.default_apn()->qci, 6);
}

}  // namespace
}  // namespace simbind::hss
