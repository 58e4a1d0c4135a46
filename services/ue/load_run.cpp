#include "services/ue/load_run.h"

#include <algorithm>
#include <cmath>

#include "common/log/log.h"

namespace simbind::ue {
namespace {

constexpr std::chrono::milliseconds kTick{5};

double percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

}  // namespace

ControlResult<std::shared_ptr<LoadRun>> LoadRun::start(UeFleet& fleet, UeTransport& loop, LoadSpec spec) {
  // NaN fails every comparison and infinity overflows the cast in tick(): only a finite rate above 0 is taken.
  if (!(spec.rate > 0) || !std::isfinite(spec.rate)) {
    return refuse(ControlError::Code::invalid_argument, "rate must be a finite number above 0 per second");
  }
  std::vector<std::string> population = fleet.attachable();
  if (spec.first_n > 0 && spec.first_n < population.size()) population.resize(spec.first_n);
  if (population.empty()) return refuse(ControlError::Code::invalid_argument, "no UE with a UICC to attach");
  if (spec.count == 0) spec.count = static_cast<std::uint32_t>(population.size());
  if (spec.count > population.size() && !spec.detach_after) {
    return refuse(ControlError::Code::invalid_argument,
                  "count " + std::to_string(spec.count) + " is more than the " + std::to_string(population.size()) +
                      " UEs chosen: each UE attaches once unless detach_after is set");
  }
  std::shared_ptr<LoadRun> run(new LoadRun(fleet, loop, spec, std::move(population)));
  log::info("load: {} attaches at {}/s over {} UEs{}", spec.count, spec.rate, run->population_.size(),
            spec.detach_after ? ", each followed by a detach" : "");
  run->tick();
  return run;
}

LoadRun::LoadRun(UeFleet& fleet, UeTransport& loop, LoadSpec spec, std::vector<std::string> population)
    : fleet_(fleet), loop_(loop), spec_(std::move(spec)), population_(std::move(population)),
      started_at_(std::chrono::steady_clock::now()), last_done_at_(started_at_) {
  snapshot_.count = spec_.count;
  latencies_ms_.reserve(spec_.count);
}

LoadSnapshot LoadRun::snapshot() const {
  std::lock_guard lock(mutex_);
  return snapshot_;
}

void LoadRun::stop() {
  loop_.post([self = shared_from_this()] { self->halt(); });
}

void LoadRun::halt() {
  stop_requested_ = true;
  maybe_finish();
}

void LoadRun::tick() {
  if (stop_requested_) return;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at_).count();
  const auto due = std::min<std::uint64_t>(spec_.count, static_cast<std::uint64_t>(elapsed * spec_.rate) + 1);
  std::uint32_t started = snapshot().started;
  // Start what the rate allows, skipping UEs still busy with an earlier attach or detach of this run.
  for (std::size_t scanned = 0; started < due && scanned < population_.size(); ++scanned) {
    const std::string& imei = population_[next_];
    next_ = (next_ + 1) % population_.size();
    if (busy_.count(imei)) continue;
    launch(imei);
    ++started;
    scanned = 0;
  }
  if (started < spec_.count) loop_.schedule(kTick, [self = shared_from_this()] { self->tick(); });
}

void LoadRun::launch(const std::string& imei) {
  busy_.insert(imei);
  {
    std::lock_guard lock(mutex_);
    ++snapshot_.started;
  }
  auto self = shared_from_this();
  auto started = fleet_.attach(imei, spec_.apn, [self, imei](const AttachOutcome& o) { self->attach_done(imei, o); });
  if (!started) {
    AttachOutcome o;
    o.failure = "control";
    o.message = started.error().message;
    attach_done(imei, o);
  }
}

void LoadRun::attach_done(const std::string& imei, const AttachOutcome& o) {
  last_done_at_ = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    ++snapshot_.done;
    if (o.success) {
      ++snapshot_.succeeded;
    } else {
      ++snapshot_.failed;
      ++snapshot_.failures_by_cause[o.failure.empty() ? "unknown" : o.failure];
    }
  }
  if (o.success) latencies_ms_.push_back(static_cast<double>(o.latency_us) / 1000.0);
  if (o.success && spec_.detach_after) {
    // The detach runs from the loop's next turn: this callback is inside the UE's own attach procedure.
    loop_.post([self = shared_from_this(), imei] {
      auto r = self->fleet_.detach(imei, [self, imei](const DetachOutcome&) { self->ue_free(imei); });
      if (!r) self->ue_free(imei);
    });
    return;
  }
  ue_free(imei);
}

void LoadRun::ue_free(const std::string& imei) {
  busy_.erase(imei);
  maybe_finish();
}

void LoadRun::maybe_finish() {
  LoadSnapshot s = snapshot();
  if (s.finished) return;
  const bool all_started = s.started >= s.count || stop_requested_;
  if (!all_started || s.done < s.started || !busy_.empty()) return;
  std::sort(latencies_ms_.begin(), latencies_ms_.end());
  const double elapsed = std::chrono::duration<double>(last_done_at_ - started_at_).count();
  std::lock_guard lock(mutex_);
  snapshot_.finished = true;
  snapshot_.count = snapshot_.started;
  snapshot_.elapsed_s = elapsed;
  snapshot_.attaches_per_second = elapsed > 0 ? snapshot_.succeeded / elapsed : 0;
  snapshot_.p50_ms = percentile(latencies_ms_, 50);
  snapshot_.p99_ms = percentile(latencies_ms_, 99);
  log::info("load done: {} of {} attaches succeeded in {:.2f} s ({:.1f}/s), p50 {:.1f} ms, p99 {:.1f} ms",
            snapshot_.succeeded, snapshot_.count, elapsed, snapshot_.attaches_per_second, snapshot_.p50_ms,
            snapshot_.p99_ms);
}

}  // namespace simbind::ue
