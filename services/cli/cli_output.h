// What a `simbind` command prints: named fields, as one JSON object (--json) or an aligned table.
#pragma once

#include <ostream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace simbind::cli {

class Output {
 public:
  using Value = std::variant<std::string, bool, long long>;

  Output& add(std::string key, Value value) {
    fields_.emplace_back(std::move(key), std::move(value));
    return *this;
  }
  void print(std::ostream& out, bool json) const;

 private:
  std::vector<std::pair<std::string, Value>> fields_;
};

}  // namespace simbind::cli
