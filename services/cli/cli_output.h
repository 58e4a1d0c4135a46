// What a `simbind` command prints: named fields, as one JSON object (--json) or an aligned table; a list of
// records as one JSON object holding an array, or as a table with a header row.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace simbind::cli {

// UTC, millisecond precision: 2024-05-01T12:00:00.123Z.
std::string utc_time(std::int64_t time_ms);

class Output {
 public:
  using Value = std::variant<std::string, bool, long long>;

  Output& add(std::string key, Value value) {
    fields_.emplace_back(std::move(key), std::move(value));
    return *this;
  }
  // Records under one key, after the fields (a subscriber's APN configurations): with --json an array of
  // objects, otherwise the key alone on a line and then a table of the chosen columns, indented.
  struct Records {
    std::string key;
    std::vector<std::string> columns;
    std::vector<Output> records;
  };
  Output& add_records(Records r) {
    records_.push_back(std::move(r));
    return *this;
  }
  void print(std::ostream& out, bool json) const;
  const std::vector<std::pair<std::string, Value>>& fields() const { return fields_; }
  const std::vector<Records>& records() const { return records_; }

 private:
  std::vector<std::pair<std::string, Value>> fields_;
  std::vector<Records> records_;
};

// A table of `columns` (the header row first), each row one record's values; `indent` before every line.
void print_table(std::ostream& out, const std::vector<std::string>& columns, const std::vector<Output>& records,
                 const std::string& indent);

// Records of one kind (subscribers, audit events). With --json: {"<summary fields>", "<name>": [{...}, ...]},
// every field of every record. Otherwise one row per record with the chosen columns, then the summary fields.
class Listing {
 public:
  Listing(std::string name, std::vector<std::string> columns) : name_(std::move(name)), columns_(std::move(columns)) {}

  Listing& add(std::string key, Output::Value value) {
    summary_.add(std::move(key), std::move(value));
    return *this;
  }
  void add_record(Output record) { records_.push_back(std::move(record)); }
  void print(std::ostream& out, bool json) const;

 private:
  std::string name_;
  std::vector<std::string> columns_;
  Output summary_;
  std::vector<Output> records_;
};

}  // namespace simbind::cli
