// Load mode (RunLoad): `count` attaches paced at `rate` per second over the chosen UEs, many in flight at once on
// the one TCP connection, each UE used by one attach at a time (round robin); with detach_after, each success is
// followed by a detach so that the UE can attach again. Runs on the event loop; snapshot() from any thread.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "services/ue/ue_transport.h"
#include "services/ue/ue_fleet.h"

namespace simbind::ue {

struct LoadSpec {
  std::uint32_t count = 0;  // 0: one attach per chosen UE
  double rate = 100;        // attaches started per second
  std::uint32_t first_n = 0;  // 0: every UE with a UICC; else the first N in IMEI order
  bool detach_after = false;
  std::optional<std::string> apn;
};

struct LoadSnapshot {
  std::uint32_t count = 0;
  std::uint32_t started = 0;
  std::uint32_t done = 0;
  std::uint32_t succeeded = 0;
  std::uint32_t failed = 0;
  bool finished = false;
  // Meaningful once finished.
  double elapsed_s = 0;
  double attaches_per_second = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  std::map<std::string, std::uint32_t> failures_by_cause;
};

class LoadRun : public std::enable_shared_from_this<LoadRun> {
 public:
  // Loop thread. Fails when no UE can attach.
  static ControlResult<std::shared_ptr<LoadRun>> start(UeFleet& fleet, UeTransport& loop, LoadSpec spec);

  LoadSnapshot snapshot() const;  // any thread
  void stop();                    // any thread: start no more attaches; those in flight finish
  void halt();                    // loop thread: the same, at once

 private:
  LoadRun(UeFleet& fleet, UeTransport& loop, LoadSpec spec, std::vector<std::string> population);
  void tick();
  void launch(const std::string& imei);
  void attach_done(const std::string& imei, const AttachOutcome& o);
  void ue_free(const std::string& imei);
  void maybe_finish();

  UeFleet& fleet_;
  UeTransport& loop_;
  LoadSpec spec_;
  std::vector<std::string> population_;
  std::size_t next_ = 0;
  std::set<std::string> busy_;  // UEs in one of our attaches or detaches
  std::chrono::steady_clock::time_point started_at_;
  std::chrono::steady_clock::time_point last_done_at_;
  std::vector<double> latencies_ms_;
  bool stop_requested_ = false;  // loop thread

  mutable std::mutex mutex_;  // guards snapshot_
  LoadSnapshot snapshot_;
};

}  // namespace simbind::ue
