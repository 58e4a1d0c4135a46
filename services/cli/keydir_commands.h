// `simbind keydir ...`: the client end of simbind-keydir (proto/keydir.proto) over mutual TLS: `register` (a
// manufacturer's certificate) and `get` (an operator's certificate).
#pragma once

#include <CLI/CLI.hpp>

namespace simbind::cli {

void add_keydir_commands(CLI::App& parent);

}  // namespace simbind::cli
