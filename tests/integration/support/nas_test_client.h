// The UE end of NAS over TCP for tests that script the UE themselves (what simbind-ue does, one step at a time,
// plus what it never does: malformed frames and messages).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "common/nas/framing.h"
#include "common/util/bytes.h"

namespace simbind::test {

class NasTestClient {
 public:
  NasTestClient() = default;
  ~NasTestClient();
  NasTestClient(const NasTestClient&) = delete;
  NasTestClient& operator=(const NasTestClient&) = delete;

  bool connect(int port);
  bool send(nas::UeConnectionId ue, ByteView payload, nas::FrameKind kind = nas::FrameKind::nas_pdu);
  bool send_raw(ByteView bytes);  // anything, framed or not
  // The next frame for `ue` (frames for other UEs are kept for later calls), or nullopt after `timeout`.
  std::optional<nas::Frame> receive(nas::UeConnectionId ue, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  bool connected() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
  nas::FrameReader reader_;
  std::vector<nas::Frame> kept_;
};

}  // namespace simbind::test
