// The gRPC KeyDirectory service (proto/keydir.proto) over a DeviceKeyStore. The caller's role comes from the
// OU of its client certificate: "manufacturer" may register devices, "operator" may look keys up. Every call is
// logged with the caller's CN and the outcome (public keys are not secret; nothing private passes here).
#pragma once

#include <grpcpp/grpcpp.h>

#include "keydir.grpc.pb.h"
#include "services/keydir/device_key_store.h"
#include "services/keydir/keydir_counters.h"

namespace simbind::keydir {

inline constexpr const char* kManufacturerRole = "manufacturer";
inline constexpr const char* kOperatorRole = "operator";

class KeyDirectoryService final : public simbind::keydir::v1::KeyDirectory::Service {
 public:
  KeyDirectoryService(DeviceKeyStore& store, KeydirCounters& counters) : store_(store), counters_(counters) {}

  grpc::Status RegisterDevice(grpc::ServerContext* context, const v1::RegisterDeviceRequest* request,
                              v1::DeviceKey* response) override;
  grpc::Status GetDevicePublicKey(grpc::ServerContext* context, const v1::GetDevicePublicKeyRequest* request,
                                  v1::DeviceKey* response) override;
  grpc::Status RegisterDevices(grpc::ServerContext* context, const v1::RegisterDevicesRequest* request,
                               v1::RegisteredDevices* response) override;

  // Devices in one RegisterDevices call at most (10,000 RSA-2048 keys are about 3 MB, under gRPC's 4 MB).
  static constexpr int kMaxBatch = 10'000;

 private:
  // The calls themselves; the overrides above count how each ended.
  grpc::Status register_device(grpc::ServerContext* context, const v1::RegisterDeviceRequest* request,
                               v1::DeviceKey* response);
  grpc::Status get_device_public_key(grpc::ServerContext* context, const v1::GetDevicePublicKeyRequest* request,
                                     v1::DeviceKey* response);
  grpc::Status register_devices(grpc::ServerContext* context, const v1::RegisterDevicesRequest* request,
                                v1::RegisteredDevices* response);

  DeviceKeyStore& store_;
  KeydirCounters& counters_;
};

}  // namespace simbind::keydir
