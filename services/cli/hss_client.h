// The `simbind hss` end of the HssAdmin gRPC API: one channel to simbind-hss, a deadline on every call, and a
// failed call turned into the message the user reads (exit status 1).
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "hss_admin.grpc.pb.h"
#include "services/cli/cli_args.h"

namespace simbind::cli {

// The default admin address of simbind-hss (its `admin.listen`); SIMBIND_HSS overrides it.
inline constexpr const char* kDefaultHssAddress = "127.0.0.1:9080";

// Problem with a HOST:PORT text (HOST non-empty, PORT 1..65535), or nothing.
std::optional<std::string> hss_address_problem(const std::string& text);

class HssClient {
 public:
  using Stub = simbind::hss::v1::HssAdmin::Stub;
  template <typename Request, typename Response>
  using Rpc = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*);

  // `command` ("hss get") starts the message of a failed call.
  HssClient(std::string address, std::chrono::seconds deadline, std::string command);

  // One call; a failure throws OperationError with the server's message, or "cannot reach simbind-hss at
  // HOST:PORT" when the daemon does not answer (connection refused, deadline passed).
  template <typename Request, typename Response>
  Response call(Rpc<Request, Response> rpc, const Request& request) {
    Response response;
    const grpc::Status status = try_call(rpc, request, response);
    if (!status.ok()) throw failure(status);
    return response;
  }

  // The same call, handing back the status for a caller that handles some codes itself.
  template <typename Request, typename Response>
  grpc::Status try_call(Rpc<Request, Response> rpc, const Request& request, Response& response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + deadline_);
    return ((*stub_).*rpc)(&context, request, &response);
  }

  // True for the codes that mean "the daemon did not answer" rather than "the daemon said no".
  static bool unreachable(const grpc::Status& status);
  OperationError failure(const grpc::Status& status) const;
  const std::string& address() const { return address_; }

 private:
  std::string address_;
  std::chrono::seconds deadline_;
  std::string command_;
  std::unique_ptr<Stub> stub_;
};

}  // namespace simbind::cli
