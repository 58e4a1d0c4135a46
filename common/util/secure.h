// Handling of secret material: constant-time comparison and wiping.
#pragma once

#include "common/util/bytes.h"

namespace simbind {

// True when both ranges have the same length and content. The time taken depends only on the length,
// never on where the first difference is (RES, MAC-A, MAC-S, Rsp and ECIES tags are compared with this).
bool constant_time_equal(ByteView a, ByteView b);

// Overwrites memory in a way the optimiser may not remove (OPENSSL_cleanse).
void secure_wipe(MutableByteView bytes);

}  // namespace simbind
