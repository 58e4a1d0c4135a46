// S1AP-PDUs from a hostile eNB or MME (TS 36.413, ALIGNED PER): decoded or refused with a reason; what decodes
// re-encodes, and the re-encoding decodes again.
#include <cstddef>
#include <cstdint>

#include "common/s1ap/messages.h"

using namespace simbind;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto decoded = s1ap::decode(ByteView(data, size));
  if (!decoded) return 0;
  (void)s1ap::procedure_of(decoded->message);
  auto encoded = s1ap::encode(decoded->message);
  if (encoded && !s1ap::decode(*encoded)) __builtin_trap();
  return 0;
}
