#include "services/ue/device_persister.h"

#include <iterator>
#include <vector>

#include "common/log/log.h"

namespace simbind::ue {

DevicePersister::DevicePersister(const DeviceStore& store, std::chrono::milliseconds retry)
    : store_(store), retry_(retry), thread_([this] { run(); }) {}

DevicePersister::~DevicePersister() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void DevicePersister::save(DeviceStore::File file) {
  {
    std::lock_guard lock(mutex_);
    pending_[file.first] = std::move(file.second);
    ++queued_;
  }
  wake_.notify_one();
}

void DevicePersister::flush() {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = queued_;
  idle_.wait(lock, [&] { return written_ >= target; });
}

std::size_t DevicePersister::failing() const {
  std::lock_guard lock(mutex_);
  return failing_.size();
}

void DevicePersister::run() {
  std::unique_lock lock(mutex_);
  auto next_retry = std::chrono::steady_clock::now();
  while (true) {
    if (retry_files_.empty()) {
      wake_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
    } else {
      // Failed files wait for the retry interval; new files are written at once (and take the failed along).
      wake_.wait_until(lock, next_retry, [&] { return stopping_ || !pending_.empty(); });
    }
    if (pending_.empty() && retry_files_.empty() && stopping_) return;
    std::map<std::string, std::string> batch;
    batch.swap(pending_);
    batch.merge(retry_files_);  // newer content for a path (in batch) wins over the failed one
    retry_files_.clear();
    const std::uint64_t covered = queued_;  // everything queued so far is in this batch (coalesced)
    const bool last_try = stopping_;
    lock.unlock();
    std::vector<DeviceStore::File> files(std::make_move_iterator(batch.begin()), std::make_move_iterator(batch.end()));
    batch.clear();
    std::vector<std::size_t> failed;
    const auto done = store_.write_batch(files, &failed);
    lock.lock();
    std::vector<bool> bad(files.size(), false);
    for (std::size_t i : failed) bad[i] = true;
    for (std::size_t i = 0; i < files.size(); ++i) {
      if (bad[i]) {
        failing_.insert(files[i].first);
      } else {
        failing_.erase(files[i].first);
      }
    }
    if (!done) {
      if (last_try) {
        log::error("device store: {}: {} file(s) not saved at shutdown", done.error().message, failed.size());
      } else {
        if (!outage_logged_) {
          log::error("device store: {} ({} file(s) not saved; retrying every {} ms)", done.error().message,
                     failed.size(), retry_.count());
          outage_logged_ = true;
        }
        for (std::size_t i : failed) {
          // Content handed over meanwhile for the same path is newer: it stays.
          if (!pending_.count(files[i].first)) retry_files_.emplace(std::move(files[i]));
        }
        next_retry = std::chrono::steady_clock::now() + retry_;
      }
    } else if (outage_logged_ && failing_.empty()) {
      log::info("device store: writing again, every file saved");
      outage_logged_ = false;
    }
    written_ = covered;
    idle_.notify_all();
    if (last_try && pending_.empty()) return;
  }
}

}  // namespace simbind::ue
