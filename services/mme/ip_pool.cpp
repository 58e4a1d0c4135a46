#include "services/mme/ip_pool.h"

#include <arpa/inet.h>

#include <cstdio>
#include <utility>

namespace simbind::mme {
namespace {

// "ADDRESS/PREFIX" -> the address text and the prefix length (-1 when it is not a whole number).
Result<std::pair<std::string, int>> split_cidr(const std::string& cidr, const char* example) {
  const auto slash = cidr.find('/');
  if (slash == std::string::npos) {
    return fail(ErrorCode::invalid_argument, std::string("expected ADDRESS/PREFIX, e.g. ") + example);
  }
  int prefix = -1;
  try {
    std::size_t used = 0;
    prefix = std::stoi(cidr.substr(slash + 1), &used);
    if (used != cidr.size() - slash - 1) prefix = -1;
  } catch (...) {
    prefix = -1;
  }
  return std::make_pair(cidr.substr(0, slash), prefix);
}

}  // namespace

Result<Ipv4Pool::Range> Ipv4Pool::parse_cidr(const std::string& cidr) {
  auto parts = split_cidr(cidr, "10.45.0.0/16");
  if (!parts) return std::unexpected(parts.error());
  const auto& [text, prefix] = *parts;
  in_addr addr{};
  if (inet_pton(AF_INET, text.c_str(), &addr) != 1) {
    return fail(ErrorCode::invalid_argument, "'" + text + "' is not an IPv4 address");
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

bool Ipv4Pool::reserve(std::uint32_t address) {
  if (address < range_.first || address > range_.last) return true;
  return used_.insert(address).second;
}

void Ipv4Pool::release(std::uint32_t address) { used_.erase(address); }

Result<Ipv6Pool::Range> Ipv6Pool::parse_cidr(const std::string& cidr) {
  auto parts = split_cidr(cidr, "2001:db8:45::/48");
  if (!parts) return std::unexpected(parts.error());
  const auto& [text, prefix] = *parts;
  in6_addr addr{};
  if (inet_pton(AF_INET6, text.c_str(), &addr) != 1) {
    return fail(ErrorCode::invalid_argument, "'" + text + "' is not an IPv6 address");
  }
  if (prefix < 32 || prefix > 64) return fail(ErrorCode::invalid_argument, "prefix length must be 32..64");
  Range r;
  r.prefix_length = static_cast<unsigned>(prefix);
  std::copy(addr.s6_addr, addr.s6_addr + 8, r.base.begin());
  // Clear the bits below the prefix length: they number the /64s.
  const std::uint64_t base = from_big_endian(r.base);
  const std::uint64_t mask = prefix == 64 ? ~std::uint64_t{0} : ~((std::uint64_t{1} << (64 - prefix)) - 1);
  r.base = to_big_endian<8>(base & mask);
  return r;
}

std::optional<Ipv6Pool::Lease> Ipv6Pool::allocate() {
  const std::uint64_t size = range_.slots();
  if (used_.size() >= size) return std::nullopt;
  for (std::uint64_t i = 0; i < size; ++i) {  // round robin, as for IPv4
    const std::uint64_t candidate = next_;
    next_ = next_ + 1 == size ? 0 : next_ + 1;
    if (!used_.insert(candidate).second) continue;
    Lease lease;
    lease.prefix = to_big_endian<8>(from_big_endian(range_.base) + candidate);
    lease.iid = to_big_endian<8>(candidate + 1);
    lease.slot = candidate;
    return lease;
  }
  return std::nullopt;
}

void Ipv6Pool::release(const Lease& lease) {
  if (lease.slot) used_.erase(*lease.slot);
}

std::uint32_t ipv4_value(const Octets<4>& a) {
  return std::uint32_t{a[0]} << 24 | std::uint32_t{a[1]} << 16 | std::uint32_t{a[2]} << 8 | a[3];
}

std::string iid_text(const Octets<8>& iid) {
  char text[24];
  std::snprintf(text, sizeof text, "%x:%x:%x:%x", iid[0] << 8 | iid[1], iid[2] << 8 | iid[3], iid[4] << 8 | iid[5],
                iid[6] << 8 | iid[7]);
  return text;
}

Octets<4> ipv4_octets(std::uint32_t a) {
  return {static_cast<std::uint8_t>(a >> 24), static_cast<std::uint8_t>(a >> 16), static_cast<std::uint8_t>(a >> 8),
          static_cast<std::uint8_t>(a)};
}

std::string ipv4_text(std::uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 0xff) + "." + std::to_string((a >> 8) & 0xff) +
         "." + std::to_string(a & 0xff);
}

}  // namespace simbind::mme
