// The two implementations behind common/sctp/sctp.h; sctp.cpp picks one. Kept in separate files: usrsctp.h and the
// kernel's netinet/sctp.h define the same names.
#pragma once

#include "common/sctp/sctp.h"

namespace simbind::sctp {

Result<std::unique_ptr<Endpoint>> usrsctp_listen(const TransportConfig& config, const std::string& address,
                                                 std::uint16_t port, Handlers handlers);
Result<std::unique_ptr<Endpoint>> usrsctp_connect(const TransportConfig& config, const std::string& address,
                                                  std::uint16_t port, Handlers handlers, const std::string& local_address);
Result<std::unique_ptr<Endpoint>> kernel_listen(const TransportConfig& config, const std::string& address,
                                                std::uint16_t port, Handlers handlers);
Result<std::unique_ptr<Endpoint>> kernel_connect(const TransportConfig& config, const std::string& address,
                                                 std::uint16_t port, Handlers handlers, const std::string& local_address);
// Empty when this kernel can open an SCTP socket; otherwise why not ("socket: Protocol not supported").
std::string kernel_sctp_unavailable();

}  // namespace simbind::sctp
