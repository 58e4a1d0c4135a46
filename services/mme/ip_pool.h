// The UE address pool of the default bearers (a lab stand-in for the P-GW's allocation): IPv4 addresses from a
// configured CIDR range, handed out lowest-free-first and returned on detach.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "common/util/bytes.h"
#include "common/util/error.h"

namespace simbind::mme {

class Ipv4Pool {
 public:
  struct Range {
    std::uint32_t first = 0x0a2d0002;  // 10.45.0.2 .. 10.45.255.254 (network, gateway .1 and broadcast excluded)
    std::uint32_t last = 0x0a2dfffe;
  };
  // "10.45.0.0/16": the network address, .1 (the gateway) and the broadcast address are not handed out.
  static Result<Range> parse_cidr(const std::string& cidr);

  explicit Ipv4Pool(Range range) : range_(range), next_(range.first) {}

  std::optional<std::uint32_t> allocate();
  void release(std::uint32_t address);
  std::size_t in_use() const { return used_.size(); }

 private:
  Range range_;
  std::uint32_t next_;
  std::set<std::uint32_t> used_;
};

Octets<4> ipv4_octets(std::uint32_t address);
std::string ipv4_text(std::uint32_t address);

}  // namespace simbind::mme
