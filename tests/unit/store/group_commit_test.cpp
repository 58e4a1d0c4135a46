#include "common/store/group_commit.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <memory>
#include <thread>

namespace simbind::store {
namespace {

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/simbind-group-commit-XXXXXX";
    dir_ = mkdtemp(tmpl);
    path_ = dir_ + "/t.db";
    auto db = Database::open(path_);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)"));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static GroupCommitter::Write insert(std::int64_t id, std::int64_t v) {
    return [id, v](Database& db) -> Result<void> {
      auto q = db.prepare("INSERT INTO t (id, v) VALUES (?, ?)");
      if (!q) return std::unexpected(q.error());
      return q->bind(1, id).bind(2, v).run();
    };
  }
  // What another connection sees: committed rows only.
  std::int64_t count_rows(const char* where = "1") {
    auto db = Database::open(path_);
    auto q = db->prepare(std::string("SELECT COUNT(*) FROM t WHERE ") + where);
    EXPECT_TRUE(q->step().value_or(false));
    return q->int64(0);
  }

  // Holds the committer inside a first write (which then runs `then`) until the returned promise is set, so that
  // writes submitted meanwhile queue behind it.
  static std::promise<void> hold(GroupCommitter& c, GroupCommitter::Write then) {
    std::promise<void> release;
    auto released = release.get_future().share();
    std::promise<void> running;
    auto started = running.get_future();
    c.submit(
        [released, then, running = std::make_shared<std::promise<void>>(std::move(running))](Database& db) {
          running->set_value();
          released.wait();
          return then(db);
        },
        [](const Result<void>&) {});
    started.wait();
    return release;
  }

  std::string dir_, path_;
};

TEST_F(GroupCommitTest, when_commit_returns_then_the_write_is_visible_to_another_connection) {
  auto c = GroupCommitter::open(path_);
  ASSERT_TRUE(c);
  ASSERT_TRUE((*c)->commit(insert(1, 10)));
  EXPECT_EQ(count_rows("id = 1 AND v = 10"), 1);
}

TEST_F(GroupCommitTest, when_writes_queue_behind_a_running_group_then_they_share_the_next_transaction) {
  auto c = GroupCommitter::open(path_);
  ASSERT_TRUE(c);
  // The first group holds the committer until 50 writes are queued behind it.
  auto release = hold(**c, insert(0, 0));
  std::atomic<int> ok{0};
  for (int i = 1; i <= 50; ++i) {
    (*c)->submit(insert(i, i), [&](const Result<void>& r) { ok += r ? 1 : 0; });
  }
  release.set_value();
  ASSERT_TRUE((*c)->commit(insert(51, 51)));  // queued after the 50, so it completes after them
  EXPECT_EQ(ok.load(), 50);
  EXPECT_EQ(count_rows(), 52);
  const auto stats = (*c)->stats();
  EXPECT_EQ(stats.writes, 52u);
  // Group 1 held the first write; the 50 (and possibly the last) went together.
  EXPECT_LE(stats.groups, 3u);
}

TEST_F(GroupCommitTest, when_one_write_of_a_group_fails_then_only_its_own_changes_are_undone) {
  auto c = GroupCommitter::open(path_);
  ASSERT_TRUE(c);
  auto release = hold(**c, [](Database&) -> Result<void> { return {}; });
  std::promise<Result<void>> good1, bad, good2;
  (*c)->submit(insert(1, 1), [&](const Result<void>& r) { good1.set_value(r); });
  // Writes one row, then fails on a duplicate key: the row it wrote must not survive.
  (*c)->submit(
      [](Database& db) -> Result<void> {
        if (auto r = insert(100, 7)(db); !r) return r;
        return insert(1, 2)(db);
      },
      [&](const Result<void>& r) { bad.set_value(r); });
  (*c)->submit(insert(2, 2), [&](const Result<void>& r) { good2.set_value(r); });
  release.set_value();
  EXPECT_TRUE(good1.get_future().get());
  const auto b = bad.get_future().get();
  EXPECT_FALSE(b);
  EXPECT_TRUE(good2.get_future().get());
  EXPECT_EQ(count_rows("id IN (1, 2) AND v = id"), 2);
  EXPECT_EQ(count_rows("id = 100"), 0) << "the failed write left a row behind";
}

TEST_F(GroupCommitTest, when_many_threads_commit_at_once_then_every_write_is_durable_exactly_once) {
  auto c = GroupCommitter::open(path_);
  ASSERT_TRUE(c);
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        if (!(*c)->commit(insert(t * 1000 + i, t))) ++failed;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(count_rows(), 800);
  EXPECT_EQ((*c)->stats().writes, 800u);
}

TEST_F(GroupCommitTest, when_destroyed_then_queued_writes_are_committed_first) {
  std::atomic<int> done{0};
  {
    auto c = GroupCommitter::open(path_);
    ASSERT_TRUE(c);
    for (int i = 0; i < 20; ++i) (*c)->submit(insert(i, i), [&](const Result<void>& r) { done += r ? 1 : 0; });
  }
  EXPECT_EQ(done.load(), 20);
  EXPECT_EQ(count_rows(), 20);
}

TEST_F(GroupCommitTest, when_the_database_is_not_writable_then_every_write_gets_the_error) {
  auto c = GroupCommitter::open(path_);
  ASSERT_TRUE(c);
  // The committer's own connection turned query_only: its writes now fail as on a read-only database.
  ASSERT_TRUE((*c)->commit([](Database& db) { return db.exec("PRAGMA query_only = 1"); }));
  const auto r = (*c)->commit(insert(1, 1));
  EXPECT_FALSE(r);
  EXPECT_EQ(count_rows(), 0);
}

}  // namespace
}  // namespace simbind::store
