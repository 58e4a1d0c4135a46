// Handling of secret material: constant-time comparison and wiping.
#pragma once

#include <string>
#include <string_view>

#include "common/util/bytes.h"

namespace simbind {

// True when both ranges have the same length and content. The time taken depends only on the length,
// never on where the first difference is (RES, MAC-A, MAC-S, Rsp and ECIES tags are compared with this).
bool constant_time_equal(ByteView a, ByteView b);

// The same for two texts (a token, hex digits): the time depends only on the lengths.
bool constant_time_equal(std::string_view a, std::string_view b);

// Overwrites memory in a way the optimiser may not remove (OPENSSL_cleanse).
void secure_wipe(MutableByteView bytes);
// The characters of a text that held a secret (hex key digits, a PEM private key); its length stays.
void secure_wipe(std::string& text);

}  // namespace simbind
