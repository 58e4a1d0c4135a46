// Key files: a key as hex text (any surrounding whitespace), e.g. a master key or a key-encryption key.
// The file must not be readable by group or others; the error names the file.
#pragma once

#include <string>

#include "common/util/bytes.h"
#include "common/util/error.h"

namespace simbind::config {

Result<Bytes> read_key_file(const std::string& path, std::size_t expected_octets);
// A 256-bit key (a master or storage key) in the fixed-size form the crypto takes (crypto::MasterKey); the
// buffer read_key_file returned is wiped.
Result<Octets<32>> read_256_bit_key_file(const std::string& path);

}  // namespace simbind::config
