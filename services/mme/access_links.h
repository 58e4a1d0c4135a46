// The EMM engine's one NasLink over both access transports: NAS/TCP connections and S1AP associations
// (ConnectionIds with kS1apConnectionBit). Work and timers run on the NAS server's loop, which both share.
#pragma once

#include "services/mme/nas_server.h"
#include "services/mme/s1ap_server.h"

namespace simbind::mme {

class AccessLinks final : public NasLink {
 public:
  explicit AccessLinks(NasServer& tcp) : tcp_(tcp) {}
  void set_s1ap(S1apServer* s1ap) { s1ap_ = s1ap; }

  void send(ConnectionId connection, nas::Frame frame) override {
    if (is_s1ap(connection)) {
      if (s1ap_) s1ap_->send(connection, std::move(frame));
      return;
    }
    tcp_.send(connection, std::move(frame));
  }
  void send_context_setup(ConnectionId connection, nas::Frame frame, const ContextSetup& setup) override {
    if (is_s1ap(connection)) {
      if (s1ap_) s1ap_->send_context_setup(connection, std::move(frame), setup);
      return;
    }
    tcp_.send(connection, std::move(frame));
  }
  void post(std::function<void()> work) override { tcp_.post(std::move(work)); }
  TimerId schedule(std::chrono::milliseconds delay, std::function<void()> work) override {
    return tcp_.schedule(delay, std::move(work));
  }
  void cancel(TimerId id) override { tcp_.cancel(id); }

 private:
  NasServer& tcp_;
  S1apServer* s1ap_ = nullptr;
};

}  // namespace simbind::mme
