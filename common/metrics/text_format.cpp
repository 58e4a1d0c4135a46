#include "common/metrics/text_format.h"

#include <cmath>
#include <cstdio>

namespace simbind::metrics {
namespace {

bool name_char(char c, bool first, bool colon) {
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
  return alpha || (!first && c >= '0' && c <= '9');
}

bool valid_name(const std::string& name, bool colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!name_char(name[i], i == 0, colon)) return false;
  }
  return true;
}

}  // namespace

std::string escape_help(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string escape_label_value(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  // Counters and gauges here are integers: exact up to 2^53, printed without a fraction or exponent.
  if (v == std::floor(v) && std::fabs(v) < 9007199254740992.0) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.17g", v);
  }
  return buf;
}

bool valid_metric_name(const std::string& name) { return valid_name(name, true); }

bool valid_label_name(const std::string& name) { return valid_name(name, false) && name.rfind("__", 0) != 0; }

std::string full_name(const std::string& prefix, const Family& family) {
  std::string full = prefix + family.name();
  constexpr std::string_view total = "_total";
  if (family.type() == MetricType::counter &&
      (full.size() < total.size() || full.compare(full.size() - total.size(), total.size(), total) != 0)) {
    full += total;
  }
  return full;
}

void render_family(std::string& out, const std::string& full, const Family& family,
                   const std::vector<Sample>& samples) {
  out += "# HELP " + full + " " + escape_help(family.help()) + "\n";
  out += "# TYPE " + full + (family.type() == MetricType::counter ? " counter\n" : " gauge\n");
  const auto& names = family.label_names();
  for (const auto& s : samples) {
    out += full;
    if (!names.empty()) {
      out += '{';
      for (std::size_t i = 0; i < names.size() && i < s.labels.size(); ++i) {
        if (i) out += ',';
        out += names[i] + "=\"" + escape_label_value(s.labels[i]) + "\"";
      }
      out += '}';
    }
    out += ' ' + format_value(s.value) + '\n';
  }
}

}  // namespace simbind::metrics
