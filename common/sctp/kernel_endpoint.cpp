// The kernel backend of common/sctp/sctp.h: Linux SCTP sockets (one-to-one style), run by one epoll thread per
// endpoint. Uses only the socket API and <netinet/sctp.h> structures (no libsctp calls).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>

#include "common/sctp/ipv4_address.h"
#include "common/sctp/sctp_backends.h"

namespace simbind::sctp {
namespace {

Result<int> open_socket(const TransportConfig& c) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_SCTP);
  if (fd < 0) return fail(ErrorCode::io_error, std::string("kernel SCTP socket: ") + std::strerror(errno));
  sctp_event_subscribe events{};
  events.sctp_data_io_event = 1;
  events.sctp_association_event = 1;
  events.sctp_shutdown_event = 1;
  sctp_initmsg init{};
  init.sinit_num_ostreams = c.streams;
  init.sinit_max_instreams = std::max<std::uint16_t>(c.streams, 2);
  init.sinit_max_attempts = 4;
  const int on = 1;
  const auto hb = static_cast<std::uint32_t>(c.heartbeat_interval.count());
  sctp_rtoinfo rto{};
  rto.srto_initial = std::clamp<std::uint32_t>(hb, 200, 3000);
  rto.srto_min = std::clamp<std::uint32_t>(hb / 5, 100, 1000);
  rto.srto_max = std::max<std::uint32_t>(hb, 1000);
  sctp_assocparams assoc{};
  assoc.sasoc_asocmaxrxt = static_cast<std::uint16_t>(c.max_retransmissions);
  sctp_paddrparams paddr{};
  paddr.spp_hbinterval = hb;
  paddr.spp_pathmaxrxt = static_cast<std::uint16_t>(c.max_retransmissions);
  paddr.spp_flags = SPP_HB_ENABLE;
  if (setsockopt(fd, IPPROTO_SCTP, SCTP_EVENTS, &events, sizeof events) != 0 ||
      setsockopt(fd, IPPROTO_SCTP, SCTP_INITMSG, &init, sizeof init) != 0 ||
      setsockopt(fd, IPPROTO_SCTP, SCTP_NODELAY, &on, sizeof on) != 0 ||
      setsockopt(fd, IPPROTO_SCTP, SCTP_RTOINFO, &rto, sizeof rto) != 0 ||
      setsockopt(fd, IPPROTO_SCTP, SCTP_ASSOCINFO, &assoc, sizeof assoc) != 0 ||
      setsockopt(fd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &paddr, sizeof paddr) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    return fail(ErrorCode::io_error, "kernel SCTP socket options: " + why);
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

class KernelEndpoint final : public Endpoint {
 public:
  KernelEndpoint(Handlers handlers, std::uint16_t port) : handlers_(std::move(handlers)), port_(port) {
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    wake_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    watch(wake_, kWake);
  }
  ~KernelEndpoint() override {
    stopping_ = true;
    const std::uint64_t one = 1;
    (void)!::write(wake_, &one, sizeof one);
    if (thread_.joinable()) thread_.join();
    for (auto& [id, a] : associations_) {
      linger l{1, 0};  // close aborts
      setsockopt(a.fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
      ::close(a.fd);
    }
    if (listener_ >= 0) ::close(listener_);
    ::close(wake_);
    ::close(epoll_);
  }

  void set_listener(int fd) {
    listener_ = fd;
    watch(fd, kListener);
  }
  void add_client(int fd, std::string peer) {
    std::lock_guard lock(mutex_);
    const std::uint64_t id = next_id_++;
    associations_[id] = Association{fd, std::move(peer), {}, false};
    watch(fd, id);
  }
  void run() { thread_ = std::thread([this] { loop(); }); }

  Result<void> send(AssociationId id, std::uint16_t stream, ByteView data, std::uint32_t ppid) override {
    int fd = -1;
    {
      std::lock_guard lock(mutex_);
      auto it = associations_.find(to_uint(id));
      if (it == associations_.end() || !it->second.up) {
        return fail(ErrorCode::not_found, "SCTP association " + std::to_string(to_uint(id)) + " is not up");
      }
      fd = it->second.fd;
    }
    char control[CMSG_SPACE(sizeof(sctp_sndrcvinfo))] = {};
    iovec iov{const_cast<std::uint8_t*>(data.data()), data.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = IPPROTO_SCTP;
    c->cmsg_type = SCTP_SNDRCV;
    c->cmsg_len = CMSG_LEN(sizeof(sctp_sndrcvinfo));
    auto* info = reinterpret_cast<sctp_sndrcvinfo*>(CMSG_DATA(c));
    info->sinfo_stream = stream;
    info->sinfo_ppid = htonl(ppid);
    if (::sendmsg(fd, &msg, MSG_NOSIGNAL) < 0) {
      return fail(ErrorCode::io_error, std::string("SCTP send: ") + std::strerror(errno));
    }
    return {};
  }
  void shutdown(AssociationId id) override {
    std::lock_guard lock(mutex_);
    if (auto it = associations_.find(to_uint(id)); it != associations_.end()) ::shutdown(it->second.fd, SHUT_RDWR);
  }
  void abort(AssociationId id) override {
    std::lock_guard lock(mutex_);
    auto it = associations_.find(to_uint(id));
    if (it == associations_.end()) return;
    linger l{1, 0};
    setsockopt(it->second.fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    ::shutdown(it->second.fd, SHUT_RDWR);
  }
  Backend backend() const override { return Backend::kernel; }
  std::uint16_t local_port() const override { return port_; }

 private:
  static constexpr std::uint64_t kWake = 0;
  static constexpr std::uint64_t kListener = ~0ull;
  struct Association {
    int fd = -1;
    std::string peer;
    Bytes partial;
    bool up = false;
  };

  void watch(int fd, std::uint64_t tag) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = tag;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev);
  }

  void loop() {
    epoll_event events[32];
    while (!stopping_) {
      const int n = epoll_wait(epoll_, events, 32, -1);
      for (int i = 0; i < n && !stopping_; ++i) {
        const std::uint64_t tag = events[i].data.u64;
        if (tag == kWake) continue;
        if (tag == kListener) {
          accept_all();
        } else {
          read_all(tag);
        }
      }
    }
  }

  void accept_all() {
    while (true) {
      sockaddr_in from{};
      socklen_t len = sizeof from;
      const int fd = accept4(listener_, reinterpret_cast<sockaddr*>(&from), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;
      add_client(fd, describe(from));
    }
  }

  void down(std::uint64_t id, const std::string& reason) {
    {
      std::lock_guard lock(mutex_);
      auto it = associations_.find(id);
      if (it == associations_.end()) return;
      epoll_ctl(epoll_, EPOLL_CTL_DEL, it->second.fd, nullptr);
      ::close(it->second.fd);
      associations_.erase(it);
    }
    if (handlers_.on_down) handlers_.on_down(AssociationId{id}, reason);
  }

  void read_all(std::uint64_t id) {
    std::uint8_t buffer[65536];
    while (!stopping_) {
      int fd = -1;
      {
        std::lock_guard lock(mutex_);
        auto it = associations_.find(id);
        if (it == associations_.end()) return;
        fd = it->second.fd;
      }
      char control[CMSG_SPACE(sizeof(sctp_sndrcvinfo))] = {};
      iovec iov{buffer, sizeof buffer};
      msghdr msg{};
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;
      const ssize_t n = ::recvmsg(fd, &msg, 0);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        if (errno == ENOTCONN) return;  // connect still in progress
        return down(id, std::string("receive failed: ") + std::strerror(errno));
      }
      if (n == 0) return down(id, "the peer closed the association");
      std::uint16_t stream = 0;
      std::uint32_t ppid = 0;
      for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == IPPROTO_SCTP && c->cmsg_type == SCTP_SNDRCV) {
          const auto* info = reinterpret_cast<const sctp_sndrcvinfo*>(CMSG_DATA(c));
          stream = info->sinfo_stream;
          ppid = ntohl(info->sinfo_ppid);
        }
      }
      Bytes message;
      {
        std::lock_guard lock(mutex_);
        auto it = associations_.find(id);
        if (it == associations_.end()) return;
        it->second.partial.insert(it->second.partial.end(), buffer, buffer + n);
        if (!(msg.msg_flags & MSG_EOR)) continue;
        message = std::move(it->second.partial);
        it->second.partial.clear();
      }
      if (msg.msg_flags & MSG_NOTIFICATION) {
        if (!notification(id, message)) return;
        continue;
      }
      if (handlers_.on_message) handlers_.on_message(AssociationId{id}, stream, ppid, std::move(message));
    }
  }

  // False when the association is gone.
  bool notification(std::uint64_t id, const Bytes& data) {
    if (data.size() < sizeof(sctp_assoc_change)) return true;
    const auto* n = reinterpret_cast<const sctp_notification*>(data.data());
    if (n->sn_header.sn_type == SCTP_SHUTDOWN_EVENT) {
      down(id, "the peer shut the association down");
      return false;
    }
    if (n->sn_header.sn_type != SCTP_ASSOC_CHANGE) return true;
    const auto& ac = n->sn_assoc_change;
    if (ac.sac_state == SCTP_COMM_UP || ac.sac_state == SCTP_RESTART) {
      AssociationInfo info;
      {
        std::lock_guard lock(mutex_);
        auto it = associations_.find(id);
        if (it == associations_.end() || it->second.up) return true;
        it->second.up = true;
        info = AssociationInfo{AssociationId{id}, it->second.peer, ac.sac_inbound_streams, ac.sac_outbound_streams};
      }
      if (handlers_.on_up) handlers_.on_up(info);
      return true;
    }
    const char* why = ac.sac_state == SCTP_COMM_LOST       ? "association lost (peer unreachable or ABORT)"
                      : ac.sac_state == SCTP_SHUTDOWN_COMP  ? "association shut down"
                      : ac.sac_state == SCTP_CANT_STR_ASSOC ? "association could not be set up (no answer to INIT)"
                                                            : nullptr;
    if (!why) return true;
    down(id, why);
    return false;
  }

  Handlers handlers_;
  std::uint16_t port_;
  int epoll_ = -1;
  int wake_ = -1;
  int listener_ = -1;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::map<std::uint64_t, Association> associations_;
  std::uint64_t next_id_ = 1;
};

}  // namespace

