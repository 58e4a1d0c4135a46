// The name of a gRPC status code as the gRPC documentation spells it ("PERMISSION_DENIED"): for the CLI's error
// messages and for metric labels.
#pragma once

#include <grpcpp/support/status_code_enum.h>

namespace simbind::rpc {

const char* status_code_name(grpc::StatusCode code);

}  // namespace simbind::rpc
