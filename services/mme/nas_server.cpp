#include "services/mme/nas_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace simbind::mme {
namespace {

// epoll user data: the listening socket, the wake-up eventfd, or a connection id (>= kFirstConnection).
constexpr std::uint64_t kListenTag = 0;
constexpr std::uint64_t kWakeTag = 1;
constexpr std::uint64_t kFirstConnection = 2;

bool set_nonblocking(int fd) { return fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0; }

}  // namespace

Result<std::unique_ptr<NasServer>> NasServer::start(const std::string& address, std::uint16_t port,
                                                    FrameHandler on_frame, CloseHandler on_close) {
  auto s = listen(address, port, std::move(on_frame), std::move(on_close));
  if (s) (*s)->start_loop();
  return s;
}

Result<std::unique_ptr<NasServer>> NasServer::listen(const std::string& address, std::uint16_t port,
                                                     FrameHandler on_frame, CloseHandler on_close) {
  std::unique_ptr<NasServer> s(new NasServer());
  s->on_frame_ = std::move(on_frame);
  s->on_close_ = std::move(on_close);
  s->next_connection_ = kFirstConnection;

  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (inet_pton(AF_INET, address.c_str(), &addr.sin_addr) != 1) {
    return fail(ErrorCode::config_error, "nas.listen: '" + address + "' is not an IPv4 address");
  }
  s->listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  setsockopt(s->listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (s->listen_fd_ < 0 || bind(s->listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(s->listen_fd_, 128) != 0 || !set_nonblocking(s->listen_fd_)) {
    return fail(ErrorCode::io_error, "NAS server: cannot listen on " + address + ":" + std::to_string(port) + ": " +
                                         std::strerror(errno));
  }
  socklen_t len = sizeof addr;
  getsockname(s->listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  s->port_ = ntohs(addr.sin_port);

  s->epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kListenTag;
  epoll_ctl(s->epoll_fd_, EPOLL_CTL_ADD, s->listen_fd_, &ev);
  ev.data.u64 = kWakeTag;
  epoll_ctl(s->epoll_fd_, EPOLL_CTL_ADD, s->tasks_.wake_fd(), &ev);
  return s;
}

void NasServer::start_loop() {
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
}

NasServer::~NasServer() {
  stopping_ = true;
  tasks_.wake();
  if (thread_.joinable()) thread_.join();
  for (auto& [id, c] : connections_) ::close(c.fd);
  for (int fd : {listen_fd_, epoll_fd_}) {
    if (fd >= 0) ::close(fd);
  }
}

void NasServer::post(std::function<void()> work) { tasks_.post(std::move(work)); }

void NasServer::send(ConnectionId connection, nas::Frame frame) {
  post([this, connection, frame = std::move(frame)]() mutable {
    auto it = connections_.find(static_cast<std::uint64_t>(connection));
    if (it == connections_.end()) return;
    auto bytes = nas::encode_frame(frame);
    if (!bytes) return;
    it->second.out.insert(it->second.out.end(), bytes->begin(), bytes->end());
    ++counters_.frames_out;
    flush(connection);
  });
}

NasServer::TimerId NasServer::schedule(std::chrono::milliseconds delay, std::function<void()> work) {
  return tasks_.schedule(delay, std::move(work));
}

void NasServer::cancel(TimerId id) { tasks_.cancel(id); }

void NasServer::run() {
  std::vector<epoll_event> events(64);
  while (!stopping_) {
    const int timeout = tasks_.run_due_timers();
    const int n = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout);
    for (int i = 0; i < n && !stopping_; ++i) {
      const std::uint64_t tag = events[static_cast<std::size_t>(i)].data.u64;
      const std::uint32_t what = events[static_cast<std::size_t>(i)].events;
      if (tag == kListenTag) {
        accept_all();
      } else if (tag == kWakeTag) {
        tasks_.drain();
      } else {
        const ConnectionId id{tag};
        if (what & (EPOLLIN | EPOLLHUP | EPOLLERR)) on_readable(id);
        if ((what & EPOLLOUT) && connections_.count(tag)) flush(id);
      }
    }
  }
}

void NasServer::accept_all() {
  while (true) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const std::uint64_t id = next_connection_++;
    connections_[id].fd = fd;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = id;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
    ++counters_.connections;
  }
}

void NasServer::on_readable(ConnectionId id) {
  auto it = connections_.find(static_cast<std::uint64_t>(id));
  if (it == connections_.end()) return;
  std::uint8_t buf[16384];
  while (true) {
    const ssize_t n = ::recv(it->second.fd, buf, sizeof buf, 0);
    if (n > 0) {
      it->second.reader.feed(ByteView(buf, static_cast<std::size_t>(n)));
      continue;
    }
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) return close(id);
    break;
  }
  const std::uint64_t dropped_before = it->second.reader.dropped_frames();
  while (auto frame = it->second.reader.next()) {
    ++counters_.frames_in;
    on_frame_(id, std::move(*frame));
    it = connections_.find(static_cast<std::uint64_t>(id));  // the handler may have closed it
    if (it == connections_.end()) return;
  }
  counters_.frames_dropped += it->second.reader.dropped_frames() - dropped_before;
  if (it->second.reader.broken()) {
    ++counters_.connections_broken;
    close(id);
  }
}

void NasServer::flush(ConnectionId id) {
  auto it = connections_.find(static_cast<std::uint64_t>(id));
  if (it == connections_.end()) return;
  Connection& c = it->second;
  std::size_t done = 0;
  while (done < c.out.size()) {
    const ssize_t n = ::send(c.fd, c.out.data() + done, c.out.size() - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      break;
    } else {
      return close(id);
    }
  }
  c.out.erase(c.out.begin(), c.out.begin() + static_cast<std::ptrdiff_t>(done));
  update_interest(id, !c.out.empty());
}

void NasServer::update_interest(ConnectionId id, bool want_write) {
  auto it = connections_.find(static_cast<std::uint64_t>(id));
  if (it == connections_.end()) return;
  epoll_event ev{};
  ev.events = EPOLLIN | (want_write ? EPOLLOUT : 0u);
  ev.data.u64 = static_cast<std::uint64_t>(id);
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, it->second.fd, &ev);
}

void NasServer::close(ConnectionId id) {
  auto it = connections_.find(static_cast<std::uint64_t>(id));
  if (it == connections_.end()) return;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, it->second.fd, nullptr);
  ::close(it->second.fd);
  connections_.erase(it);
  if (on_close_) on_close_(id);
}

}  // namespace simbind::mme
