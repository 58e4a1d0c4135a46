// simbind-ue's NAS transport: ONE TCP connection to simbind-mme carrying the framed NAS PDUs of every emulated UE
// (common/nas/framing.h), reconnecting when it drops, run by one event-loop thread. Everything that touches UE
// state runs on that thread: frames are delivered there, work from gRPC threads is posted there, and the NAS
// timers fire there; so the UE procedures need no locks and never block the loop.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <vector>

#include "common/nas/framing.h"
#include "common/util/error.h"
#include "common/util/loop_tasks.h"
#include "services/ue/ue_transport.h"

namespace simbind::ue {

struct NasClientCounters {
  std::atomic<std::uint64_t> connects{0};
  std::atomic<std::uint64_t> disconnects{0};
  std::atomic<std::uint64_t> frames_in{0};
  std::atomic<std::uint64_t> frames_out{0};
  std::atomic<std::uint64_t> frames_dropped{0};  // unknown kinds in, or out while disconnected
};

class NasClient final : public UeTransport {
 public:

  // Sets up the loop; nothing runs until start().
  static Result<std::unique_ptr<NasClient>> create(std::string host, std::uint16_t port,
                                                   std::chrono::milliseconds reconnect_interval);
  ~NasClient() override;  // stops the loop and closes the connection

  // Starts the loop thread, which connects (and reconnects) to the MME.
  void start(FrameHandler on_frame, StateHandler on_state) override;

  // Any thread.
  void post(std::function<void()> work) override;
  std::string peer() const override { return "NAS/TCP to " + host_ + ":" + std::to_string(port_); }
  const NasClientCounters& counters() const { return counters_; }
  TransportStats stats() const override {
    return {counters_.connects, counters_.disconnects, counters_.frames_in, counters_.frames_out,
            counters_.frames_dropped};
  }

  // Loop thread only.
  bool connected() const override { return state_ == State::connected && broken_.empty(); }
  // Dropped (and counted) while not connected. Never calls back: a send error only marks the connection broken,
  // and the loop disconnects (on_state(false)) from its top level, outside the caller's procedure.
  void send(const nas::Frame& frame) override;
  TimerId schedule(std::chrono::milliseconds delay, std::function<void()> work) override;
  void cancel(TimerId id) override;

 private:
  enum class State { idle, connecting, connected };

  NasClient() = default;
  void run();
  void try_connect();
  void on_connect_done();
  void on_readable();
  void flush();
  void disconnect(const std::string& why);
  void settle();  // top level only: acts on a connection that broke while sending
  void watch(std::uint32_t events);

  std::string host_;
  std::uint16_t port_ = 0;
  std::chrono::milliseconds reconnect_{1000};
  int epoll_fd_ = -1;
  int fd_ = -1;
  State state_ = State::idle;
  bool outage_logged_ = false;
  std::string broken_;  // non-empty: a send failed with this error; disconnect at the loop's top level
  nas::FrameReader reader_;
  Bytes out_;
  FrameHandler on_frame_;
  StateHandler on_state_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};

  LoopTasks tasks_;  // posted work and timers (T3410, T3411, ...); settle() runs after each

  NasClientCounters counters_;
};

}  // namespace simbind::ue
