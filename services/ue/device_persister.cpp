#include "services/ue/device_persister.h"

#include "common/log/log.h"

namespace simbind::ue {

DevicePersister::DevicePersister(const DeviceStore& store) : store_(store), thread_([this] { run(); }) {}

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

void DevicePersister::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
    if (pending_.empty() && stopping_) return;
    std::map<std::string, std::string> batch;
    batch.swap(pending_);
    const std::uint64_t covered = queued_;  // everything queued so far is in this batch (coalesced)
    lock.unlock();
    std::vector<DeviceStore::File> files(batch.begin(), batch.end());
    if (auto done = store_.write_batch(files); !done) {
      log::error("device store: {} ({} files not saved)", done.error().message, files.size());
    }
    lock.lock();
    written_ = covered;
    idle_.notify_all();
  }
}

}  // namespace simbind::ue
