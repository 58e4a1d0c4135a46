// The usrsctp backend of common/sctp/sctp.h: one-to-one SCTP sockets of Debian's libusrsctp, driven by upcalls.
//
// usrsctp runs its own threads (timers, the raw-IP or UDP receive loop) and calls a socket's upcall when it becomes
// readable; the upcall reads every whole message and notification there and hands them to the Handlers. One stack
// per process: it is initialised on first use (raw IP, or UDP encapsulation on one port) and never torn down
// (usrsctp_finish only succeeds once every socket is gone, and the process may still hold some at exit).
#include <arpa/inet.h>
#include <usrsctp.h>

#include <atomic>
#include <chrono>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "common/sctp/sctp.h"
#include "common/sctp/ipv4_address.h"
#include "common/sctp/sctp_backends.h"

namespace simbind::sctp {
namespace {

std::mutex g_stack_mutex;
bool g_stack_up = false;
std::uint16_t g_stack_udp_port = 0;

Result<void> ensure_stack(std::uint16_t udp_port) {
  std::lock_guard lock(g_stack_mutex);
  if (g_stack_up) {
    if (udp_port != g_stack_udp_port) {
      return fail(ErrorCode::config_error,
                  "usrsctp: one stack per process, already running on " +
                      (g_stack_udp_port ? "UDP port " + std::to_string(g_stack_udp_port) : std::string("raw IP")) +
                      "; asked for " + (udp_port ? "UDP port " + std::to_string(udp_port) : std::string("raw IP")));
    }
    return {};
  }
  usrsctp_init(udp_port, nullptr, nullptr);
  // Every usrsctp process on a host receives a copy of every SCTP packet on raw IP. A packet for an association
  // this process does not have is another process's: answering it with ABORT (RFC 9260 8.4) would kill that
  // process's association. Blackhole 2: never answer out-of-the-blue packets.
  usrsctp_sysctl_set_sctp_blackhole(2);
  usrsctp_sysctl_set_sctp_ecn_enable(0);
  g_stack_up = true;
  g_stack_udp_port = udp_port;
  return {};
}

// The socket options every association gets (set on the listening socket, they are inherited by accepted ones).
Result<void> configure(struct socket* so, const TransportConfig& c) {
  const auto set = [so](int option, const void* value, socklen_t size, const char* name) -> Result<void> {
    if (usrsctp_setsockopt(so, IPPROTO_SCTP, option, value, size) != 0) {
      return fail(ErrorCode::io_error, std::string("usrsctp: setsockopt ") + name + ": " + std::strerror(errno));
    }
    return {};
  };
  const int on = 1;
  if (auto r = set(SCTP_RECVRCVINFO, &on, sizeof on, "SCTP_RECVRCVINFO"); !r) return r;
  if (auto r = set(SCTP_NODELAY, &on, sizeof on, "SCTP_NODELAY"); !r) return r;
  sctp_initmsg init{};
  init.sinit_num_ostreams = c.streams;
  init.sinit_max_instreams = std::max<std::uint16_t>(c.streams, 2);
  init.sinit_max_attempts = 4;
  if (auto r = set(SCTP_INITMSG, &init, sizeof init, "SCTP_INITMSG"); !r) return r;
  for (std::uint16_t type : {SCTP_ASSOC_CHANGE, SCTP_SHUTDOWN_EVENT}) {
    sctp_event ev{};
    ev.se_assoc_id = SCTP_FUTURE_ASSOC;
    ev.se_on = 1;
    ev.se_type = type;
    if (auto r = set(SCTP_EVENT, &ev, sizeof ev, "SCTP_EVENT"); !r) return r;
  }
  // Liveness: heartbeats every heartbeat_interval, the association lost after max_retransmissions unanswered.
  // The retransmission timeout follows the heartbeat interval, so that a short interval means a quick verdict.
  const auto hb = static_cast<std::uint32_t>(c.heartbeat_interval.count());
  sctp_rtoinfo rto{};
  rto.srto_assoc_id = SCTP_FUTURE_ASSOC;
  rto.srto_initial = std::clamp<std::uint32_t>(hb, 200, 3000);
  rto.srto_min = std::clamp<std::uint32_t>(hb / 5, 100, 1000);
  rto.srto_max = std::max<std::uint32_t>(hb, 1000);
  if (auto r = set(SCTP_RTOINFO, &rto, sizeof rto, "SCTP_RTOINFO"); !r) return r;
  sctp_assocparams assoc{};
  assoc.sasoc_assoc_id = SCTP_FUTURE_ASSOC;
  assoc.sasoc_asocmaxrxt = static_cast<std::uint16_t>(c.max_retransmissions);
  if (auto r = set(SCTP_ASSOCINFO, &assoc, sizeof assoc, "SCTP_ASSOCINFO"); !r) return r;
  sctp_paddrparams paddr{};
  paddr.spp_assoc_id = SCTP_FUTURE_ASSOC;
  paddr.spp_hbinterval = hb;
  paddr.spp_pathmaxrxt = static_cast<std::uint16_t>(c.max_retransmissions);
  paddr.spp_flags = SPP_HB_ENABLE;
  if (auto r = set(SCTP_PEER_ADDR_PARAMS, &paddr, sizeof paddr, "SCTP_PEER_ADDR_PARAMS"); !r) return r;
  if (c.udp_encapsulation_port != 0) {
    sctp_udpencaps encaps{};
    auto* sin = reinterpret_cast<sockaddr_in*>(&encaps.sue_address);
    sin->sin_family = AF_INET;
    encaps.sue_port = htons(c.remote_udp_port ? c.remote_udp_port : c.udp_encapsulation_port);
    if (auto r = set(SCTP_REMOTE_UDP_ENCAPS_PORT, &encaps, sizeof encaps, "SCTP_REMOTE_UDP_ENCAPS_PORT"); !r) return r;
  }
  return {};
}

// Everything the upcalls touch. Not freed while usrsctp may still call an upcall with it: see bury().
struct Shared {
  std::mutex mutex;
  bool closed = false;
  Handlers handlers;
  struct Association {
    struct socket* so = nullptr;
    std::string peer;
    Bytes partial;  // a message delivered in parts (no MSG_EOR yet)
    bool up = false;
    bool reported_down = false;
  };
  std::map<std::uint64_t, Association> associations;
  struct socket* listener = nullptr;
  std::uint64_t next_id = 1;
  TransportConfig config;
};

// A destroyed endpoint's Shared is kept a while: usrsctp may have called an upcall with it just before the upcall was
// removed, and that call still takes its mutex (then sees `closed`). Ten seconds is far beyond any such call.
std::mutex g_graveyard_mutex;
std::vector<std::pair<std::chrono::steady_clock::time_point, std::unique_ptr<Shared>>> g_graveyard;
void bury(Shared* shared) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(g_graveyard_mutex);
  std::erase_if(g_graveyard, [now](const auto& e) { return now - e.first > std::chrono::seconds(10); });
  g_graveyard.emplace_back(now, std::unique_ptr<Shared>(shared));
}

class UsrsctpEndpoint final : public Endpoint {
 public:
  explicit UsrsctpEndpoint(Shared* shared, std::uint16_t port) : shared_(shared), port_(port) {}
  ~UsrsctpEndpoint() override {
    std::vector<struct socket*> sockets;
    {
      std::lock_guard lock(shared_->mutex);
      shared_->closed = true;  // an upcall that runs from here on returns at once, without touching its socket
      if (shared_->listener) sockets.push_back(shared_->listener);
      for (auto& [id, a] : shared_->associations) {
        if (a.so) sockets.push_back(a.so);
      }
      for (auto* so : sockets) usrsctp_set_upcall(so, nullptr, nullptr);
      shared_->associations.clear();
      shared_->listener = nullptr;
      shared_->handlers = {};
    }
    for (auto* so : sockets) {
      // SO_LINGER 0: close aborts the association (ABORT to the peer) instead of a graceful SHUTDOWN.
      linger l{1, 0};
      usrsctp_setsockopt(so, SOL_SOCKET, SO_LINGER, &l, sizeof l);
      usrsctp_close(so);
    }
    bury(shared_);  // not freed at once: an upcall already under way may still be waiting for its mutex
  }

