// The gRPC client of simbind-keydir (proto/keydir.proto, GetDevicePublicKey) over mTLS with the operator's
// certificate. Calls use gRPC's callback API, so no thread of ours waits for the directory.
#pragma once

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <memory>
#include <mutex>

#include "keydir.grpc.pb.h"
#include "services/provisioning/device_key_directory.h"
#include "services/provisioning/prov_config.h"

namespace simbind::prov {

class GrpcKeyDirectory final : public DeviceKeyDirectory {
 public:
  // `pem` holds our certificate and key and the CA; the key text is wiped once the credentials are made.
  static std::unique_ptr<GrpcKeyDirectory> create(const KeydirClientConfig& config, rpc::TlsFiles& pem);
  ~GrpcKeyDirectory() override;  // waits for calls in flight (each ends by its deadline)

  void lookup(const std::string& imei, Done done) override;

 private:
  GrpcKeyDirectory(KeydirClientConfig config, std::shared_ptr<grpc::Channel> channel);
  void finished();
  Result<DeviceKey> outcome(const grpc::Status& status, const keydir::v1::DeviceKey& response) const;

  KeydirClientConfig config_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<keydir::v1::KeyDirectory::Stub> stub_;
  std::mutex mutex_;
  std::condition_variable idle_;
  unsigned in_flight_ = 0;
};

}  // namespace simbind::prov
