#include "common/store/sqlite.h"

namespace simbind::store {
namespace {

std::unexpected<Error> sqlite_error(sqlite3* db, const std::string& what) {
  return fail(ErrorCode::io_error, what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

}  // namespace

Result<Database> Database::open(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  Database db(raw);
  if (rc != SQLITE_OK) return sqlite_error(raw, "cannot open database " + path);
  sqlite3_busy_timeout(raw, 5000);
  if (auto r = db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"); !r) {
    return std::unexpected(Error{r.error().code, path + ": " + r.error().message});
  }
  return db;
}

Result<void> Database::exec(std::string_view sql) {
  char* message = nullptr;
  const std::string text(sql);
  if (sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string m = message ? message : "unknown error";
    sqlite3_free(message);
    return fail(ErrorCode::io_error, "SQL failed: " + m);
  }
  return {};
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &s, nullptr) != SQLITE_OK) {
    return sqlite_error(db_.get(), "cannot prepare SQL");
  }
  return Statement(s, db_.get());
}

Result<Statement> Database::cached(std::string_view sql) {
  auto it = cache_.statements.find(std::string(sql));
  if (it == cache_.statements.end()) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &s, nullptr) !=
        SQLITE_OK) {
      return sqlite_error(db_.get(), "cannot prepare SQL");
    }
    it = cache_.statements.emplace(std::string(sql), Cached{s, false}).first;
  }
  if (it->second.in_use) return prepare(sql);
  it->second.in_use = true;
  return Statement(it->second.stmt, db_.get(), &it->second.in_use);
}

Database::StatementCache::~StatementCache() {
  for (auto& [sql, c] : statements) sqlite3_finalize(c.stmt);
}

void StatementRelease::operator()(sqlite3_stmt* s) const {
  if (!cached_in_use) {
    sqlite3_finalize(s);
    return;
  }
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  *cached_in_use = false;
}

Statement& Statement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_.get(), index, value) != SQLITE_OK) bind_failed_ = true;
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  if (sqlite3_bind_text(stmt_.get(), index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) != SQLITE_OK) {
    bind_failed_ = true;
  }
  return *this;
}

Statement& Statement::bind(int index, ByteView blob) {
  static const std::uint8_t empty = 0;
  const void* data = blob.empty() ? &empty : blob.data();
  if (sqlite3_bind_blob(stmt_.get(), index, data, static_cast<int>(blob.size()), SQLITE_TRANSIENT) != SQLITE_OK) {
    bind_failed_ = true;
  }
  return *this;
}

Statement& Statement::bind_null(int index) {
  if (sqlite3_bind_null(stmt_.get(), index) != SQLITE_OK) bind_failed_ = true;
  return *this;
}

Result<bool> Statement::step() {
  if (bind_failed_) return sqlite_error(db_, "cannot bind SQL parameter");
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return sqlite_error(db_, "SQL step failed");
}

Result<void> Statement::run() {
  auto r = step();
  if (!r) return std::unexpected(r.error());
  return {};
}

void Statement::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
  bind_failed_ = false;
}

bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL; }
std::int64_t Statement::int64(int column) const { return sqlite3_column_int64(stmt_.get(), column); }
std::string Statement::text(int column) const {
  const auto* p = sqlite3_column_text(stmt_.get(), column);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), column)))
           : std::string();
}
Bytes Statement::blob(int column) const {
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_.get(), column));
  return p ? Bytes(p, p + sqlite3_column_bytes(stmt_.get(), column)) : Bytes();
}

Result<void> Database::run_cached(std::string_view sql) {
  auto q = cached(sql);
  if (!q) return std::unexpected(q.error());
  return q->run();
}

Result<Transaction> Transaction::begin(Database& db) {
  if (auto r = db.run_cached("BEGIN IMMEDIATE"); !r) return std::unexpected(r.error());
  return Transaction(db);
}

Result<void> Transaction::commit() {
  auto r = db_->run_cached("COMMIT");
  if (r) done_ = true;
  return r;
}

Transaction::~Transaction() {
  if (!done_) (void)db_->run_cached("ROLLBACK");
}

}  // namespace simbind::store
