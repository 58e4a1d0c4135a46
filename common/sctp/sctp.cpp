#include "common/sctp/sctp.h"

#include "common/sctp/sctp_backends.h"

namespace simbind::sctp {

const char* to_string(Backend b) {
  switch (b) {
    case Backend::kernel: return "kernel";
    case Backend::usrsctp: return "usrsctp";
    case Backend::automatic: return "auto";
  }
  return "?";
}

Result<Backend> parse_backend(const std::string& text) {
  if (text == "kernel") return Backend::kernel;
  if (text == "usrsctp") return Backend::usrsctp;
  if (text == "auto") return Backend::automatic;
  return fail(ErrorCode::config_error, "SCTP backend '" + text + "': kernel, usrsctp or auto");
}

namespace {

// `automatic` is the kernel's SCTP when it has one (asked once per process), usrsctp otherwise.
Result<Backend> resolve(Backend b) {
  static const std::string kernel_missing = kernel_sctp_unavailable();
  if (b == Backend::automatic) return kernel_missing.empty() ? Backend::kernel : Backend::usrsctp;
  if (b == Backend::kernel && !kernel_missing.empty()) {
    return fail(ErrorCode::config_error,
                "kernel SCTP unavailable (" + kernel_missing + "); use sctp.backend usrsctp (or auto)");
  }
  return b;
}

}  // namespace

Result<std::unique_ptr<Endpoint>> listen(const TransportConfig& config, const std::string& address,
                                         std::uint16_t port, Handlers handlers) {
  auto backend = resolve(config.backend);
  if (!backend) return std::unexpected(backend.error());
  if (*backend == Backend::kernel) {
    if (config.udp_encapsulation_port != 0) {
      return fail(ErrorCode::config_error, "SCTP over UDP (sctp.udp_port) needs the usrsctp backend");
    }
    return kernel_listen(config, address, port, std::move(handlers));
  }
  return usrsctp_listen(config, address, port, std::move(handlers));
}

Result<std::unique_ptr<Endpoint>> connect(const TransportConfig& config, const std::string& address,
                                          std::uint16_t port, Handlers handlers, const std::string& local_address) {
  auto backend = resolve(config.backend);
  if (!backend) return std::unexpected(backend.error());
  if (*backend == Backend::kernel) {
    if (config.udp_encapsulation_port != 0) {
      return fail(ErrorCode::config_error, "SCTP over UDP (sctp.udp_port) needs the usrsctp backend");
    }
    return kernel_connect(config, address, port, std::move(handlers), local_address);
  }
  return usrsctp_connect(config, address, port, std::move(handlers), local_address);
}

}  // namespace simbind::sctp
