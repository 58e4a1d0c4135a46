// The non-socket half of a single-threaded epoll loop: work posted from any thread, and timers run on the loop
// thread. The loop registers wake_fd() with its epoll set, calls drain() when it is readable, and uses
// run_due_timers()'s answer as its epoll timeout. Shared by simbind-mme's NAS server and simbind-ue's client.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <queue>
#include <vector>

namespace simbind {

class LoopTasks {
 public:
  using TimerId = std::uint64_t;

  LoopTasks();  // makes the eventfd; wake_fd() < 0 if the kernel refused one
  ~LoopTasks();
  LoopTasks(const LoopTasks&) = delete;
  LoopTasks& operator=(const LoopTasks&) = delete;

  int wake_fd() const { return wake_fd_; }
  void wake();                                // any thread: make epoll_wait return
  void post(std::function<void()> work);      // any thread: queue `work` and wake the loop

  // Loop thread only.
  TimerId schedule(std::chrono::milliseconds delay, std::function<void()> work);
  void cancel(TimerId id);  // a cancelled timer never runs
  void drain();             // read the eventfd, then run every posted task
  int run_due_timers();     // runs what is due; milliseconds until the next timer, or -1 when none
  // Runs after every posted task and every timer (e.g. to act on a connection a task broke, outside that task).
  void after_each(std::function<void()> hook) { after_each_ = std::move(hook); }

 private:
  struct Timer {
    std::chrono::steady_clock::time_point due;
    TimerId id;
    bool operator>(const Timer& o) const { return due > o.due; }
  };

  int wake_fd_ = -1;
  std::mutex posted_mutex_;
  std::vector<std::function<void()>> posted_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  std::map<TimerId, std::function<void()>> timer_work_;
  TimerId next_timer_ = 1;
  std::function<void()> after_each_;
};

}  // namespace simbind
