#include "common/util/error.h"

namespace simbind {

const char* to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument: return "invalid argument";
    case ErrorCode::crypto_failure: return "crypto failure";
    case ErrorCode::verification_failed: return "verification failed";
    case ErrorCode::not_found: return "not found";
    case ErrorCode::io_error: return "I/O error";
    case ErrorCode::timeout: return "timeout";
    case ErrorCode::config_error: return "configuration error";
  }
  return "unknown error";
}

}  // namespace simbind
