#include "services/cli/grpc_client.h"

#include <grpc/support/log.h>

#include <mutex>

#include "common/config/config_reader.h"
#include "common/rpc/credentials.h"
#include "common/rpc/status_name.h"

namespace simbind::cli {
namespace {

// gRPC core logs a failed handshake to stderr on its own ("E1128 ... Handshake failed ..."); the CLI says what
// failed in its own message, so those lines would only repeat it in another form.
void quiet_grpc_log(gpr_log_func_args*) {}

std::shared_ptr<grpc::Channel> open_channel(GrpcTarget& target) {
  static std::once_flag once;
  std::call_once(once, [] { gpr_set_log_function(quiet_grpc_log); });
  if (!target.tls) return grpc::CreateChannel(target.address, grpc::InsecureChannelCredentials());
  grpc::ChannelArguments args;
  if (!target.server_name.empty()) args.SetSslTargetNameOverride(target.server_name);
  return grpc::CreateCustomChannel(target.address, rpc::channel_credentials(*target.tls), args);
}

}  // namespace

std::optional<std::string> address_problem(const std::string& text) {
  // The daemons read their own listen addresses with the same rule (config::parse_host_port).
  if (config::parse_host_port(text)) return std::nullopt;
  return "expected HOST:PORT with a port 1..65535, got '" + text + "'";
}

GrpcConnection::GrpcConnection(GrpcTarget target, std::chrono::seconds deadline, std::string command)
    : target_(std::move(target)), deadline_(deadline), command_(std::move(command)) {
  tls_ = target_.tls.has_value();
  channel_ = open_channel(target_);
  target_.tls.reset();  // the credentials hold what they need; the key text is already wiped
}

bool GrpcConnection::unreachable(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
}

OperationError GrpcConnection::failure(const grpc::Status& status) const {
  const grpc::StatusCode code = status.error_code();
  std::string message = command_ + ": " + rpc::status_code_name(code) + ": ";
  // A daemon that answered UNAVAILABLE itself (shutting down, its own upstream down) leaves the channel READY;
  // a refused connection or a failed TLS handshake leaves it not connected.
  const bool connected = channel_->GetState(false) == GRPC_CHANNEL_READY;
  if (!connected && unreachable(status)) {
    message += "cannot reach " + target_.daemon + " at " + target_.address + (tls_ ? " over TLS (" : " (");
    if (code == grpc::StatusCode::DEADLINE_EXCEEDED) {
      message += "no connection within " + std::to_string(deadline_.count()) + " s: ";
    } else if (tls_) {
      message += target_.tls_hint + " ";
    } else {
      message += "is it running? " + (target_.plaintext_hint.empty() ? "" : target_.plaintext_hint + " ");
    }
    return OperationError(message + status.error_message() + ")");
  }
  if (code == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return OperationError(message + "no answer from " + target_.daemon + " at " + target_.address + " within " +
                          std::to_string(deadline_.count()) + " s (--timeout)");
  }
  return OperationError(message + status.error_message());
}

}  // namespace simbind::cli
