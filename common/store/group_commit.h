// Group commit: durable writes from many threads share one transaction and one fsync.
//
// Each write runs on the committer's own connection, inside a savepoint of the group's transaction, so a write
// that fails leaves nothing behind while the others in its group still commit. A caller learns the outcome of
// its write only once the whole group is durable (WAL, synchronous=FULL). Writes that arrive while a group is
// syncing form the next group: N concurrent writers cost about one fsync, not N in a row, and no thread blocks
// another's reads (the committer does not use the caller's connection).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/store/sqlite.h"

namespace simbind::store {

class GroupCommitter {
 public:
  // Runs inside the group's transaction. It must not wait for anything a caller of commit() may hold.
  using Write = std::function<Result<void>(Database&)>;
  // Called on the committer's thread once the group is durable (or has failed); the same rule applies.
  using Done = std::function<void(const Result<void>&)>;

  // Opens a second connection to the database at `path` (which must exist in WAL mode, as Database::open makes
  // it) and starts the committing thread.
  static Result<std::unique_ptr<GroupCommitter>> open(const std::string& path);
  // Commits everything already queued, then stops.
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Queues `write` for the next group and waits until that group is durable: the write's own error, or the
  // group's commit error, or success.
  Result<void> commit(Write write);
  // Queues `write` without waiting; `done` receives its outcome.
  void submit(Write write, Done done);

  struct Stats {
    std::uint64_t groups = 0;  // transactions committed (or attempted)
    std::uint64_t writes = 0;  // writes they carried
  };
  Stats stats() const;

 private:
  struct Pending {
    Write write;
    Done done;
  };
  explicit GroupCommitter(Database db);
  void run();
  // One group in one transaction; the outcome of each write, in order.
  std::vector<Result<void>> commit_group(std::vector<Pending>& group);

  Database db_;  // used by the committing thread only
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Pending> queue_;
  bool stopping_ = false;
  Stats stats_;
  std::thread thread_;
};

}  // namespace simbind::store
