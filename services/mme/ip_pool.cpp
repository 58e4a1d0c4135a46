#include "services/mme/ip_pool.h"

#include <arpa/inet.h>

namespace simbind::mme {

Result<Ipv4Pool::Range> Ipv4Pool::parse_cidr(const std::string& cidr) {
  const auto slash = cidr.find('/');
  if (slash == std::string::npos) return fail(ErrorCode::invalid_argument, "expected ADDRESS/PREFIX, e.g. 10.45.0.0/16");
  in_addr addr{};
  if (inet_pton(AF_INET, cidr.substr(0, slash).c_str(), &addr) != 1) {
    return fail(ErrorCode::invalid_argument, "'" + cidr.substr(0, slash) + "' is not an IPv4 address");
  }
  int prefix = -1;
  try {
    std::size_t used = 0;
    prefix = std::stoi(cidr.substr(slash + 1), &used);
    if (used != cidr.size() - slash - 1) prefix = -1;
  } catch (...) {
    prefix = -1;
  }
  if (prefix < 8 || prefix > 30) return fail(ErrorCode::invalid_argument, "prefix length must be 8..30");
  const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
  const std::uint32_t network = ntohl(addr.s_addr) & mask;
  const std::uint32_t broadcast = network | ~mask;
  if (broadcast - network < 3) return fail(ErrorCode::invalid_argument, "range too small");
  return Range{network + 2, broadcast - 1};
}

std::optional<std::uint32_t> Ipv4Pool::allocate() {
  const std::uint64_t size = std::uint64_t{range_.last} - range_.first + 1;
  if (used_.size() >= size) return std::nullopt;
  // Round robin from the last allocation: an address just released is not reused at once, which keeps a late
  // packet of a detached UE from reaching the next one (and makes lab captures easier to read).
  for (std::uint64_t i = 0; i < size; ++i) {
    const std::uint32_t candidate = next_;
    next_ = next_ == range_.last ? range_.first : next_ + 1;
    if (used_.insert(candidate).second) return candidate;
  }
  return std::nullopt;
}

void Ipv4Pool::release(std::uint32_t address) { used_.erase(address); }

Octets<4> ipv4_octets(std::uint32_t a) {
  return {static_cast<std::uint8_t>(a >> 24), static_cast<std::uint8_t>(a >> 16), static_cast<std::uint8_t>(a >> 8),
          static_cast<std::uint8_t>(a)};
}

std::string ipv4_text(std::uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 0xff) + "." + std::to_string((a >> 8) & 0xff) +
         "." + std::to_string(a & 0xff);
}

}  // namespace simbind::mme
