#include "common/util/secure.h"

#include <openssl/crypto.h>

namespace simbind {

bool constant_time_equal(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return constant_time_equal(ByteView(reinterpret_cast<const std::uint8_t*>(a.data()), a.size()),
                             ByteView(reinterpret_cast<const std::uint8_t*>(b.data()), b.size()));
}

void secure_wipe(MutableByteView bytes) {
  if (!bytes.empty()) OPENSSL_cleanse(bytes.data(), bytes.size());
}

void secure_wipe(std::string& text) {
  secure_wipe(MutableByteView(reinterpret_cast<std::uint8_t*>(text.data()), text.size()));
}

}  // namespace simbind
