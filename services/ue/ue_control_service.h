// The gRPC control API of simbind-ue (proto/ue_control.proto). Handlers run on gRPC threads and never touch UE
// state: they post work to the event loop and wait for its answer (or for the caller to cancel).
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <vector>

#include "services/ue/event_hub.h"
#include "services/ue/ue_transport.h"
#include "services/ue/ue_fleet.h"
#include "ue_control.grpc.pb.h"

namespace simbind::ue {

class LoadRun;

class UeControlService final : public v1::UeControl::Service {
 public:
  UeControlService(UeTransport& loop, UeFleet& fleet, EventHub& events) : loop_(loop), fleet_(fleet), events_(events) {}

  // Ends the streams and the waits still open, and refuses new loads (daemon shutdown; any thread).
  void stop() { stopping_ = true; }
  // Loop thread, after stop(): every load still running starts no more attaches.
  void stop_loads();

  grpc::Status CreateUes(grpc::ServerContext*, const v1::CreateUesRequest*, v1::CreateUesResponse*) override;
  grpc::Status ListUes(grpc::ServerContext*, const v1::ListUesRequest*, v1::ListUesResponse*) override;
  grpc::Status Status(grpc::ServerContext*, const v1::StatusRequest*, v1::UeStatus*) override;
  grpc::Status MoveUicc(grpc::ServerContext*, const v1::MoveUiccRequest*, v1::UeStatus*) override;
  grpc::Status SetKme(grpc::ServerContext*, const v1::SetKmeRequest*, v1::UeStatus*) override;
  grpc::Status FactoryReset(grpc::ServerContext*, const v1::StatusRequest*, v1::UeStatus*) override;
  grpc::Status Attach(grpc::ServerContext*, const v1::AttachRequest*, v1::AttachResult*) override;
  grpc::Status Detach(grpc::ServerContext*, const v1::DetachRequest*, v1::DetachResult*) override;
  grpc::Status RequestBearer(grpc::ServerContext*, const v1::BearerRequest*, v1::BearerResult*) override;
  grpc::Status StreamEvents(grpc::ServerContext*, const v1::StreamEventsRequest*,
                            grpc::ServerWriter<v1::Event>*) override;
  grpc::Status RunLoad(grpc::ServerContext*, const v1::LoadRequest*, grpc::ServerWriter<v1::LoadUpdate>*) override;

 private:
  UeTransport& loop_;
  UeFleet& fleet_;
  EventHub& events_;
  std::atomic<bool> stopping_{false};
  std::vector<std::weak_ptr<LoadRun>> loads_;  // loop thread only
};

}  // namespace simbind::ue
