// The binding container (DESIGN 4) in both directions: decoded, and what decodes re-encodes to an equal value.
#include <cstddef>
#include <cstdint>

#include "common/nas/binding_container.h"

using namespace simbind;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView input(data, size);
  if (auto d = nas::decode_binding_downlink(input)) {
    auto wire = nas::encode_binding_downlink(*d);  // what decodes must encode again, and to an equal value
    if (!wire) __builtin_trap();
    auto again = nas::decode_binding_downlink(*wire);
    if (!again || !(*again == *d)) __builtin_trap();
  }
  if (auto u = nas::decode_binding_uplink(input)) {
    auto again = nas::decode_binding_uplink(nas::encode_binding_uplink(*u));
    if (!again) __builtin_trap();
  }
  return 0;
}
