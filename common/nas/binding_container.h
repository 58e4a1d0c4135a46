// The binding container (DESIGN 3.3 steps 10 and 12): what travels in the generic message container of DOWNLINK
// and UPLINK GENERIC NAS TRANSPORT (TS 24.301 8.2.12/8.2.31) when the HSS provisions a KME over the air. Its
// generic message container type is one from the spare range, configurable on both ends (default 0xa5).
//
//   downlink: version (1) = 1 | KME-Id (4) | Key-Wrap-Scheme (1) | HSS-Nonce (16) | Wrapped-KME (rest, 1..1024)
//   uplink:   version (1) = 1 | outcome (1): 0 stored, Rsp (32) follows
//                                          1 unwrap failed (the device could not open Wrapped-KME), nothing follows
// Integers are big-endian. The NAS security context protects both (integrity and ciphering).
#pragma once

#include <cstdint>
#include <optional>

#include "common/util/bytes.h"
#include "common/util/error.h"

namespace simbind::nas {

inline constexpr std::uint8_t kDefaultBindingContainerType = 0xa5;

struct BindingDownlink {
  std::uint32_t kme_id = 0;
  std::uint8_t key_wrap_scheme = 0;  // crypto::KeyWrapScheme values
  Octets<16> hss_nonce{};
  Bytes wrapped_kme;
  bool operator==(const BindingDownlink&) const = default;
};

struct BindingUplink {
  std::optional<Octets<32>> rsp;  // nullopt: the unwrap failed
  bool operator==(const BindingUplink&) const = default;
};

Result<Bytes> encode_binding_downlink(const BindingDownlink& d);  // refuses a wrapped KME over 1024 octets
Result<BindingDownlink> decode_binding_downlink(ByteView container);
Bytes encode_binding_uplink(const BindingUplink& u);
Result<BindingUplink> decode_binding_uplink(ByteView container);

}  // namespace simbind::nas
