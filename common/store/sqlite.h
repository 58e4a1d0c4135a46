// RAII over sqlite3: a database connection, prepared statements, and transactions that roll back unless
// committed (so an error path never leaves half-written state).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/util/bytes.h"
#include "common/util/error.h"

namespace simbind::store {

// How a Statement lets go of its sqlite3_stmt: a statement of its own is finalized; one lent by the connection's
// cache is reset (which ends any read transaction it kept open) and handed back. (Outside Statement so that it is
// a complete type where unique_ptr needs it.)
struct StatementRelease {
  bool* cached_in_use = nullptr;
  void operator()(sqlite3_stmt* s) const;
};

class Statement {
 public:
  Statement() = default;
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, ByteView blob);
  Statement& bind_null(int index);
  template <typename T>
  Statement& bind(int index, const std::optional<T>& v) {
    return v ? bind(index, *v) : bind_null(index);
  }

  // One step: true when a row is available, false when done.
  Result<bool> step();
  // Runs to completion (for statements that return no rows).
  Result<void> run();
  void reset();

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  std::string text(int column) const;
  Bytes blob(int column) const;

 private:
  friend class Database;
  Statement(sqlite3_stmt* s, sqlite3* db, bool* cached_in_use = nullptr) : stmt_(s, StatementRelease{cached_in_use}), db_(db) {}
  std::unique_ptr<sqlite3_stmt, StatementRelease> stmt_;
  sqlite3* db_ = nullptr;
  Error bind_error_{ErrorCode::io_error, ""};
  bool bind_failed_ = false;
};

class Database {
 public:
  // Opens (creating if needed) with WAL journaling and synchronous=FULL: a committed transaction survives a
  // crash of the process or the machine (SQN must never be reused).
  static Result<Database> open(const std::string& path);

  Result<void> exec(std::string_view sql);
  Result<Statement> prepare(std::string_view sql);
  // The same, from statements this connection prepared before and keeps: for the SQL of hot paths, whose
  // parsing otherwise costs more than running it. The statement returns to the cache, reset, when the Statement
  // goes; a second use of the same SQL while the first is alive gets a statement of its own.
  Result<Statement> cached(std::string_view sql);
  // One cached statement without parameters, run to completion (BEGIN, COMMIT, SAVEPOINT ...).
  Result<void> run_cached(std::string_view sql);
  std::int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_.get()); }
  int changes() const { return sqlite3_changes(db_.get()); }
  sqlite3* get() const { return db_.get(); }

 private:
  struct Close {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  explicit Database(sqlite3* db) : db_(db) {}
  struct Cached {
    sqlite3_stmt* stmt;
    bool in_use;
  };
  // Finalizes its statements before the connection closes (declared after db_, so destroyed first). Elements of
  // an unordered_map keep their address, which the lent statements point to.
  struct StatementCache {
    std::unordered_map<std::string, Cached> statements;
    StatementCache() = default;
    StatementCache(StatementCache&&) noexcept = default;
    StatementCache& operator=(StatementCache&&) noexcept = default;
    ~StatementCache();
  };
  std::unique_ptr<sqlite3, Close> db_;
  StatementCache cache_;
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless commit() succeeded.
class Transaction {
 public:
  static Result<Transaction> begin(Database& db);
  Result<void> commit();
  ~Transaction();
  Transaction(Transaction&& o) noexcept : db_(o.db_), done_(o.done_) { o.done_ = true; }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction& operator=(Transaction&&) = delete;

 private:
  explicit Transaction(Database& db) : db_(&db) {}
  Database* db_;
  bool done_ = false;
};

}  // namespace simbind::store
