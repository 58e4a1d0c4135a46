#include "services/console/counters.h"

#include <charconv>
#include <set>

namespace simbind::console {
namespace {

const std::set<std::string>& shown(const std::string& daemon) {
  static const std::map<std::string, std::set<std::string>> names{
      {"mme", {"attach_requests", "attaches_completed", "attaches_without_pdn", "attaches_rejected",
               "mac_failures_reported", "detaches"}},
      {"hss", {"vectors_issued", "binding_outcomes", "binding_failure_reports", "binding_activations"}},
      {"prov", {"kme_establishments", "keydir_lookups", "binding_activations"}},
      {"keydir", {"lookups", "registrations"}},
      {"ue", {}},
  };
  static const std::set<std::string> none;
  const auto it = names.find(daemon);
  return it == names.end() ? none : it->second;
}

}  // namespace

std::vector<CounterValue> pick_counters(const std::string& daemon, std::string_view text) {
  std::vector<CounterValue> out;
  const std::string prefix = "simbind_" + daemon + "_";
  const auto& names = shown(daemon);
  while (!text.empty()) {
    const auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    if (line.empty() || line[0] == '#' || line.rfind(prefix, 0) != 0) continue;
    const auto name_end = line.find_first_of("{ ");
    if (name_end == std::string_view::npos) continue;
    std::string name(line.substr(prefix.size(), name_end - prefix.size()));
    if (name.size() > 6 && name.compare(name.size() - 6, 6, "_total") == 0) name.resize(name.size() - 6);
    if (!names.count(name)) continue;
    std::string labels;
    std::size_t value_at = name_end;
    if (line[name_end] == '{') {
      const auto close = line.find('}', name_end);
      if (close == std::string_view::npos) continue;
      labels = std::string(line.substr(name_end + 1, close - name_end - 1));
      value_at = close + 1;
    }
    std::string_view v = line.substr(value_at);
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    v = v.substr(0, v.find(' '));  // an optional timestamp follows
    double value = 0;
    if (std::from_chars(v.data(), v.data() + v.size(), value).ec != std::errc()) continue;
    out.push_back(CounterValue{daemon, name, labels, value});
  }
  return out;
}

}  // namespace simbind::console
