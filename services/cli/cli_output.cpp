#include "services/cli/cli_output.h"

#include <algorithm>
#include <iomanip>
#include <nlohmann/json.hpp>

namespace simbind::cli {

void Output::print(std::ostream& out, bool json) const {
  if (json) {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    for (const auto& [key, value] : fields_) {
      std::visit([&j, &key](const auto& v) { j[key] = v; }, value);
    }
    out << j.dump() << "\n";
    return;
  }
  std::size_t width = 0;
  for (const auto& field : fields_) width = std::max(width, field.first.size());
  for (const auto& [key, value] : fields_) {
    out << std::left << std::setw(static_cast<int>(width) + 2) << key;
    std::visit(
        [&out](const auto& v) {
          if constexpr (std::is_same_v<std::decay_t<decltype(v)>, bool>) {
            out << (v ? "yes" : "no");
          } else {
            out << v;
          }
        },
        value);
    out << "\n";
  }
}

}  // namespace simbind::cli
