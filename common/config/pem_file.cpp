#include "common/config/pem_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace simbind::config {

Result<std::string> read_pem_file(const std::string& config_file, const std::string& key, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(ErrorCode::config_error,
                config_file + ": " + key + ": cannot read " + path + " (" + std::strerror(errno) + ")");
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().find("-----BEGIN ") == std::string::npos) {
    return fail(ErrorCode::config_error, config_file + ": " + key + ": " + path + " is not a PEM file");
  }
  return text.str();
}

}  // namespace simbind::config
