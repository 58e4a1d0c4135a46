// How simbind-ue's UEs reach an MME: NAS over our TCP framing (NasClient) or S1AP over SCTP as emulated eNBs
// (S1apEnbs). Both carry the same frames (common/nas/framing.h: a NAS PDU or a UE context release, tagged with a
// UE connection id) and own the one event-loop thread on which every UE lives: frames are delivered there, work
// from gRPC threads is posted there, and the NAS timers fire there.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "common/nas/framing.h"

namespace simbind::ue {

// What `simbind ue list` shows of the transport (NAS/TCP: the connection and its frames; S1AP: the associations
// and their PDUs).
struct TransportStats {
  std::uint64_t connects = 0, disconnects = 0, frames_in = 0, frames_out = 0, frames_dropped = 0;
};

class UeTransport {
 public:
  using FrameHandler = std::function<void(nas::Frame)>;
  using StateHandler = std::function<void(bool connected)>;
  using TimerId = std::uint64_t;
  virtual ~UeTransport() = default;

  // Starts the loop thread, which connects (and reconnects) to the MME.
  virtual void start(FrameHandler on_frame, StateHandler on_state) = 0;

  // Any thread.
  virtual void post(std::function<void()> work) = 0;
  virtual std::string peer() const = 0;  // "NAS/TCP to 127.0.0.1:36412", "S1AP (usrsctp) to 127.0.0.1:36412"
  virtual TransportStats stats() const = 0;

  // Loop thread only.
  virtual bool connected() const = 0;  // a UE can start an attach now
  // Dropped (and counted) while not connected. Never calls back into the UEs from inside send().
  virtual void send(const nas::Frame& frame) = 0;
  virtual TimerId schedule(std::chrono::milliseconds delay, std::function<void()> work) = 0;
  virtual void cancel(TimerId id) = 0;
};

}  // namespace simbind::ue
