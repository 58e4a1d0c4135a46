// The Prometheus text exposition format 0.0.4: escaping and one family's lines.
// https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
#pragma once

#include <string>
#include <vector>

#include "common/metrics/registry.h"

namespace simbind::metrics {

inline constexpr const char* kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

// HELP text: backslash and line feed escaped.
std::string escape_help(const std::string& text);
// Label values: backslash, double quote and line feed escaped.
std::string escape_label_value(const std::string& value);
// Integers as integers ("3", not "3.000000"); +Inf, -Inf, NaN as Prometheus spells them.
std::string format_value(double value);
// [a-zA-Z_:][a-zA-Z0-9_:]* (metric) or [a-zA-Z_][a-zA-Z0-9_]* (label, not starting with "__").
bool valid_metric_name(const std::string& name);
bool valid_label_name(const std::string& name);

// The full name of a family: prefix + name, and "_total" after a counter's name unless it has it already.
std::string full_name(const std::string& prefix, const Family& family);
// # HELP, # TYPE and one line per sample.
void render_family(std::string& out, const std::string& full, const Family& family,
                   const std::vector<Sample>& samples);

}  // namespace simbind::metrics
