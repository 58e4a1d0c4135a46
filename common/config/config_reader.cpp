#include "common/config/config_reader.h"

#include <algorithm>
#include <charconv>
#include <set>

namespace simbind::config {

namespace {

// YAML 1.2 says a mapping's keys are unique; yaml-cpp keeps a repeated key and lets the first win, so a file with
// `admin:` twice would run with half of what it says. Every repeated key is a problem, named with its path.
void find_repeated_keys(const YAML::Node& node, const std::string& path, std::vector<std::string>& problems) {
  if (node.IsMap()) {
    std::set<std::string> seen;
    for (const auto& pair : node) {
      const std::string key = pair.first.IsScalar() ? pair.first.Scalar() : "?";
      const std::string at = path.empty() ? key : path + "." + key;
      if (!seen.insert(key).second) {
        problems.push_back(at + ": given twice (line " + std::to_string(pair.first.Mark().line + 1) +
                           "); each key once");
      }
      find_repeated_keys(pair.second, at, problems);
    }
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) find_repeated_keys(node[i], path + "[" + std::to_string(i) + "]", problems);
  }
}

}  // namespace

ConfigReader::ConfigReader(YAML::Node root, std::string file) : root_(std::move(root)), file_(std::move(file)) {
  std::vector<std::string> repeated;
  find_repeated_keys(root_, "", repeated);
  for (const auto& r : repeated) problems_.push_back(file_ + ": " + r);
}

Result<ConfigReader> ConfigReader::load_file(const std::string& path) {
  try {
    return ConfigReader(YAML::LoadFile(path), path);
  } catch (const YAML::BadFile&) {
    return fail(ErrorCode::config_error, path + ": cannot read the file");
  } catch (const YAML::Exception& e) {
    return fail(ErrorCode::config_error, path + ": line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

Result<ConfigReader> ConfigReader::load_string(const std::string& yaml, const std::string& name) {
  try {
    return ConfigReader(YAML::Load(yaml), name);
  } catch (const YAML::Exception& e) {
    return fail(ErrorCode::config_error, name + ": line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

void ConfigReader::add_problem(const std::string& key_path, const std::string& message) {
  problems_.push_back(file_ + ": " + key_path + ": " + message);
}

Result<void> ConfigReader::finish() const {
  if (problems_.empty()) return {};
  std::string all;
  for (const auto& p : problems_) all += (all.empty() ? "" : "\n") + p;
  return fail(ErrorCode::config_error, all);
}

YAML::Node ConfigReader::Section::get(const std::string& key) const {
  if (!node_.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  // yaml-cpp returns an "invalid" node for a missing key, whose type queries throw: hand out a valid
  // undefined node instead.
  YAML::Node n = node_[key];
  if (!n.IsDefined()) return YAML::Node(YAML::NodeType::Undefined);
  return n;
}

bool ConfigReader::Section::has(const std::string& key) const {
  const YAML::Node n = get(key);
  return n.IsDefined() && !n.IsNull();
}

void ConfigReader::Section::problem(const std::string& key, const std::string& message) const {
  reader_->add_problem(key_path(key), message);
}

ConfigReader::Section ConfigReader::Section::section(const std::string& key) const {
  const YAML::Node n = get(key);
  if (n.IsDefined() && !n.IsNull() && !n.IsMap()) problem(key, "must be a mapping");
  return Section(reader_, n.IsMap() ? n : YAML::Node(YAML::NodeType::Map), key_path(key));
}

std::vector<ConfigReader::Section> ConfigReader::Section::list(const std::string& key) const {
  std::vector<Section> out;
  const YAML::Node n = get(key);
  if (!n.IsDefined() || n.IsNull()) return out;
  if (!n.IsSequence()) {
    problem(key, "must be a list");
    return out;
  }
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string item_path = key_path(key) + "[" + std::to_string(i) + "]";
    if (!n[i].IsMap()) reader_->add_problem(item_path, "must be a mapping");
    out.push_back(Section(reader_, n[i].IsMap() ? n[i] : YAML::Node(YAML::NodeType::Map), item_path));
  }
  return out;
}

std::string ConfigReader::Section::string(const std::string& key, const std::string& fallback) const {
  const YAML::Node n = get(key);
  if (!n.IsDefined() || n.IsNull()) return fallback;
  if (!n.IsScalar()) {
    problem(key, "must be a string");
    return fallback;
  }
  return n.Scalar();
}

std::string ConfigReader::Section::required_string(const std::string& key) const {
  if (!has(key)) {
    problem(key, "is required");
    return {};
  }
  return string(key, {});
}

std::int64_t ConfigReader::Section::integer(const std::string& key, std::int64_t fallback, std::int64_t min,
                                            std::int64_t max) const {
  const YAML::Node n = get(key);
  if (!n.IsDefined() || n.IsNull()) return fallback;
  std::int64_t v = 0;
  if (!n.IsScalar() || !YAML::convert<std::int64_t>::decode(n, v)) {
    problem(key, "must be an integer, got '" + (n.IsScalar() ? n.Scalar() : std::string("a structure")) + "'");
    return fallback;
  }
  if (v < min || v > max) {
    problem(key, "must be " + std::to_string(min) + ".." + std::to_string(max) + ", got " + std::to_string(v));
    return fallback;
  }
  return v;
}

bool ConfigReader::Section::boolean(const std::string& key, bool fallback) const {
  const YAML::Node n = get(key);
  if (!n.IsDefined() || n.IsNull()) return fallback;
  bool v = false;
  if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v)) {
    problem(key, "must be true or false");
    return fallback;
  }
  return v;
}

std::vector<std::string> ConfigReader::Section::strings(const std::string& key) const {
  std::vector<std::string> out;
  const YAML::Node n = get(key);
  if (!n.IsDefined() || n.IsNull()) return out;
  if (!n.IsSequence()) {
    problem(key, "must be a list of strings");
    return out;
  }
  for (const auto& item : n) {
    if (item.IsScalar()) {
      out.push_back(item.Scalar());
    } else {
      problem(key, "must be a list of strings");
    }
  }
  return out;
}

std::string ConfigReader::Section::choice(const std::string& key, const std::string& fallback,
                                          std::initializer_list<const char*> choices) const {
  const std::string v = string(key, fallback);
  if (std::any_of(choices.begin(), choices.end(), [&v](const char* c) { return v == c; })) return v;
  std::string list;
  for (const char* c : choices) list += (list.empty() ? "" : ", ") + std::string(c);
  problem(key, "must be one of " + list + ", got '" + v + "'");
  return fallback;
}

void ConfigReader::Section::allow_only(std::initializer_list<const char*> known) const {
  if (!node_.IsMap()) return;
  const std::set<std::string> allowed(known.begin(), known.end());
  for (const auto& kv : node_) {
    const std::string key = kv.first.Scalar();
    if (!allowed.count(key)) {
      std::string list;
      for (const char* c : known) list += (list.empty() ? "" : ", ") + std::string(c);
      problem(key, "unknown key (known here: " + list + ")");
    }
  }
}

std::optional<HostPort> parse_host_port(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
    return std::nullopt;
  }
  return HostPort{std::string(host), static_cast<std::uint16_t>(port)};
}

std::string ConfigReader::Section::host_port(const std::string& key, const std::string& fallback) const {
  const std::string text = string(key, fallback);
  if (!parse_host_port(text)) problem(key, "must be HOST:PORT with a port 1..65535, got '" + text + "'");
  return text;
}

}  // namespace simbind::config
