// The `simbind ue` end of the UeControl gRPC API: one channel to simbind-ue, a deadline on every call, and a
// failed call turned into the message the user reads (exit status 1).
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

#include "services/cli/cli_args.h"
#include "ue_control.grpc.pb.h"

namespace simbind::cli {

// The default control address of simbind-ue (its `control.listen`); SIMBIND_UE overrides it.
inline constexpr const char* kDefaultUeAddress = "127.0.0.1:9090";

class UeClient {
 public:
  using Stub = simbind::ue::v1::UeControl::Stub;
  template <typename Request, typename Response>
  using Rpc = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*);

  // `command` ("ue attach") starts the message of a failed call.
  UeClient(std::string address, std::chrono::seconds deadline, std::string command);

  // One call; a failure throws OperationError with the daemon's message, or "cannot reach simbind-ue at ...".
  template <typename Request, typename Response>
  Response call(Rpc<Request, Response> rpc, const Request& request) {
    Response response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + deadline_);
    const grpc::Status status = ((*stub_).*rpc)(&context, request, &response);
    if (!status.ok()) throw failure(status);
    return response;
  }

  Stub& stub() { return *stub_; }
  OperationError failure(const grpc::Status& status) const;
  const std::string& address() const { return address_; }

 private:
  std::string address_;
  std::chrono::seconds deadline_;
  std::string command_;
  std::unique_ptr<Stub> stub_;
};

}  // namespace simbind::cli