  Result<void> send(AssociationId id, std::uint16_t stream, ByteView data, std::uint32_t ppid) override {
    struct socket* so = nullptr;
    {
      std::lock_guard lock(shared_->mutex);
      auto it = shared_->associations.find(to_uint(id));
      if (it == shared_->associations.end() || !it->second.up) {
        return fail(ErrorCode::not_found, "SCTP association " + std::to_string(to_uint(id)) + " is not up");
      }
      so = it->second.so;
    }
    sctp_sndinfo info{};
    info.snd_sid = stream;
    info.snd_ppid = htonl(ppid);
    if (usrsctp_sendv(so, data.data(), data.size(), nullptr, 0, &info, sizeof info, SCTP_SENDV_SNDINFO, 0) < 0) {
      return fail(ErrorCode::io_error, std::string("SCTP send: ") + std::strerror(errno));
    }
    return {};
  }
  void shutdown(AssociationId id) override { end(id, false); }
  void abort(AssociationId id) override { end(id, true); }
  Backend backend() const override { return Backend::usrsctp; }
  std::uint16_t local_port() const override { return port_; }

 private:
  void end(AssociationId id, bool abortive) {
    struct socket* so = nullptr;
    Handlers handlers;
    {
      std::lock_guard lock(shared_->mutex);
      auto it = shared_->associations.find(to_uint(id));
      if (it == shared_->associations.end()) return;
      so = it->second.so;
      if (abortive) {
        // Closed here with SO_LINGER 0, which sends the ABORT; no upcall will report it, so on_down is ours.
        it->second.reported_down = true;
        shared_->associations.erase(it);
        handlers = shared_->handlers;
      }
    }
    if (!abortive) {
      usrsctp_shutdown(so, SHUT_RDWR);
      return;
    }
    usrsctp_set_upcall(so, nullptr, nullptr);
    linger l{1, 0};
    usrsctp_setsockopt(so, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    usrsctp_close(so);
    if (handlers.on_down) handlers.on_down(id, "aborted locally");
  }
  Shared* shared_;
  std::uint16_t port_;
};

// Reports an association's end once; the socket is closed here (no upcall for it after).
void report_down(Shared& s, std::uint64_t id, const std::string& reason, std::unique_lock<std::mutex>& lock) {
  auto it = s.associations.find(id);
  if (it == s.associations.end() || it->second.reported_down) return;
  it->second.reported_down = true;
  struct socket* so = it->second.so;
  s.associations.erase(it);
  auto on_down = s.handlers.on_down;
  lock.unlock();
  usrsctp_set_upcall(so, nullptr, nullptr);
  usrsctp_close(so);
  if (on_down) on_down(AssociationId{id}, reason);
  lock.lock();
}

void on_notification(Shared& s, std::uint64_t id, const Bytes& data, std::unique_lock<std::mutex>& lock) {
  if (data.size() < sizeof(sctp_notification::sctp_tlv)) return;
  const auto* n = reinterpret_cast<const sctp_notification*>(data.data());
  if (n->sn_header.sn_type == SCTP_ASSOC_CHANGE && data.size() >= sizeof(sctp_assoc_change)) {
    const auto& ac = n->sn_assoc_change;
    auto it = s.associations.find(id);
    if (it == s.associations.end()) return;
    switch (ac.sac_state) {
      case SCTP_COMM_UP:
      case SCTP_RESTART: {
        if (it->second.up) return;
        it->second.up = true;
        AssociationInfo info{AssociationId{id}, it->second.peer, ac.sac_inbound_streams, ac.sac_outbound_streams};
        auto on_up = s.handlers.on_up;
        lock.unlock();
        if (on_up) on_up(info);
        lock.lock();
        return;
      }
      case SCTP_COMM_LOST: return report_down(s, id, "association lost (peer unreachable or ABORT)", lock);
      case SCTP_SHUTDOWN_COMP: return report_down(s, id, "association shut down", lock);
      case SCTP_CANT_STR_ASSOC: return report_down(s, id, "association could not be set up (no answer to INIT)", lock);
      default: return;
    }
  }
  if (n->sn_header.sn_type == SCTP_SHUTDOWN_EVENT) report_down(s, id, "the peer shut the association down", lock);
}

// usrsctp upcall of an association's socket: read everything there is.
void association_upcall(struct socket* so, void* arg, int) {
  auto* s = static_cast<Shared*>(arg);
  std::unique_lock lock(s->mutex);
  if (s->closed) return;
  std::uint64_t id = 0;
  for (auto& [i, a] : s->associations) {
    if (a.so == so) id = i;
  }
  if (id == 0) return;
  std::vector<std::uint8_t> buffer(1 << 16);
  while (!s->closed) {
    auto it = s->associations.find(id);
    if (it == s->associations.end()) return;
    sctp_rcvinfo rcv{};
    socklen_t infolen = sizeof rcv;
    unsigned int infotype = 0;
    int flags = 0;
    sockaddr_in from{};
    socklen_t fromlen = sizeof from;
    // Under the mutex: the destructor closes sockets only after taking it and marking `closed`, so a socket is never
    // read while it is being closed. The lock is let go only around the user's handlers (which may call send()).
    const ssize_t n = usrsctp_recvv(so, buffer.data(), buffer.size(), reinterpret_cast<sockaddr*>(&from), &fromlen,
                                    &rcv, &infolen, &infotype, &flags);
    const int err = errno;
    if (n < 0) {
      if (err == EAGAIN || err == EWOULDBLOCK) return;
      return report_down(*s, id, std::string("receive failed: ") + std::strerror(err), lock);
    }
    if (n == 0) return report_down(*s, id, "the peer closed the association", lock);
    it = s->associations.find(id);
    if (it == s->associations.end()) return;
    auto& a = it->second;
    a.partial.insert(a.partial.end(), buffer.begin(), buffer.begin() + n);
    if (!(flags & MSG_EOR)) continue;  // more of this message to come
    Bytes message = std::move(a.partial);
    a.partial.clear();
    if (flags & MSG_NOTIFICATION) {
      on_notification(*s, id, message, lock);
      continue;
    }
    const std::uint16_t stream = infotype == SCTP_RECVV_RCVINFO ? rcv.rcv_sid : 0;
    const std::uint32_t ppid = infotype == SCTP_RECVV_RCVINFO ? ntohl(rcv.rcv_ppid) : 0;
    auto on_message = s->handlers.on_message;
    lock.unlock();
    if (on_message) on_message(AssociationId{id}, stream, ppid, std::move(message));
    lock.lock();
  }
}

std::uint64_t adopt(Shared& s, struct socket* so, std::string peer) {
  const std::uint64_t id = s.next_id++;
  s.associations[id] = Shared::Association{so, std::move(peer), {}, false, false};
  return id;
}

// Upcall of the listening socket: accept every waiting association.
void listener_upcall(struct socket* listener, void* arg, int) {
  auto* s = static_cast<Shared*>(arg);
  while (true) {
    sockaddr_in from{};
    socklen_t len = sizeof from;
    struct socket* so = nullptr;
    {
      std::lock_guard lock(s->mutex);  // never accept on a listener the destructor is closing
      if (s->closed) return;
      so = usrsctp_accept(listener, reinterpret_cast<sockaddr*>(&from), &len);
      if (!so) return;
      usrsctp_set_non_blocking(so, 1);
      adopt(*s, so, describe(from));
      usrsctp_set_upcall(so, association_upcall, s);
    }
    // The COMM_UP notification may already be queued: read now, as no new event would announce it.
    association_upcall(so, s, SCTP_EVENT_READ);
  }
}

// A one-to-one SCTP socket with the options of `config`.
Result<struct socket*> open_socket(const TransportConfig& config) {
  struct socket* so = usrsctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP, nullptr, nullptr, 0, nullptr);
  if (!so) {
    return fail(ErrorCode::io_error, std::string("usrsctp: no SCTP socket (") + std::strerror(errno) +
                                         "); on raw IP usrsctp needs root or CAP_NET_RAW, or set sctp.udp_port");
  }
  if (auto r = configure(so, config); !r) {
    usrsctp_close(so);
    return std::unexpected(r.error());
  }
  return so;
}

}  // namespace

