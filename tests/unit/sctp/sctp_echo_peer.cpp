// A second process for sctp_test: its own usrsctp stack on raw IP. `listen PORT` echoes every message back on the
// stream and PPID it came on; `idle` only brings a stack up (it sees every SCTP packet of the host and owns no
// association: it must not disturb the others). Runs until killed.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
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
