// Prints every sample S1AP message (sample_messages.h) as one line "NAME HEX", for tests/conformance/
// s1ap_samples_check.sh, which hands them to tshark's S1AP dissector.
#include <cstdio>

#include "common/util/hex.h"
#include "tests/unit/s1ap/sample_messages.h"

int main() {
  for (const auto& m : simbind::s1ap::every_message()) {
    auto bytes = simbind::s1ap::encode(m);
    if (!bytes) return 1;
    std::printf("%s %s\n", simbind::s1ap::name_of(m), simbind::to_hex(*bytes).c_str());
  }
  return 0;
}
