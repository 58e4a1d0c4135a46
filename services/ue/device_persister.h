// Writes device files (DeviceStore) on a thread of its own, so that the NAS event loop never waits for a disk:
// the loop hands over rendered files, the writer coalesces them by path (the newest content wins) and writes
// each batch with one sync (DeviceStore::write_batch). flush() waits until everything handed over is on disk.
// A file that cannot be written is kept and tried again every retry interval (unless newer content for its path
// came meanwhile); the error is logged once per outage, naming the file and never its content.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "services/ue/device_store.h"

namespace simbind::ue {

class DevicePersister {
 public:
  explicit DevicePersister(const DeviceStore& store, std::chrono::milliseconds retry = std::chrono::seconds(1));
  ~DevicePersister();  // writes what is pending (one last try for files that failed), then stops

  void save(DeviceStore::File file);  // any thread
  // Any thread: returns when every file saved so far has been tried once (written, or failed: kept for a retry).
  void flush();
  std::size_t failing() const;  // files whose last write failed and that are not written since

 private:
  void run();

  const DeviceStore& store_;
  const std::chrono::milliseconds retry_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::map<std::string, std::string> pending_;
  std::map<std::string, std::string> retry_files_;  // failed, waiting for the next retry
  std::set<std::string> failing_;                   // paths whose last write failed
  bool outage_logged_ = false;
  std::uint64_t queued_ = 0;   // files handed over
  std::uint64_t written_ = 0;  // of those, written (or failed and logged)
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace simbind::ue
