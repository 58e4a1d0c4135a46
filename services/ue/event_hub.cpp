#include "services/ue/event_hub.h"

namespace simbind::ue {

std::optional<UeEvent> EventHub::Subscription::next(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex);
  if (!ready.wait_for(lock, timeout, [this] { return !queue.empty(); })) return std::nullopt;
  UeEvent e = std::move(queue.front());
  queue.pop_front();
  return e;
}

std::uint64_t EventHub::Subscription::lost() const {
  std::lock_guard lock(mutex);
  return lost_;
}

std::shared_ptr<EventHub::Subscription> EventHub::subscribe(std::string imei_filter) {
  auto s = std::make_shared<Subscription>();
  s->imei_filter = std::move(imei_filter);
  std::lock_guard lock(mutex_);
  subscribers_.push_back(s);
  return s;
}

void EventHub::unsubscribe(const std::shared_ptr<Subscription>& s) {
  std::lock_guard lock(mutex_);
  subscribers_.remove(s);
}

bool EventHub::has_subscribers() const {
  std::lock_guard lock(mutex_);
  return !subscribers_.empty();
}

void EventHub::publish(const UeEvent& e) {
  std::lock_guard lock(mutex_);
  for (const auto& s : subscribers_) {
    if (!s->imei_filter.empty() && s->imei_filter != e.imei) continue;
    {
      std::lock_guard q(s->mutex);
      if (s->queue.size() >= kQueueLimit) {
        s->queue.pop_front();
        ++s->lost_;
      }
      s->queue.push_back(e);
    }
    s->ready.notify_one();
  }
}

}  // namespace simbind::ue
