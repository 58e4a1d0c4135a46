// The CLI end of every daemon's gRPC API (simbind-hss, -ue, -prov, -keydir): one channel, plaintext or mTLS, a
// deadline on every call, and a failed call turned into the message the user reads (OperationError, exit 1).
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "common/rpc/tls_files.h"
#include "services/cli/cli_args.h"

namespace simbind::cli {

// Problem with a HOST:PORT text (HOST non-empty, PORT 1..65535), or nothing.
std::optional<std::string> address_problem(const std::string& text);

// Which daemon a command talks to, how, and the words its messages use.
struct GrpcTarget {
  std::string daemon;                // "simbind-hss"
  std::string address;               // HOST:PORT
  std::optional<rpc::TlsFiles> tls;  // none = plaintext; the key is wiped once the channel has it
  std::string server_name;           // the name expected in the daemon's certificate; empty = HOST of address
  std::string tls_hint;              // a sentence said when a TLS connection fails: which options to check
  std::string plaintext_hint;        // a sentence said when a plaintext connection fails (the daemon may want TLS)
};

// Everything but the stub: the channel and what a failure says.
class GrpcConnection {
 public:
  // `command` ("hss get") starts the message of a failed call.
  GrpcConnection(GrpcTarget target, std::chrono::seconds deadline, std::string command);

  // True for the codes that mean "no answer" (the daemon is down, unreachable or too slow) rather than "no".
  static bool unreachable(const grpc::Status& status);
  // The message for a failed call, always "COMMAND: CODE: ..." (e.g. "hss get: NOT_FOUND: no subscriber ..."):
  // "cannot reach simbind-hss at HOST:PORT over TLS (...)" when no connection was made (TLS handshake failures
  // included), "no answer from ..." after the deadline, else the daemon's own message.
  OperationError failure(const grpc::Status& status) const;
  const std::string& address() const { return target_.address; }

 protected:
  void arm(grpc::ClientContext& context) const {
    context.set_deadline(std::chrono::system_clock::now() + deadline_);
  }
  std::shared_ptr<grpc::Channel> channel_;

 private:
  GrpcTarget target_;
  bool tls_ = false;
  std::chrono::seconds deadline_;
  std::string command_;
};

// A client of one gRPC service, e.g. GrpcClient<simbind::hss::v1::HssAdmin>.
template <typename Service>
class GrpcClient : public GrpcConnection {
 public:
  using Stub = typename Service::Stub;
  template <typename Request, typename Response>
  using Rpc = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*);

  GrpcClient(GrpcTarget target, std::chrono::seconds deadline, std::string command)
      : GrpcConnection(std::move(target), deadline, std::move(command)), stub_(Service::NewStub(channel_)) {}

  // One call; a failure throws OperationError (see failure()).
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
    arm(context);
    return ((*stub_).*rpc)(&context, request, &response);
  }

  // For streams, which set their own context (no deadline: they run until the user stops them).
  Stub& stub() { return *stub_; }

 private:
  std::unique_ptr<Stub> stub_;
};

}  // namespace simbind::cli
