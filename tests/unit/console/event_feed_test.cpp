// The console's feed against an audit log that grows in a burst: every row reaches the ladder once, in id order,
// although a poll reads 500 rows at a time. The HSS here is a gRPC server in the test that keeps audit rows only
// and answers ListAuditEvents as simbind-hss does (newest first; after_id: oldest first); simbind-ue is absent.
#include "services/console/event_feed.h"

#include <gtest/gtest.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>

#include "tests/unit/console/test_backends.h"

namespace simbind::console {
namespace {

class AuditLogHss final : public hss::v1::HssAdmin::Service {
 public:
  AuditLogHss() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(this);
    server_ = builder.BuildAndStart();
  }
  ~AuditLogHss() override { server_->Shutdown(); }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  void append(int n) {
    std::lock_guard lock(mutex_);
    for (int i = 0; i < n; ++i) {
      const std::int64_t id = static_cast<std::int64_t>(rows_.size()) + 1;
      hss::v1::AuditEvent e;
      e.set_id(id);
      e.set_time_us(1'700'000'000'000'000 + id);
      e.set_imsi("001019000000001");
      e.set_event("row");
      e.set_decision(std::to_string(id));
      rows_.push_back(e);
    }
  }
  int calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

  grpc::Status ListAuditEvents(grpc::ServerContext*, const hss::v1::ListAuditEventsRequest* r,
                               hss::v1::ListAuditEventsResponse* out) override {
    std::lock_guard lock(mutex_);
    ++calls_;
    const int limit = r->limit() ? static_cast<int>(r->limit()) : 100;
    if (r->after_id() > 0) {
      for (auto i = static_cast<std::size_t>(r->after_id()); i < rows_.size() && out->events_size() < limit; ++i) {
        *out->add_events() = rows_[i];
      }
    } else {
      for (auto it = rows_.rbegin(); it != rows_.rend() && out->events_size() < limit; ++it) {
        *out->add_events() = *it;
      }
    }
    return grpc::Status::OK;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<hss::v1::AuditEvent> rows_;
  int calls_ = 0;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

// The audit rows' ids as the ladder shows them ("row <id>" notes on the HSS lane), in feed order.
std::vector<int> audit_ids(EventFeed& feed) {
  std::vector<int> ids;
  for (const auto& item : feed.after(0, EventFeed::kCapacity, std::chrono::milliseconds(0))) {
    if (item.step.text.rfind("row ", 0) == 0) ids.push_back(std::stoi(item.step.text.substr(4)));
  }
  return ids;
}

std::vector<int> wait_for_ids(EventFeed& feed, std::size_t n) {
  std::vector<int> ids;
  for (int i = 0; i < 100 && ids.size() < n; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ids = audit_ids(feed);
  }
  return ids;
}

TEST(EventFeed, when_more_audit_rows_arrive_between_two_polls_than_one_page_holds_then_none_is_skipped) {
  AuditLogHss hss;
  hss.append(3);
  Backends backends = test::backends_with_hss_at(hss.address());
  EventFeed feed(backends, std::chrono::milliseconds(200));
  ASSERT_EQ(wait_for_ids(feed, 3).size(), 3u) << "the history is read first";

  hss.append(1'234);  // two and a half pages, between two polls
  const auto ids = wait_for_ids(feed, 1'237);
  ASSERT_EQ(ids.size(), 1'237u);
  for (std::size_t i = 0; i < ids.size(); ++i) ASSERT_EQ(ids[i], static_cast<int>(i) + 1) << "at " << i;
  EXPECT_TRUE(feed.status().hss_audit);

  // Caught up: the polls that follow ask for what is after the last id and add nothing.
  const int calls = hss.calls();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_GT(hss.calls(), calls);
  EXPECT_EQ(audit_ids(feed).size(), 1'237u);
}

TEST(EventFeed, when_the_history_is_longer_than_a_page_then_only_its_newest_page_is_shown) {
  AuditLogHss hss;
  hss.append(1'200);
  Backends backends = test::backends_with_hss_at(hss.address());
  EventFeed feed(backends, std::chrono::milliseconds(200));
  const auto ids = wait_for_ids(feed, EventFeed::kAuditPage);
  ASSERT_EQ(ids.size(), static_cast<std::size_t>(EventFeed::kAuditPage));
  EXPECT_EQ(ids.front(), 1'200 - EventFeed::kAuditPage + 1);
  EXPECT_EQ(ids.back(), 1'200);
  hss.append(1);
  EXPECT_EQ(wait_for_ids(feed, EventFeed::kAuditPage + 1).back(), 1'201);
}

}  // namespace
}  // namespace simbind::console
