// The UE address pools of the default bearers (a lab stand-in for the P-GW's allocation): IPv4 addresses from a
// configured CIDR range, and IPv6 /64 prefixes (one per PDN connection, TS 23.401 5.3.1.2.2) from a configured
// IPv6 range, handed out round robin and returned on detach.
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
  // A static address from the subscription: taken out of the pool if it lies in the range (false if another
  // connection holds it); an address outside the range is the operator's business and always accepted.
  bool reserve(std::uint32_t address);
  void release(std::uint32_t address);
  std::size_t in_use() const { return used_.size(); }

 private:
  Range range_;
  std::uint32_t next_;
  std::set<std::uint32_t> used_;
};

// IPv6: every PDN connection gets its own /64 from the range, and an interface identifier that is unique in the
// pool (the prefix's index + 1), so that lab logs and UE reports tell the connections apart. NAS carries only
// the identifier (TS 24.301 9.9.4.9); the UE would learn the prefix by router advertisement.
class Ipv6Pool {
 public:
  struct Range {
    Octets<8> base{0x20, 0x01, 0x0d, 0xb8, 0x00, 0x45, 0x00, 0x00};  // 2001:db8:45::/48
    unsigned prefix_length = 48;
    std::uint64_t slots() const { return std::uint64_t{1} << (64 - prefix_length); }
  };
  // "2001:db8:45::/48": prefix length 32..64 (a /64 range holds a single PDN connection).
  static Result<Range> parse_cidr(const std::string& cidr);

  struct Lease {
    Octets<8> prefix{};
    Octets<8> iid{};
    std::optional<std::uint64_t> slot;  // empty: a static prefix from the subscription, not the pool's
  };

  explicit Ipv6Pool(Range range) : range_(range) {}

  std::optional<Lease> allocate();
  void release(const Lease& lease);
  std::size_t in_use() const { return used_.size(); }

 private:
  Range range_;
  std::uint64_t next_ = 0;
  std::set<std::uint64_t> used_;
};

// The identifier given with a static (subscribed) prefix: ::1.
inline constexpr Octets<8> kStaticPrefixIid{0, 0, 0, 0, 0, 0, 0, 1};

Octets<4> ipv4_octets(std::uint32_t address);
std::uint32_t ipv4_value(const Octets<4>& address);
std::string iid_text(const Octets<8>& iid);              // 0:0:0:3 (four groups, as the low half of an address)
std::string ipv4_text(std::uint32_t address);

}  // namespace simbind::mme