std::string kernel_sctp_unavailable() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_SCTP);
  if (fd < 0) return std::string("socket: ") + std::strerror(errno);
  ::close(fd);
  return "";
}

Result<std::unique_ptr<Endpoint>> kernel_listen(const TransportConfig& config, const std::string& address,
                                                std::uint16_t port, Handlers handlers) {
  auto addr = ipv4(address, port, "SCTP listen address");
  if (!addr) return std::unexpected(addr.error());
  auto fd = open_socket(config);
  if (!fd) return std::unexpected(fd.error());
  const int on = 1;
  setsockopt(*fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (bind(*fd, reinterpret_cast<sockaddr*>(&*addr), sizeof *addr) != 0 || ::listen(*fd, 128) != 0) {
    const std::string why = std::strerror(errno);
    ::close(*fd);
    return fail(ErrorCode::io_error, "SCTP: cannot listen on " + describe(*addr) + ": " + why);
  }
  socklen_t len = sizeof *addr;
  getsockname(*fd, reinterpret_cast<sockaddr*>(&*addr), &len);
  auto e = std::make_unique<KernelEndpoint>(std::move(handlers), ntohs(addr->sin_port));
  e->set_listener(*fd);
  e->run();
  return e;
}

Result<std::unique_ptr<Endpoint>> kernel_connect(const TransportConfig& config, const std::string& address,
                                                 std::uint16_t port, Handlers handlers,
                                                 const std::string& local_address) {
  auto to = ipv4(address, port, "SCTP peer address");
  if (!to) return std::unexpected(to.error());
  auto local = ipv4(local_address, 0, "SCTP local address");
  if (!local) return std::unexpected(local.error());
  auto fd = open_socket(config);
  if (!fd) return std::unexpected(fd.error());
  if (!local_address.empty() && bind(*fd, reinterpret_cast<sockaddr*>(&*local), sizeof *local) != 0) {
    const std::string why = std::strerror(errno);
    ::close(*fd);
    return fail(ErrorCode::io_error, "SCTP: cannot bind local address " + local_address + " (" + why + ")");
  }
  if (::connect(*fd, reinterpret_cast<sockaddr*>(&*to), sizeof *to) != 0 && errno != EINPROGRESS) {
    const std::string why = std::strerror(errno);
    ::close(*fd);
    return fail(ErrorCode::io_error, "SCTP: connect to " + describe(*to) + ": " + why);
  }
  auto e = std::make_unique<KernelEndpoint>(std::move(handlers), 0);
  e->add_client(*fd, describe(*to));
  e->run();
  return e;
}

}  // namespace simbind::sctp
