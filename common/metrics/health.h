// The readiness a daemon reports on GET /healthz (docker-compose health checks): not ready while it starts,
// ready from its "ready" log line, not ready again once it shuts down.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>

namespace simbind::metrics {

struct Readiness {
  bool ready = false;
  std::string reason;  // why not (the 503 body); empty when ready
};

using ReadinessCheck = std::function<Readiness()>;

class Health {
 public:
  void set_ready() {
    std::lock_guard lock(mutex_);
    state_ = Readiness{true, ""};
  }
  void set_not_ready(std::string reason) {
    std::lock_guard lock(mutex_);
    state_ = Readiness{false, std::move(reason)};
  }
  Readiness check() const {
    std::lock_guard lock(mutex_);
    return state_;
  }
  ReadinessCheck checker() const {
    return [this] { return check(); };
  }

 private:
  mutable std::mutex mutex_;
  Readiness state_{false, "starting"};
};

}  // namespace simbind::metrics
