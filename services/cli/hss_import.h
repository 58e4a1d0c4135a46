// The bulk import files of `simbind hss import`: srsEPC's user_db.csv layout, or YAML. The whole file is read and
// checked before anything is sent; each problem names the file, the line (CSV) or entry (YAML), and the field.
#pragma once

#include <string>
#include <vector>

#include "services/cli/hss_input.h"

namespace simbind::cli {

struct ImportEntry {
  std::string where;  // "users.csv line 4", "users.yaml subscribers[2]"
  NewSubscriber subscriber;
};

// The format follows the extension (.csv, .yaml, .yml). Throws UsageError listing every problem found.
std::vector<ImportEntry> read_import_file(const std::string& path);

}  // namespace simbind::cli
