#include "tests/unit/support/vectors.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <stdexcept>

namespace simbind::test {

const nlohmann::json& vector_file(const std::string& file) {
  static std::mutex mutex;
  static std::map<std::string, nlohmann::json> cache;
  std::lock_guard lock(mutex);
  if (auto it = cache.find(file); it != cache.end()) return it->second;

  const char* env = std::getenv("SIMBIND_VECTORS_DIR");
  const std::string path = std::string(env && *env ? env : SIMBIND_VECTORS_DIR) + "/" + file;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open test vectors at " + path + " (tests/data in the checkout, or SIMBIND_VECTORS_DIR)");
  return cache.emplace(file, nlohmann::json::parse(in)).first->second;
}

Bytes hex_field(const nlohmann::json& entry, const std::string& key) {
  if (!entry.contains(key) || !entry[key].is_string()) {
    ADD_FAILURE() << "vector " << label(entry) << " has no string field '" << key << "'";
    return {};
  }
  auto bytes = from_hex(entry[key].get<std::string>());
  if (!bytes) {
    ADD_FAILURE() << "vector field '" << key << "': " << bytes.error().message;
    return {};
  }
  return *bytes;
}

std::string label(const nlohmann::json& entry) {
  std::string out;
  if (entry.contains("id")) out = entry["id"].get<std::string>();
  if (entry.contains("set")) out += "set " + std::to_string(entry["set"].get<int>());
  if (entry.contains("clause")) out += " (" + entry["clause"].get<std::string>() + ")";
  return out.empty() ? entry.dump().substr(0, 60) : out;
}

}  // namespace simbind::test
