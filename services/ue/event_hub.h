// The UE event stream (StreamEvents): the event loop publishes, each subscriber (a gRPC stream) reads from its
// own bounded queue, so a slow reader loses its oldest events (counted) and never slows the loop.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace simbind::ue {

struct UeEvent {
  std::int64_t unix_us = 0;
  std::string imei;
  std::string imsi;
  std::string kind;
  std::string text;
};

class EventHub {
 public:
  class Subscription {
   public:
    // The next event, or nullopt after `timeout` (so that the reader can check for cancellation).
    std::optional<UeEvent> next(std::chrono::milliseconds timeout);
    std::uint64_t lost() const;

   private:
    friend class EventHub;
    std::string imei_filter;
    mutable std::mutex mutex;
    std::condition_variable ready;
    std::deque<UeEvent> queue;
    std::uint64_t lost_ = 0;
  };

  static constexpr std::size_t kQueueLimit = 100000;

  std::shared_ptr<Subscription> subscribe(std::string imei_filter);  // empty filter: every UE
  void unsubscribe(const std::shared_ptr<Subscription>& s);
  void publish(const UeEvent& e);
  bool has_subscribers() const;

 private:
  mutable std::mutex mutex_;
  std::list<std::shared_ptr<Subscription>> subscribers_;
};

}  // namespace simbind::ue
