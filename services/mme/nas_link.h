// What the EMM procedures need from the NAS transport: send a frame, run work and timers on the one thread
// that owns UE state. NasServer implements it over TCP; tests can drive the procedures without sockets.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include "common/nas/framing.h"
#include "services/mme/context_setup.h"

namespace simbind::mme {

enum class ConnectionId : std::uint64_t {};

class NasLink {
 public:
  using TimerId = std::uint64_t;
  virtual ~NasLink() = default;
  virtual void send(ConnectionId connection, nas::Frame frame) = 0;  // any thread
  // The ATTACH ACCEPT with a default bearer (any thread). Over S1AP an INITIAL CONTEXT SETUP REQUEST carries it;
  // a transport without an access stratum sends the frame alone.
  virtual void send_context_setup(ConnectionId connection, nas::Frame frame, const ContextSetup& setup) {
    (void)setup;
    send(connection, std::move(frame));
  }
  virtual void post(std::function<void()> work) = 0;                 // any thread
  virtual TimerId schedule(std::chrono::milliseconds delay, std::function<void()> work) = 0;  // loop thread
  virtual void cancel(TimerId id) = 0;                                                       // loop thread
};

}  // namespace simbind::mme
