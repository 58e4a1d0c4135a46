// IPv4 socket addresses for the SCTP backends (kept apart from usrsctp.h and netinet/sctp.h, which clash).
#pragma once

#include <netinet/in.h>

#include <string>

#include "common/util/error.h"

namespace simbind::sctp {

// "" is INADDR_ANY; anything else must be a dotted IPv4 address (`what` names it in the error).
Result<sockaddr_in> ipv4(const std::string& address, std::uint16_t port, const char* what);
std::string describe(const sockaddr_in& a);  // "127.0.0.1:36412"

}  // namespace simbind::sctp
