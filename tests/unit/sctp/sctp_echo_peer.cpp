// A second process for sctp_test: its own usrsctp stack on raw IP. `listen PORT` echoes every message back on the
// stream and PPID it came on; `idle` only brings a stack up (it sees every SCTP packet of the host and owns no
// association: it must not disturb the others). Both run until killed. Over UDP (RFC 6951) instead:
// `listen-udp PORT UDP_PORT PEER_UDP_PORT` echoes, and `ping-udp PORT UDP_PORT PEER_UDP_PORT` sends one message to
// it and exits 0 when the echo comes back.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <future>
#include <memory>
#include <mutex>
#include <string>

#include "common/sctp/sctp.h"

using namespace simbind;

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  sctp::TransportConfig c;
  c.backend = sctp::Backend::usrsctp;
  c.heartbeat_interval = std::chrono::milliseconds(200);
  c.max_retransmissions = 2;
  std::unique_ptr<sctp::Endpoint> ep;
  std::mutex m;
  sctp::Handlers h;
  h.on_message = [&](sctp::AssociationId id, std::uint16_t stream, std::uint32_t ppid, Bytes data) {
    std::lock_guard lock(m);
    if (ep) (void)ep->send(id, stream, data, ppid);
  };
  if (std::strcmp(argv[1], "listen") == 0 && argc == 3) {
    auto e = sctp::listen(c, "127.0.0.1", static_cast<std::uint16_t>(std::atoi(argv[2])), h);
    if (!e) {
      std::fprintf(stderr, "%s\n", e.error().message.c_str());
      return 1;
    }
    std::lock_guard lock(m);
    ep = std::move(*e);
  } else if ((std::strcmp(argv[1], "listen-udp") == 0 || std::strcmp(argv[1], "ping-udp") == 0) && argc == 5) {
    c.udp_encapsulation_port = static_cast<std::uint16_t>(std::atoi(argv[3]));
    c.remote_udp_port = static_cast<std::uint16_t>(std::atoi(argv[4]));
    const auto port = static_cast<std::uint16_t>(std::atoi(argv[2]));
    if (std::strcmp(argv[1], "listen-udp") == 0) {
      auto e = sctp::listen(c, "127.0.0.1", port, h);
      if (!e) return 1;
      std::lock_guard lock(m);
      ep = std::move(*e);
    } else {
      std::promise<bool> echoed;
      std::promise<sctp::AssociationId> up;
      sctp::Handlers ph;
      ph.on_up = [&](const sctp::AssociationInfo& i) { up.set_value(i.id); };
      ph.on_message = [&](sctp::AssociationId, std::uint16_t, std::uint32_t, Bytes d) { echoed.set_value(d == Bytes{1, 2, 3}); };
      auto e = sctp::connect(c, "127.0.0.1", port, ph);
      if (!e) return 1;
      auto up_f = up.get_future();
      if (up_f.wait_for(std::chrono::seconds(10)) != std::future_status::ready) return 3;
      if (!(*e)->send(up_f.get(), 1, Bytes{1, 2, 3})) return 4;
      auto echo_f = echoed.get_future();
      if (echo_f.wait_for(std::chrono::seconds(10)) != std::future_status::ready) return 5;
      std::_Exit(echo_f.get() ? 0 : 6);
    }
  } else if (std::strcmp(argv[1], "idle") == 0) {
    // A client towards a port nobody listens on: the stack runs, its own association never comes up.
    auto e = sctp::connect(c, "127.0.0.1", 9, h);
    if (!e) return 1;
    std::lock_guard lock(m);
    ep = std::move(*e);
  } else {
    return 2;
  }
  std::printf("ready\n");
  std::fflush(stdout);
  while (true) pause();
}
