// Where simbind-ue keeps its devices between runs (DESIGN 8): one file per ME (IMEI, device key pair, KME store)
// and one per UICC (IMSI, K, OPc, SQN array), so that a UICC can move between MEs. Secrets (device private key,
// KME, K, OPc) are sealed with AES-256-GCM under the emulator's storage key, bound to the file's identity.
// Every save is atomic: a temporary file is written and synced, then renamed over the old one.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/crypto/secret_box.h"
#include "services/ue/mobile_equipment.h"
#include "services/ue/usim.h"

namespace simbind::ue {

class DeviceStore {
 public:
  // Creates `directory` if needed.
  static Result<DeviceStore> open(const std::string& directory, const crypto::MasterKey& storage_key);

  Result<void> save(const MobileEquipment& me);
  Result<MobileEquipment> load_me(const Imei& imei) const;

  Result<void> save(const Usim& usim);
  Result<Usim> load_usim(const Imsi& imsi) const;

  // The file contents, for callers that write later or in batches (simbind-ue renders on its event loop and
  // writes on another thread, so that a disk sync never stalls NAS).
  using File = std::pair<std::string, std::string>;  // path, content
  File render(const MobileEquipment& me) const;
  File render(const UsimProfile& profile, const crypto::UsimSqnWindow& window) const;
  // Each file is replaced atomically as by save(); one sync of the file system covers the whole batch, which
  // makes creating thousands of devices affordable. A file that cannot be written stays as it was, no temporary
  // file of it remains, and the others are still written; the error names the first such file (never content)
  // and `failed`, when given, receives the index of each.
  Result<void> write_batch(const std::vector<File>& files, std::vector<std::size_t>* failed = nullptr) const;

  // What the directory holds: every ME and UICC file by its identity. Files that do not parse as a name are
  // reported in `ignored` (loading them is load_me/load_usim's business).
  struct Listing {
    std::vector<Imei> mes;
    std::vector<Imsi> uiccs;
    std::vector<std::string> ignored;
  };
  Result<Listing> list() const;
  const std::string& directory() const { return dir_; }

  std::string me_path(const Imei& imei) const { return dir_ + "/me-" + imei.str() + ".json"; }
  std::string usim_path(const Imsi& imsi) const { return dir_ + "/uicc-" + imsi.str() + ".json"; }

 private:
  DeviceStore(std::string dir, const crypto::MasterKey& key) : dir_(std::move(dir)), key_(key) {}
  Result<void> write_atomically(const std::string& path, const std::string& content) const;
  Result<std::string> read(const std::string& path) const;

  std::string dir_;
  crypto::MasterKey key_;
};

}  // namespace simbind::ue
