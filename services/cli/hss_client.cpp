#include "services/cli/hss_client.h"

#include <charconv>

namespace simbind::cli {

std::optional<std::string> hss_address_problem(const std::string& text) {
  const auto colon = text.rfind(':');
  const std::string expected = "expected HOST:PORT, got '" + text + "'";
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return expected;
  unsigned port = 0;
  const char* first = text.data() + colon + 1;
  const char* last = text.data() + text.size();
  const auto [end, ec] = std::from_chars(first, last, port);
  if (ec != std::errc() || end != last || port == 0 || port > 65535) return expected + " (PORT must be 1..65535)";
  return std::nullopt;
}

HssClient::HssClient(std::string address, std::chrono::seconds deadline, std::string command)
    : address_(std::move(address)),
      deadline_(deadline),
      command_(std::move(command)),
      stub_(simbind::hss::v1::HssAdmin::NewStub(grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()))) {}

bool HssClient::unreachable(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
}

OperationError HssClient::failure(const grpc::Status& status) const {
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return OperationError(command_ + ": cannot reach simbind-hss at " + address_ + " (no answer within " +
                          std::to_string(deadline_.count()) + " s)");
  }
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    return OperationError(command_ + ": cannot reach simbind-hss at " + address_ + " (is it running? " +
                          status.error_message() + ")");
  }
  return OperationError(command_ + ": " + status.error_message());
}

}  // namespace simbind::cli
