// Writes device files (DeviceStore) on a thread of its own, so that the NAS event loop never waits for a disk:
// the loop hands over rendered files, the writer coalesces them by path (the newest content wins) and writes
// each batch with one sync (DeviceStore::write_batch). flush() waits until everything handed over is on disk.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "services/ue/device_store.h"

namespace simbind::ue {

class DevicePersister {
 public:
  explicit DevicePersister(const DeviceStore& store);
  ~DevicePersister();  // writes what is pending, then stops

  void save(DeviceStore::File file);  // any thread
  void flush();                       // any thread: returns when every file saved so far is written

 private:
  void run();

  const DeviceStore& store_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::map<std::string, std::string> pending_;
  std::uint64_t queued_ = 0;   // files handed over
  std::uint64_t written_ = 0;  // of those, written (or failed and logged)
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace simbind::ue
