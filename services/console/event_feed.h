// The console's live feed: simbind-ue's event stream (StreamEvents, reconnected when it breaks) and simbind-hss's
// audit log (polled, new rows by id) turned into ladder steps (ladder.h), kept in a bounded buffer with a sequence
// number each, so that every page's event stream (server-sent events) picks up where it was.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "services/console/backends.h"
#include "services/console/console_counters.h"
#include "services/console/ladder.h"

namespace simbind::console {

struct FeedItem {
  std::uint64_t seq = 0;
  LadderStep step;
};

struct FeedStatus {
  bool ue_stream = false;  // StreamEvents is open
  bool hss_audit = false;  // the last audit poll answered
  std::string problem;     // why not, as the last failure said
};

class EventFeed {
 public:
  static constexpr std::size_t kCapacity = 20000;  // steps kept for pages that (re)connect
  static constexpr int kAuditPage = 500;           // audit rows per ListAuditEvents call
  static constexpr int kAuditPagesPerPoll = 20;    // a larger burst is read on at the next poll, never skipped

  // Starts the two reader threads. `backends` and `counters` (may be null) must outlive the feed.
  EventFeed(Backends& backends, std::chrono::milliseconds audit_poll = std::chrono::milliseconds(400),
            ConsoleCounters* counters = nullptr);
  ~EventFeed();  // cancels the stream, joins the threads
  EventFeed(const EventFeed&) = delete;
  EventFeed& operator=(const EventFeed&) = delete;

  // Steps with seq > after, oldest first, at most `max`; waits up to `wait` for one when there is none.
  std::vector<FeedItem> after(std::uint64_t after, std::size_t max, std::chrono::milliseconds wait);
  // Steps about one UE or one subscriber (IMEI or IMSI equal), oldest first, the last `max`.
  std::vector<FeedItem> about(const std::string& imei, const std::string& imsi, std::size_t max);
  std::uint64_t last_seq();
  FeedStatus status();

  // For tests and the HTTP layer: add steps as the readers do.
  void push(std::vector<LadderStep> steps);

 private:
  void read_ue_events();
  void poll_audit();
  void count(const char* source, std::size_t steps);

  Backends& backends_;
  const std::chrono::milliseconds audit_poll_;
  ConsoleCounters* counters_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<FeedItem> items_;
  std::uint64_t next_seq_ = 1;
  FeedStatus status_;
  std::string ue_problem_, hss_problem_;  // the last failure of each, cleared when it works again
  bool stopping_ = false;
  grpc::ClientContext* stream_context_ = nullptr;  // the open StreamEvents call, under mutex_
  std::thread ue_thread_, audit_thread_;
};

}  // namespace simbind::console
