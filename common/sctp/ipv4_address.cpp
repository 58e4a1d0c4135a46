#include "common/sctp/ipv4_address.h"

#include <arpa/inet.h>

namespace simbind::sctp {

Result<sockaddr_in> ipv4(const std::string& address, std::uint16_t port, const char* what) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  if (address.empty()) {
    a.sin_addr.s_addr = htonl(INADDR_ANY);
  } else if (inet_pton(AF_INET, address.c_str(), &a.sin_addr) != 1) {
    return fail(ErrorCode::config_error, std::string(what) + ": '" + address + "' is not an IPv4 address");
  }
  return a;
}

std::string describe(const sockaddr_in& a) {
  char text[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &a.sin_addr, text, sizeof text);
  return std::string(text) + ":" + std::to_string(ntohs(a.sin_port));
}

}  // namespace simbind::sctp
