#include "services/console/event_feed.h"

#include <algorithm>

#include "common/log/log.h"
#include "proto/event_time.h"

namespace simbind::console {

EventFeed::EventFeed(Backends& backends, std::chrono::milliseconds audit_poll, ConsoleCounters* counters)
    : backends_(backends), audit_poll_(audit_poll), counters_(counters) {
  ue_thread_ = std::thread([this] { read_ue_events(); });
  audit_thread_ = std::thread([this] { poll_audit(); });
}

EventFeed::~EventFeed() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    if (stream_context_) stream_context_->TryCancel();
  }
  changed_.notify_all();
  ue_thread_.join();
  audit_thread_.join();
}

void EventFeed::count(const char* source, std::size_t steps) {
  if (counters_ && steps > 0) counters_->ladder_steps.inc({source}, steps);
}

void EventFeed::push(std::vector<LadderStep> steps) {
  if (steps.empty()) return;
  {
    std::lock_guard lock(mutex_);
    for (auto& s : steps) {
      items_.push_back(FeedItem{next_seq_++, std::move(s)});
      if (items_.size() > kCapacity) items_.pop_front();
    }
  }
  changed_.notify_all();
}

std::vector<FeedItem> EventFeed::after(std::uint64_t after, std::size_t max, std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, wait, [&] { return stopping_ || next_seq_ - 1 > after; });
  std::vector<FeedItem> out;
  // Sequence numbers are consecutive in the buffer: the first wanted one is found by arithmetic.
  if (items_.empty() || items_.back().seq <= after) return out;
  const std::uint64_t first = std::max<std::uint64_t>(after + 1, items_.front().seq);
  for (auto it = items_.begin() + static_cast<std::ptrdiff_t>(first - items_.front().seq);
       it != items_.end() && out.size() < max; ++it) {
    out.push_back(*it);
  }
  return out;
}

std::vector<FeedItem> EventFeed::about(const std::string& imei, const std::string& imsi, std::size_t max) {
  std::lock_guard lock(mutex_);
  std::vector<FeedItem> out;
  for (auto it = items_.rbegin(); it != items_.rend() && out.size() < max; ++it) {
    const LadderStep& s = it->step;
    if ((!imei.empty() && s.imei == imei) || (!imsi.empty() && s.imsi == imsi)) out.push_back(*it);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::uint64_t EventFeed::last_seq() {
  std::lock_guard lock(mutex_);
  return next_seq_ - 1;
}

FeedStatus EventFeed::status() {
  std::lock_guard lock(mutex_);
  FeedStatus s = status_;
  s.problem = ue_problem_ + (ue_problem_.empty() || hss_problem_.empty() ? "" : "; ") + hss_problem_;
  return s;
}

void EventFeed::read_ue_events() {
  bool logged = false;
  for (;;) {
    grpc::ClientContext context;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      stream_context_ = &context;
    }
    ue::v1::StreamEventsRequest request;
    auto reader = backends_.ue->StreamEvents(&context, request);
    // simbind-ue sends its initial metadata once the subscription is in place; a call that failed returns here
    // too, and its Finish below takes the flag back at once.
    reader->WaitForInitialMetadata();
    {
      std::lock_guard lock(mutex_);
      status_.ue_stream = true;
      ue_problem_.clear();
    }
    ue::v1::Event e;
    bool first = true;
    while (reader->Read(&e)) {
      if (first) {
        first = false;
        if (logged) log::info("simbind-ue's event stream is back");
        logged = false;
      }
      auto steps = steps_of(UeEventRecord{unix_us_of(e), e.imei(), e.imsi(), e.kind(), e.text()});
      count("ue-events", steps.size());
      push(std::move(steps));
    }
    const grpc::Status status = reader->Finish();
    std::unique_lock lock(mutex_);
    stream_context_ = nullptr;
    status_.ue_stream = false;
    if (stopping_) return;
    ue_problem_ = "simbind-ue event stream: " + describe(status);
    if (!logged) log::warn("{}; trying again every second", ue_problem_);
    logged = true;
    changed_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
  }
}

// The first read takes the newest rows (the recent history); every later one asks for the rows after the last id
// seen, oldest first, page after page, so that a burst between two polls (a load test) leaves no gap in the ladder.
void EventFeed::poll_audit() {
  std::int64_t last_id = 0;
  bool logged = false;
  for (;;) {
    grpc::Status status;
    for (int page = 0; page < kAuditPagesPerPoll; ++page) {
      hss::v1::ListAuditEventsRequest request;
      request.set_limit(kAuditPage);
      request.set_after_id(last_id);
      hss::v1::ListAuditEventsResponse response;
      auto context = call_context(std::chrono::seconds(5));
      status = backends_.hss->ListAuditEvents(context.get(), request, &response);
      if (!status.ok()) break;
      // Oldest first after an id, newest first on the first read (and from an HSS older than after_id): sorted here.
      std::vector<const hss::v1::AuditEvent*> rows;
      for (const auto& a : response.events()) {
        if (a.id() > last_id) rows.push_back(&a);
      }
      std::sort(rows.begin(), rows.end(), [](const auto* x, const auto* y) { return x->id() < y->id(); });
      std::vector<LadderStep> steps;
      for (const auto* a : rows) {
        auto s = steps_of(
            AuditRecord{a->id(), time_us_of(*a), a->imsi(), a->event(), a->decision(), a->imei(), a->reason()});
        steps.insert(steps.end(), std::make_move_iterator(s.begin()), std::make_move_iterator(s.end()));
      }
      const bool history = last_id == 0;
      if (!rows.empty()) last_id = rows.back()->id();
      count("hss-audit", steps.size());
      push(std::move(steps));
      if (history || rows.empty() || response.events_size() < kAuditPage) break;
    }
    if (status.ok()) {
      if (logged) log::info("simbind-hss's audit log answers again");
      logged = false;
    } else if (!logged) {
      log::warn("simbind-hss audit log: {}; trying again", describe(status));
      logged = true;
    }
    std::unique_lock lock(mutex_);
    status_.hss_audit = status.ok();
    hss_problem_ = status.ok() ? std::string() : "simbind-hss audit log: " + describe(status);
    if (changed_.wait_for(lock, audit_poll_, [this] { return stopping_; })) return;
  }
}

}  // namespace simbind::console