Result<std::unique_ptr<Endpoint>> usrsctp_listen(const TransportConfig& config, const std::string& address,
                                                 std::uint16_t port, Handlers handlers) {
  if (auto up = ensure_stack(config.udp_encapsulation_port); !up) return std::unexpected(up.error());
  auto addr = ipv4(address, port, "SCTP listen address");
  if (!addr) return std::unexpected(addr.error());
  auto opened = open_socket(config);
  if (!opened) return std::unexpected(opened.error());
  struct socket* so = *opened;
  const int on = 1;
  usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_REUSE_PORT, &on, sizeof on);
  if (usrsctp_bind(so, reinterpret_cast<sockaddr*>(&*addr), sizeof *addr) != 0) {
    const std::string why = std::strerror(errno);
    usrsctp_close(so);
    return fail(ErrorCode::io_error, "SCTP: cannot bind " + describe(*addr) + " (" + why +
                                         "; usrsctp binds only an address configured on an interface)");
  }
  if (usrsctp_listen(so, 128) != 0) {
    const std::string why = std::strerror(errno);
    usrsctp_close(so);
    return fail(ErrorCode::io_error, "SCTP: cannot listen on " + describe(*addr) + ": " + why);
  }
  std::uint16_t bound = port;
  if (bound == 0) {
    sockaddr* addrs = nullptr;
    if (usrsctp_getladdrs(so, 0, &addrs) > 0 && addrs) {
      bound = ntohs(reinterpret_cast<sockaddr_in*>(addrs)->sin_port);
      usrsctp_freeladdrs(addrs);
    }
  }
  usrsctp_set_non_blocking(so, 1);
  auto* shared = new Shared();  // owned by the endpoint, then by the graveyard (bury)
  shared->handlers = std::move(handlers);
  shared->config = config;
  shared->listener = so;
  auto endpoint = std::make_unique<UsrsctpEndpoint>(shared, bound);
  usrsctp_set_upcall(so, listener_upcall, shared);
  listener_upcall(so, shared, SCTP_EVENT_READ);
  return endpoint;
}

