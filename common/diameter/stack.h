// The freeDiameter stack of this process: start from a StackConfig, register the node's applications, stop.
// freeDiameter keeps one stack per process (global state) and cannot start twice: one DiameterStack per process.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/diameter/stack_config.h"
#include "common/util/error.h"

namespace simbind::diameter {

class DiameterStack {
 public:
  // `setup` runs after the configuration and dictionaries are loaded and before the stack connects to peers:
  // the place to define dictionary objects and register dispatch handlers.
  static Result<std::unique_ptr<DiameterStack>> start(const StackConfig& config,
                                                      const std::function<Result<void>()>& setup);
  ~DiameterStack();  // shuts the stack down and waits for it

  DiameterStack(const DiameterStack&) = delete;
  DiameterStack& operator=(const DiameterStack&) = delete;

  const StackConfig& config() const { return config_; }
  // True once the peer has completed capabilities exchange (state OPEN).
  bool peer_is_open(const std::string& identity) const;
  // Every configured peer (diameter.peers) with its freeDiameter state ("STATE_OPEN", "STATE_CLOSED", ...; "unknown"
  // while freeDiameter has no entry for it: an accept-only peer that never connected). Any thread.
  struct PeerState {
    std::string identity;
    bool open = false;
    std::string state;
  };
  std::vector<PeerState> peer_states() const;
  // freeDiameter can stop the whole stack by itself (a thread meeting an error it deems unrecoverable). The
  // handler runs once when that happens (at once if it already has), on a freeDiameter thread, with freeDiameter's
  // last error line: the daemon reports itself unhealthy and exits, so that its supervisor restarts it.
  void on_failure(std::function<void(const std::string& reason)> handler);
  std::optional<std::string> failure() const;  // the reason, once the stack has stopped by itself
  // Polls peer_is_open until it is true or `timeout` passes.
  bool wait_peer_open(const std::string& identity, std::chrono::milliseconds timeout) const;

 private:
  explicit DiameterStack(StackConfig config) : config_(std::move(config)) {}
  StackConfig config_;
};

}  // namespace simbind::diameter
