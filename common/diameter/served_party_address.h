// Served-Party-IP-Address (AVP 848, vendor 10415; TS 29.272 7.3.35 puts up to two of them in an
// APN-Configuration: the subscriber's static IPv4 address and/or IPv6 prefix). Its type is Address (RFC 6733
// 4.3.1): a two-octet address family (1 IPv4, 2 IPv6) and the address. These functions make and read the value;
// the codec adds the AVP like any other.
#pragma once

#include <optional>

#include "common/util/error.h"
#include "common/util/bytes.h"

namespace simbind::diameter {

// The AVP's value: Address of family IPv4, or IPv6 with the /64 prefix in the high half and zeros below.
Bytes served_party_address_ipv4(const Octets<4>& address);
Bytes served_party_address_ipv6_prefix(const Octets<8>& prefix);

struct ServedPartyAddress {
  std::optional<Octets<4>> ipv4;
  std::optional<Octets<8>> ipv6_prefix;  // the high 64 bits of an IPv6 address
};
// Reads one value into `out` (the family says which half); invalid_argument for anything but a 6- or
// 18-octet Address of family 1 or 2.
Result<void> read_served_party_address(ByteView value, ServedPartyAddress& out);

}  // namespace simbind::diameter
