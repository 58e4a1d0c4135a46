#include "common/util/loop_tasks.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>

namespace simbind {

LoopTasks::LoopTasks() : wake_fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

LoopTasks::~LoopTasks() {
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void LoopTasks::wake() {
  const std::uint64_t one = 1;
  if (wake_fd_ >= 0) (void)::write(wake_fd_, &one, sizeof one);
}

void LoopTasks::post(std::function<void()> work) {
  {
    std::lock_guard lock(posted_mutex_);
    posted_.push_back(std::move(work));
  }
  wake();
}

LoopTasks::TimerId LoopTasks::schedule(std::chrono::milliseconds delay, std::function<void()> work) {
  const TimerId id = next_timer_++;
  timers_.push(Timer{std::chrono::steady_clock::now() + delay, id});
  timer_work_.emplace(id, std::move(work));
  return id;
}

void LoopTasks::cancel(TimerId id) { timer_work_.erase(id); }  // its heap entry expires harmlessly

void LoopTasks::drain() {
  std::uint64_t count = 0;
  if (wake_fd_ >= 0) (void)::read(wake_fd_, &count, sizeof count);
  std::vector<std::function<void()>> work;
  {
    std::lock_guard lock(posted_mutex_);
    work.swap(posted_);
  }
  for (auto& w : work) {
    w();
    if (after_each_) after_each_();
  }
}

int LoopTasks::run_due_timers() {
  const auto now = std::chrono::steady_clock::now();
  while (!timers_.empty() && timers_.top().due <= now) {
    const TimerId id = timers_.top().id;
    timers_.pop();
    auto it = timer_work_.find(id);
    if (it == timer_work_.end()) continue;  // cancelled
    auto work = std::move(it->second);
    timer_work_.erase(it);
    work();
    if (after_each_) after_each_();
  }
  while (!timers_.empty() && !timer_work_.count(timers_.top().id)) timers_.pop();
  if (timers_.empty()) return -1;
  const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(timers_.top().due - now).count();
  return static_cast<int>(std::max<long long>(wait, 0) + 1);
}

}  // namespace simbind
