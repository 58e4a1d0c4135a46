#include "services/provisioning/factory_kme_store.h"

#include <chrono>

#include "common/util/hex.h"
#include "common/util/secure.h"

namespace simbind::prov {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS factory_kmes (
  imei TEXT PRIMARY KEY,
  kme_id INTEGER NOT NULL,
  sealed_kme BLOB NOT NULL,
  imported_unix_ms INTEGER NOT NULL
);
)sql";

ByteView text_view(const std::string& s) { return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); }

std::string associated_data(const std::string& imei) { return "factory-kme:" + imei; }

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

FactoryKmeStore::~FactoryKmeStore() { secure_wipe(key_); }

Result<std::unique_ptr<FactoryKmeStore>> FactoryKmeStore::open(const std::string& path,
                                                               const crypto::MasterKey& master_key) {
  auto db = store::Database::open(path);
  if (!db) return std::unexpected(Error{db.error().code, path + ": " + db.error().message});
  std::unique_ptr<FactoryKmeStore> s(new FactoryKmeStore(std::move(*db), master_key));
  if (auto r = s->db_.exec(kSchema); !r) return std::unexpected(Error{r.error().code, path + ": " + r.error().message});
  const std::string fingerprint = to_hex(crypto::master_key_fingerprint(master_key));
  auto q = s->db_.prepare("SELECT value FROM meta WHERE name = 'master_key_fingerprint'");
  if (!q) return std::unexpected(q.error());
  auto row = q->step();
  if (!row) return std::unexpected(row.error());
  if (*row) {
    if (q->text(0) != fingerprint) {
      return fail(ErrorCode::config_error, path + ": created with another master key");
    }
  } else {
    auto insert = s->db_.prepare("INSERT INTO meta (name, value) VALUES ('master_key_fingerprint', ?)");
    if (!insert) return std::unexpected(insert.error());
    insert->bind(1, fingerprint);
    if (auto r = insert->run(); !r) return std::unexpected(r.error());
  }
  return s;
}

Result<ImportCounts> FactoryKmeStore::import(const std::vector<FactoryKme>& entries) {
  std::lock_guard lock(mutex_);
  auto tx = store::Transaction::begin(db_);
  if (!tx) return std::unexpected(tx.error());
  auto insert = db_.prepare(
      "INSERT OR IGNORE INTO factory_kmes (imei, kme_id, sealed_kme, imported_unix_ms) VALUES (?, ?, ?, ?)");
  if (!insert) return std::unexpected(insert.error());
  ImportCounts counts;
  const std::int64_t now = now_ms();
  for (const auto& e : entries) {
    const Bytes sealed = crypto::seal(key_, e.kme, text_view(associated_data(e.imei.str())));
    insert->reset();
    insert->bind(1, e.imei.str()).bind(2, std::int64_t{e.kme_id}).bind(3, ByteView(sealed)).bind(4, now);
    if (auto r = insert->run(); !r) return std::unexpected(r.error());
    if (db_.changes() == 1) {
      ++counts.imported;
    } else {
      ++counts.already_known;
    }
  }
  if (auto r = tx->commit(); !r) return std::unexpected(r.error());
  return counts;
}

Result<std::optional<FactoryKme>> FactoryKmeStore::find(const Imei& imei) {
  std::lock_guard lock(mutex_);
  auto q = db_.prepare("SELECT kme_id, sealed_kme FROM factory_kmes WHERE imei = ?");
  if (!q) return std::unexpected(q.error());
  q->bind(1, imei.str());
  auto row = q->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<FactoryKme>{};
  const auto kme_id = static_cast<std::uint32_t>(q->int64(0));
  auto kme = crypto::open_sealed(key_, q->blob(1), text_view(associated_data(imei.str())));
  if (!kme || kme->size() != 16) {
    return fail(ErrorCode::verification_failed, "factory KME of IMEI " + imei.str() + " does not open (store altered)");
  }
  FactoryKme out{imei, kme_id, {}};
  std::copy(kme->begin(), kme->end(), out.kme.begin());
  secure_wipe(*kme);
  return std::optional<FactoryKme>{out};
}

}  // namespace simbind::prov
