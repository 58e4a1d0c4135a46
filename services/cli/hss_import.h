// The bulk import files of `simbind hss import`: srsEPC's user_db.csv layout, or YAML. The whole file is checked
// before anything is sent; each problem names the file, the line (CSV) or entry (YAML), and the field. A CSV is
// then read again a batch at a time, so a file of a million subscribers is never held in memory at once; a YAML
// file is parsed whole (yaml-cpp has no streaming reader), so it suits files of thousands, not millions.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "services/cli/hss_input.h"

namespace simbind::cli {

struct ImportEntry {
  std::string where;  // "users.csv line 4", "users.yaml subscribers[2]"
  NewSubscriber subscriber;
};

class ImportFile {
 public:
  // The format follows the extension (.csv, .yaml, .yml). Throws UsageError listing the first problems found
  // (in file order) and how many more there are.
  static ImportFile open(const std::string& path);

  std::size_t size() const { return size_; }
  // Calls `send` with up to `batch` entries at a time, in file order. Throws UsageError if a CSV changed since
  // open() so that it no longer reads the same.
  void for_each_batch(std::size_t batch, const std::function<void(std::span<const ImportEntry>)>& send) const;

 private:
  ImportFile(std::string path, bool csv) : path_(std::move(path)), csv_(csv) {}

  std::string path_;
  bool csv_;
  std::size_t size_ = 0;
  std::vector<ImportEntry> yaml_entries_;
};

}  // namespace simbind::cli
