#include "services/cli/ue_client.h"

namespace simbind::cli {

UeClient::UeClient(std::string address, std::chrono::seconds deadline, std::string command)
    : address_(std::move(address)),
      deadline_(deadline),
      command_(std::move(command)),
      stub_(simbind::ue::v1::UeControl::NewStub(grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()))) {}

OperationError UeClient::failure(const grpc::Status& status) const {
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return OperationError(command_ + ": no answer from simbind-ue at " + address_ + " within " +
                          std::to_string(deadline_.count()) + " s (--timeout)");
  }
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    return OperationError(command_ + ": cannot reach simbind-ue at " + address_ + " (is it running? " +
                          status.error_message() + ")");
  }
  return OperationError(command_ + ": " + status.error_message());
}

}  // namespace simbind::cli
