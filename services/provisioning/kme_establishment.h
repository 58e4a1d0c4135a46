// Bp KME-Establishment on the provisioning server (DESIGN 3.3 step 8, 4, 5.3): fetch the device's public key by
// IMEI, make a fresh KME and KME-Id, wrap KME for the device (ECIES A/B or RSA-OAEP, as the device key says) and
// for the HSS (RFC 5649 under the key-encryption key). Plain structs in and out; Diameter stays in prov_bp_path.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>

#include "common/diameter/bp_messages.h"
#include "services/provisioning/device_key_directory.h"

namespace simbind::prov {

class KmeEstablishment {
 public:
  // `kek` is 16 or 32 octets; the object keeps its own copy and wipes it on destruction.
  KmeEstablishment(DeviceKeyDirectory& directory, ByteView kek);
  ~KmeEstablishment();
  KmeEstablishment(const KmeEstablishment&) = delete;
  KmeEstablishment& operator=(const KmeEstablishment&) = delete;

  // Runs the procedure without blocking the caller; `done` runs exactly once (possibly on another thread) with
  // Result-Code 2001 and the wrapped keys, 5030 (device unknown to the key directory) or 5012 (unable to comply).
  using Done = std::function<void(const diameter::KmeEstablishmentAnswer&)>;
  void run(const diameter::KmeEstablishmentRequest& request, Done done);

  // From now on requests are answered 5012 at once.
  void stop_accepting();
  // stop_accepting(), then returns when every procedure in flight has answered.
  void drain();

 private:
  diameter::KmeEstablishmentAnswer establish(const diameter::KmeEstablishmentRequest& request,
                                             const DeviceKey& key, std::uint32_t& kme_id_out) const;
  void finished();

  DeviceKeyDirectory& directory_;
  Bytes kek_;
  std::mutex mutex_;
  std::condition_variable idle_;
  unsigned in_flight_ = 0;
  bool draining_ = false;
};

}  // namespace simbind::prov
