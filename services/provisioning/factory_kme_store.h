// prov's store of factory KMEs (DESIGN 3.4, 8): SQLite, one row per IMEI, the KME sealed with AES-256-GCM under
// the master key and bound to its IMEI (a sealed KME copied to another row fails to open). A database made under
// another master key is refused at open.
#pragma once

#include <memory>
#include <mutex>
#include <optional>

#include "common/store/sqlite.h"
#include "services/provisioning/factory_export.h"

namespace simbind::prov {

struct ImportCounts {
  unsigned imported = 0;
  unsigned already_known = 0;
};

class FactoryKmeStore {
 public:
  static Result<std::unique_ptr<FactoryKmeStore>> open(const std::string& path, const crypto::MasterKey& master_key);
  ~FactoryKmeStore();

  // All or nothing (one transaction). An IMEI already stored is kept as it is and counted as already known.
  Result<ImportCounts> import(const std::vector<FactoryKme>& entries);
  // nullopt when the IMEI has no factory KME.
  Result<std::optional<FactoryKme>> find(const Imei& imei);

 private:
  FactoryKmeStore(store::Database db, const crypto::MasterKey& key) : db_(std::move(db)), key_(key) {}
  store::Database db_;
  crypto::MasterKey key_;
  std::mutex mutex_;
};

}  // namespace simbind::prov
