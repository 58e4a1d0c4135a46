#include "services/cli/cli_args.h"

namespace simbind::cli {

Bytes hex_bytes_option(std::string_view option, std::string_view text) {
  auto v = from_hex(text);
  if (!v) throw UsageError(option, v.error().message);
  return *v;
}

}  // namespace simbind::cli
