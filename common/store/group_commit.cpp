#include "common/store/group_commit.h"

#include <future>
#include <utility>

namespace simbind::store {

Result<std::unique_ptr<GroupCommitter>> GroupCommitter::open(const std::string& path) {
  auto db = Database::open(path);
  if (!db) return std::unexpected(db.error());
  return std::unique_ptr<GroupCommitter>(new GroupCommitter(std::move(*db)));
}

GroupCommitter::GroupCommitter(Database db) : db_(std::move(db)) {
  thread_ = std::thread([this] { run(); });
}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

Result<void> GroupCommitter::commit(Write write) {
  std::promise<Result<void>> outcome;
  auto future = outcome.get_future();
  submit(std::move(write), [&outcome](const Result<void>& r) { outcome.set_value(r); });
  return future.get();
}

void GroupCommitter::submit(Write write, Done done) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(Pending{std::move(write), std::move(done)});
  }
  wake_.notify_one();
}

GroupCommitter::Stats GroupCommitter::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void GroupCommitter::run() {
  std::vector<Pending> group;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to commit
      group.swap(queue_);
      ++stats_.groups;
      stats_.writes += group.size();
    }
    const auto outcomes = commit_group(group);
    for (std::size_t i = 0; i < group.size(); ++i) group[i].done(outcomes[i]);
    group.clear();
  }
}

std::vector<Result<void>> GroupCommitter::commit_group(std::vector<Pending>& group) {
  auto tx = Transaction::begin(db_);
  if (!tx) return std::vector<Result<void>>(group.size(), std::unexpected(tx.error()));
  std::vector<Result<void>> outcomes;
  outcomes.reserve(group.size());
  for (auto& p : group) {
    if (auto s = db_.run_cached("SAVEPOINT write"); !s) {
      outcomes.push_back(std::unexpected(s.error()));
      continue;
    }
    auto r = p.write(db_);
    // A failed write is undone alone; the group goes on.
    if (!r) (void)db_.run_cached("ROLLBACK TO write");
    (void)db_.run_cached("RELEASE write");
    outcomes.push_back(std::move(r));
  }
  if (auto c = tx->commit(); !c) {
    // Nothing of the group is durable (the transaction rolls back): every write reports the commit's error.
    for (auto& o : outcomes) {
      if (o) o = std::unexpected(Error{c.error().code, "commit failed: " + c.error().message});
    }
  }
  return outcomes;
}

}  // namespace simbind::store
