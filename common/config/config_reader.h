// Reading a daemon's YAML configuration into a plain struct. Every problem is collected (not just the first),
// and each message names the file and the key: "hss.yaml: diameter.port: must be 1..65535, got 70000".
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/util/error.h"

namespace simbind::config {

// HOST:PORT: the last colon separates the port, 1..65535; an IPv6 host comes in brackets ([::1]:9100), given back
// without them. Nothing when the text is not that.
struct HostPort {
  std::string host;
  std::uint16_t port = 0;
};
std::optional<HostPort> parse_host_port(std::string_view text);

class ConfigReader {
 public:
  // Loads `path`; a missing file or a YAML syntax error is reported with the file name (and line).
  static Result<ConfigReader> load_file(const std::string& path);
  static Result<ConfigReader> load_string(const std::string& yaml, const std::string& name);

  // A view of one mapping inside the document. Getters record problems in the reader and return the default.
  class Section {
   public:
    bool has(const std::string& key) const;
    Section section(const std::string& key) const;  // missing -> empty section (every key at its default)
    std::vector<Section> list(const std::string& key) const;

    std::string string(const std::string& key, const std::string& fallback) const;
    std::string required_string(const std::string& key) const;
    std::int64_t integer(const std::string& key, std::int64_t fallback, std::int64_t min, std::int64_t max) const;
    bool boolean(const std::string& key, bool fallback) const;
    // HOST:PORT (parse_host_port below) with a port 1..65535; a problem names the key otherwise. Returns the text
    // as given (the fallback when absent).
    std::string host_port(const std::string& key, const std::string& fallback) const;
    std::vector<std::string> strings(const std::string& key) const;
    // One of `choices`; anything else is an error that lists them.
    std::string choice(const std::string& key, const std::string& fallback,
                       std::initializer_list<const char*> choices) const;

    // Reports keys that are not in `known` (typos are the most common config error).
    void allow_only(std::initializer_list<const char*> known) const;
    // Records a problem found by the caller's own validation, named by key.
    void problem(const std::string& key, const std::string& message) const;

    const std::string& path() const { return path_; }

   private:
    friend class ConfigReader;
    Section(ConfigReader* reader, YAML::Node node, std::string path)
        : reader_(reader), node_(std::move(node)), path_(std::move(path)) {}
    std::string key_path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
    YAML::Node get(const std::string& key) const;

    ConfigReader* reader_;
    YAML::Node node_;
    std::string path_;
  };

  Section root() { return Section(this, root_, ""); }
  const std::string& file() const { return file_; }

  // After reading: ok, or one config_error listing every problem, one per line.
  Result<void> finish() const;

 private:
  ConfigReader(YAML::Node root, std::string file);
  void add_problem(const std::string& key_path, const std::string& message);

  YAML::Node root_;
  std::string file_;
  std::vector<std::string> problems_;
};

// A daemon's configuration from a file or from text (tests, the config fuzz target), with one reading function
// `read(ConfigReader&, source)` that calls finish() itself: every daemon loads the same way.
template <typename Read>
auto load_config_file(const std::string& path, Read read) -> decltype(read(std::declval<ConfigReader&>(), path)) {
  auto reader = ConfigReader::load_file(path);
  if (!reader) return std::unexpected(reader.error());
  return read(*reader, path);
}
template <typename Read>
auto load_config_text(const std::string& yaml, const std::string& name, Read read)
    -> decltype(read(std::declval<ConfigReader&>(), name)) {
  auto reader = ConfigReader::load_string(yaml, name);
  if (!reader) return std::unexpected(reader.error());
  return read(*reader, name);
}

}  // namespace simbind::config
