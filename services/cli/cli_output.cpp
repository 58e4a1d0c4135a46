#include "services/cli/cli_output.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>

namespace simbind::cli {
namespace {

nlohmann::ordered_json to_json(const Output& o) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [key, value] : o.fields()) {
    std::visit([&j, &key](const auto& v) { j[key] = v; }, value);
  }
  for (const auto& r : o.records()) {
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    for (const auto& record : r.records) array.push_back(to_json(record));
    j[r.key] = std::move(array);
  }
  return j;
}

// A value as a table shows it: booleans as yes/no, an empty string as "-" (so that columns stay readable).
std::string to_text(const Output::Value& value, bool dash_for_empty) {
  return std::visit(
      [dash_for_empty](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          return v ? "yes" : "no";
        } else if constexpr (std::is_same_v<T, std::string>) {
          return v.empty() && dash_for_empty ? "-" : v;
        } else {
          return std::to_string(v);
        }
      },
      value);
}

const Output::Value* find(const Output& o, const std::string& key) {
  for (const auto& [k, v] : o.fields()) {
    if (k == key) return &v;
  }
  return nullptr;
}

}  // namespace

void print_table(std::ostream& out, const std::vector<std::string>& columns, const std::vector<Output>& records,
                 const std::string& indent) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back(columns);
  for (const auto& r : records) {
    std::vector<std::string> row;
    for (const auto& c : columns) {
      const Output::Value* v = find(r, c);
      row.push_back(v ? to_text(*v, true) : "-");
    }
    rows.push_back(std::move(row));
  }
  std::vector<std::size_t> widths(columns.size(), 0);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::ostringstream line;
    line << indent;
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i + 1 < row.size()) {
        line << std::left << std::setw(static_cast<int>(widths[i]) + 2) << row[i];
      } else {
        line << row[i];
      }
    }
    out << line.str() << "\n";
  }
}

void Output::print(std::ostream& out, bool json) const {
  if (json) {
    out << to_json(*this).dump() << "\n";
    return;
  }
  std::size_t width = 0;
  for (const auto& field : fields_) width = std::max(width, field.first.size());
  for (const auto& [key, value] : fields_) {
    out << std::left << std::setw(static_cast<int>(width) + 2) << key << to_text(value, false) << "\n";
  }
  for (const auto& r : records_) {
    out << r.key << "\n";
    print_table(out, r.columns, r.records, "  ");
  }
}

void Listing::print(std::ostream& out, bool json) const {
  if (json) {
    nlohmann::ordered_json j = to_json(summary_);
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    for (const auto& r : records_) array.push_back(to_json(r));
    j[name_] = std::move(array);
    out << j.dump() << "\n";
    return;
  }
  print_table(out, columns_, records_, "");
  summary_.print(out, false);
}

std::string utc_time(std::int64_t time_ms) {
  const std::time_t seconds = static_cast<std::time_t>(time_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03dZ", static_cast<int>(time_ms % 1000));
  return std::string(text, n) + millis;
}

}  // namespace simbind::cli
