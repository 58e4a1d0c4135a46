#include "common/diameter/served_party_address.h"


namespace simbind::diameter {
namespace {

constexpr std::uint16_t kFamilyIpv4 = 1;  // IANA address family numbers (RFC 6733 4.3.1)
constexpr std::uint16_t kFamilyIpv6 = 2;

Bytes with_family(std::uint16_t family, ByteView address) {
  Bytes out(2 + address.size());
  out[0] = static_cast<std::uint8_t>(family >> 8);
  out[1] = static_cast<std::uint8_t>(family);
  std::copy(address.begin(), address.end(), out.begin() + 2);
  return out;
}

}  // namespace

Bytes served_party_address_ipv4(const Octets<4>& address) { return with_family(kFamilyIpv4, address); }

Bytes served_party_address_ipv6_prefix(const Octets<8>& prefix) {
  Octets<16> full{};
  std::copy(prefix.begin(), prefix.end(), full.begin());
  return with_family(kFamilyIpv6, full);
}

Result<void> read_served_party_address(ByteView value, ServedPartyAddress& out) {
  if (value.size() < 2) return fail(ErrorCode::invalid_argument, "Served-Party-IP-Address: shorter than an Address");
  const std::uint16_t family = static_cast<std::uint16_t>(value[0] << 8 | value[1]);
  if (family == kFamilyIpv4 && value.size() == 6) {
    Octets<4> a{};
    std::copy(value.begin() + 2, value.end(), a.begin());
    out.ipv4 = a;
    return {};
  }
  if (family == kFamilyIpv6 && value.size() == 18) {
    Octets<8> p{};
    std::copy(value.begin() + 2, value.begin() + 10, p.begin());
    out.ipv6_prefix = p;
    return {};
  }
  return fail(ErrorCode::invalid_argument, "Served-Party-IP-Address: not an IPv4 or IPv6 Address (family " +
                                               std::to_string(family) + ", " + std::to_string(value.size()) +
                                               " octets)");
}

}  // namespace simbind::diameter