Result<std::unique_ptr<Endpoint>> usrsctp_connect(const TransportConfig& config, const std::string& address,
                                                  std::uint16_t port, Handlers handlers,
                                                  const std::string& local_address) {
  if (auto up = ensure_stack(config.udp_encapsulation_port); !up) return std::unexpected(up.error());
  auto to = ipv4(address, port, "SCTP peer address");
  if (!to) return std::unexpected(to.error());
  auto local = ipv4(local_address, 0, "SCTP local address");
  if (!local) return std::unexpected(local.error());
  auto opened = open_socket(config);
  if (!opened) return std::unexpected(opened.error());
  struct socket* so = *opened;
  if (!local_address.empty() && usrsctp_bind(so, reinterpret_cast<sockaddr*>(&*local), sizeof *local) != 0) {
    const std::string why = std::strerror(errno);
    usrsctp_close(so);
    return fail(ErrorCode::io_error, "SCTP: cannot bind local address " + local_address + " (" + why + ")");
  }
  usrsctp_set_non_blocking(so, 1);
  auto* shared = new Shared();  // owned by the endpoint, then by the graveyard (bury)
  shared->handlers = std::move(handlers);
  shared->config = config;
  {
    std::lock_guard lock(shared->mutex);
    adopt(*shared, so, describe(*to));
  }
  auto endpoint = std::make_unique<UsrsctpEndpoint>(shared, ntohs(local->sin_port));
  usrsctp_set_upcall(so, association_upcall, shared);
  if (usrsctp_connect(so, reinterpret_cast<sockaddr*>(&*to), sizeof *to) != 0 && errno != EINPROGRESS) {
    const std::string why = std::strerror(errno);
    std::unique_lock lock(shared->mutex);
    report_down(*shared, 1, "connect to " + describe(*to) + " failed: " + why, lock);
  }
  return endpoint;
}

}  // namespace simbind::sctp
