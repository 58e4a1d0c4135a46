#include "common/config/key_file.h"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "common/util/hex.h"
#include "common/util/secure.h"

namespace simbind::config {

Result<Bytes> read_key_file(const std::string& path, std::size_t expected_octets) {
  struct stat st{};
  if (stat(path.c_str(), &st) != 0) return fail(ErrorCode::config_error, path + ": cannot read the key file");
  if (!S_ISREG(st.st_mode)) {
    return fail(ErrorCode::config_error, path + (S_ISDIR(st.st_mode) ? ": is a directory, not a key file"
                                                                     : ": is not a regular file, not a key file"));
  }
  if (st.st_size > 4096) return fail(ErrorCode::config_error, path + ": too large for a key file (over 4 KiB)");
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return fail(ErrorCode::config_error, path + ": key file is accessible by group or others (chmod 600 it)");
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  const auto first = s.find_first_not_of(" \t\r\n");
  const auto last = s.find_last_not_of(" \t\r\n");
  const std::string trimmed = first == std::string::npos ? "" : s.substr(first, last - first + 1);
  secure_wipe(MutableByteView(reinterpret_cast<std::uint8_t*>(s.data()), s.size()));
  auto key = from_hex(trimmed);
  if (!key || key->size() != expected_octets) {
    return fail(ErrorCode::config_error, path + ": must hold a " + std::to_string(expected_octets * 8) +
                                             "-bit key as " + std::to_string(expected_octets * 2) + " hex digits");
  }
  return key;
}

Result<Octets<32>> read_256_bit_key_file(const std::string& path) {
  auto bytes = read_key_file(path, 32);
  if (!bytes) return std::unexpected(bytes.error());
  Octets<32> key{};
  std::copy(bytes->begin(), bytes->end(), key.begin());
  secure_wipe(*bytes);
  return key;
}

}  // namespace simbind::config
