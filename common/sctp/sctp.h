// SCTP for S1AP (TS 36.412): one-to-one associations carrying messages with a stream number and a PPID.
//
// Two implementations behind one interface: the kernel's SCTP (socket(..., IPPROTO_SCTP)) where the kernel has it,
// and usrsctp (a userland SCTP stack, Debian libusrsctp) where it does not, on raw IP (protocol 132, as Open5GS
// built with usrsctp speaks it: needs CAP_NET_RAW) or in UDP (RFC 6951) when a UDP port is configured. `automatic`
// takes the kernel's when a kernel SCTP socket can be opened, usrsctp otherwise.
//
// Callbacks run on the endpoint's own thread (kernel: a poll thread; usrsctp: its receive thread), never inside
// send(); the user posts them to its own loop. send(), shutdown() and abort() may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/util/bytes.h"
#include "common/util/error.h"

namespace simbind::sctp {

enum class Backend { kernel, usrsctp, automatic };
const char* to_string(Backend b);
Result<Backend> parse_backend(const std::string& text);  // "kernel", "usrsctp", "auto"

inline constexpr std::uint16_t kS1apPort = 36412;
inline constexpr std::uint32_t kS1apPpid = 18;

struct TransportConfig {
  Backend backend = Backend::automatic;
  // usrsctp only: 0 = SCTP directly over IP (raw sockets); otherwise SCTP over UDP (RFC 6951), this process's
  // local UDP port, and the peer's remote_udp_port (the same number by default).
  std::uint16_t udp_encapsulation_port = 0;
  std::uint16_t remote_udp_port = 0;  // 0 = udp_encapsulation_port
  std::uint16_t streams = 2;          // outbound streams asked for (and inbound accepted) at association setup
  std::chrono::milliseconds heartbeat_interval{5000};
  unsigned max_retransmissions = 5;  // association max retransmissions before it is declared lost
};

enum class AssociationId : std::uint64_t {};
inline std::uint64_t to_uint(AssociationId id) { return static_cast<std::uint64_t>(id); }

struct AssociationInfo {
  AssociationId id{};
  std::string peer;                // "127.0.0.1:36412"
  std::uint16_t inbound_streams = 0;
  std::uint16_t outbound_streams = 0;
};

struct Handlers {
  std::function<void(const AssociationInfo&)> on_up;
  // One whole user message (SCTP reassembles); the stream and PPID it came on.
  std::function<void(AssociationId, std::uint16_t stream, std::uint32_t ppid, Bytes data)> on_message;
  // The association is gone (peer shutdown or abort, heartbeat loss, local abort): no more messages for it.
  // For a client, also a connection attempt that failed (reason says why); it does not reconnect by itself.
  std::function<void(AssociationId, const std::string& reason)> on_down;
};

class Endpoint {
 public:
  virtual ~Endpoint() = default;  // aborts every association; no callback runs after it returns
  // Queues one message. Fails when the association is not (or no longer) up or the stream is out of range.
  virtual Result<void> send(AssociationId id, std::uint16_t stream, ByteView data, std::uint32_t ppid = kS1apPpid) = 0;
  virtual void shutdown(AssociationId id) = 0;  // graceful (SHUTDOWN); on_down follows
  virtual void abort(AssociationId id) = 0;     // ABORT; on_down follows
  virtual Backend backend() const = 0;          // the one in use (never automatic)
  virtual std::uint16_t local_port() const = 0;
};

// A server: listens on address:port (port 0 = any free port, see local_port()) and accepts associations.
Result<std::unique_ptr<Endpoint>> listen(const TransportConfig& config, const std::string& address,
                                         std::uint16_t port, Handlers handlers);
// A client: one association to address:port, set up in the background; on_up or on_down tells how it went.
// local_address binds the client's side ("" = any). To reconnect, destroy it and connect again.
Result<std::unique_ptr<Endpoint>> connect(const TransportConfig& config, const std::string& address,
                                          std::uint16_t port, Handlers handlers,
                                          const std::string& local_address = "");

}  // namespace simbind::sctp
