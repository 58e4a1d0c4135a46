// The MME's NAS transport: a TCP server carrying framed NAS PDUs for many UEs per connection (common/nas/
// framing.h), run by one event-loop thread. Everything that touches UE state runs on that thread: frames are
// delivered there, work from other threads (Diameter answers) is posted there, and timers (T3460, T3450, ...)
// fire there; so procedure code needs no locks and never blocks the loop.
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
#include <unordered_map>
#include <vector>

#include "common/nas/framing.h"
#include "services/mme/nas_link.h"
#include "common/util/error.h"
#include "common/util/loop_tasks.h"

namespace simbind::mme {

struct NasServerCounters {
  std::atomic<std::uint64_t> connections{0};
  std::atomic<std::uint64_t> frames_in{0};
  std::atomic<std::uint64_t> frames_out{0};
  std::atomic<std::uint64_t> frames_dropped{0};       // unknown frame kinds
  std::atomic<std::uint64_t> connections_broken{0};   // unframeable input: connection closed
};

class NasServer final : public NasLink {
 public:
  using FrameHandler = std::function<void(ConnectionId, nas::Frame)>;
  using CloseHandler = std::function<void(ConnectionId)>;

  // Listens on address:port (port 0 = any free port, see port()) and starts the loop thread.
  static Result<std::unique_ptr<NasServer>> start(const std::string& address, std::uint16_t port,
                                                  FrameHandler on_frame, CloseHandler on_close);
  // The same in two steps, for a user that needs the server before any frame arrives: listen (connections wait
  // in the backlog), then start the loop.
  static Result<std::unique_ptr<NasServer>> listen(const std::string& address, std::uint16_t port,
                                                   FrameHandler on_frame, CloseHandler on_close);
  void start_loop();
  ~NasServer() override;  // stops the loop and closes every connection

  std::uint16_t port() const { return port_; }

  // Any thread: queue a frame for a connection (dropped if it has gone), run work on the loop thread.
  void send(ConnectionId connection, nas::Frame frame) override;
  void post(std::function<void()> work) override;

  // Loop thread only: run `work` after `delay`, unless cancelled first.
  TimerId schedule(std::chrono::milliseconds delay, std::function<void()> work) override;
  void cancel(TimerId id) override;

  const NasServerCounters& counters() const { return counters_; }

 private:
  struct Connection {
    int fd = -1;
    nas::FrameReader reader;
    Bytes out;  // bytes not yet written
  };
  NasServer() = default;
  void run();
  void accept_all();
  void on_readable(ConnectionId id);
  void flush(ConnectionId id);
  void close(ConnectionId id);
  void update_interest(ConnectionId id, bool want_write);

  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  std::uint16_t port_ = 0;
  FrameHandler on_frame_;
  CloseHandler on_close_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};

  std::unordered_map<std::uint64_t, Connection> connections_;  // loop thread
  std::uint64_t next_connection_ = 1;

  LoopTasks tasks_;  // posted work and timers (T3450, T3460, ...)

  NasServerCounters counters_;
};

}  // namespace simbind::mme
