#include "services/ue/nas_client.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/log/log.h"

namespace simbind::ue {
namespace {

constexpr std::uint64_t kWakeTag = 0;
constexpr std::uint64_t kSocketTag = 1;

}  // namespace

Result<std::unique_ptr<NasClient>> NasClient::create(std::string host, std::uint16_t port,
                                                     std::chrono::milliseconds reconnect_interval) {
  std::unique_ptr<NasClient> c(new NasClient());
  c->host_ = std::move(host);
  c->port_ = port;
  c->reconnect_ = reconnect_interval;
  c->epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (c->epoll_fd_ < 0 || c->tasks_.wake_fd() < 0) {
    return fail(ErrorCode::io_error, std::string("NAS client: ") + std::strerror(errno));
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kWakeTag;
  epoll_ctl(c->epoll_fd_, EPOLL_CTL_ADD, c->tasks_.wake_fd(), &ev);
  c->tasks_.after_each([raw = c.get()] { raw->settle(); });
  return c;
}

NasClient::~NasClient() {
  stopping_ = true;
  tasks_.wake();
  if (thread_.joinable()) thread_.join();
  for (int fd : {fd_, epoll_fd_}) {
    if (fd >= 0) ::close(fd);
  }
}

void NasClient::start(FrameHandler on_frame, StateHandler on_state) {
  on_frame_ = std::move(on_frame);
  on_state_ = std::move(on_state);
  thread_ = std::thread([this] {
    try_connect();
    run();
  });
}

void NasClient::post(std::function<void()> work) { tasks_.post(std::move(work)); }

void NasClient::send(const nas::Frame& frame) {
  if (state_ != State::connected || !broken_.empty()) {
    ++counters_.frames_dropped;
    return;
  }
  auto bytes = nas::encode_frame(frame);
  if (!bytes) return;
  out_.insert(out_.end(), bytes->begin(), bytes->end());
  ++counters_.frames_out;
  flush();
}

NasClient::TimerId NasClient::schedule(std::chrono::milliseconds delay, std::function<void()> work) {
  return tasks_.schedule(delay, std::move(work));
}

void NasClient::cancel(TimerId id) { tasks_.cancel(id); }

void NasClient::run() {
  std::vector<epoll_event> events(16);
  while (!stopping_) {
    const int timeout = tasks_.run_due_timers();
    const int n = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout);
    for (int i = 0; i < n && !stopping_; ++i) {
      const auto& e = events[static_cast<std::size_t>(i)];
      if (e.data.u64 == kWakeTag) {
        tasks_.drain();
      } else if (state_ == State::connecting) {
        on_connect_done();
      } else if (state_ == State::connected) {
        if (e.events & (EPOLLIN | EPOLLHUP | EPOLLERR)) on_readable();
        if ((e.events & EPOLLOUT) && state_ == State::connected && broken_.empty()) flush();
      }
      settle();
    }
  }
}

void NasClient::try_connect() {
  if (stopping_ || state_ != State::idle) return;
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(port_);
  if (const int rc = getaddrinfo(host_.c_str(), port.c_str(), &hints, &found); rc != 0 || !found) {
    if (!outage_logged_) log::warn("cannot resolve simbind-mme address {}: {}", host_, gai_strerror(rc));
    outage_logged_ = true;
    schedule(reconnect_, [this] { try_connect(); });
    return;
  }
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int rc = fd_ < 0 ? -1 : ::connect(fd_, found->ai_addr, found->ai_addrlen);
  freeaddrinfo(found);
  if (rc != 0 && errno != EINPROGRESS) {
    disconnect(std::strerror(errno));
    return;
  }
  state_ = State::connecting;
  epoll_event ev{};
  ev.events = EPOLLOUT;
  ev.data.u64 = kSocketTag;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd_, &ev);
  if (rc == 0) on_connect_done();
}

void NasClient::on_connect_done() {
  int error = 0;
  socklen_t len = sizeof error;
  getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &len);
  if (error != 0) return disconnect(std::strerror(error));
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  state_ = State::connected;
  outage_logged_ = false;
  reader_ = nas::FrameReader();
  out_.clear();
  watch(EPOLLIN);
  ++counters_.connects;
  log::info("connected to simbind-mme at {}:{}", host_, port_);
  if (on_state_) on_state_(true);
  settle();  // a send from on_state(true) may have found the connection broken already
}

void NasClient::on_readable() {
  std::uint8_t buf[16384];
  std::string closed;  // non-empty: the stream ended (or failed) after what was read
  while (true) {
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      reader_.feed(ByteView(buf, static_cast<std::size_t>(n)));
      continue;
    }
    if (n == 0) {
      closed = "closed by the MME";
    } else if (errno == EINTR) {
      continue;
    } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
      closed = std::strerror(errno);
    }
    break;
  }
  // Every complete frame read is delivered, also those that arrived just before the MME closed the connection.
  const std::uint64_t dropped_before = reader_.dropped_frames();
  while (auto frame = reader_.next()) {
    ++counters_.frames_in;
    on_frame_(std::move(*frame));
    if (state_ != State::connected) return;  // handlers never disconnect (send() only marks), but be safe
  }
  counters_.frames_dropped += reader_.dropped_frames() - dropped_before;
  if (!closed.empty()) return disconnect(closed);
  if (reader_.broken()) disconnect("unframeable bytes from the MME");
}

void NasClient::flush() {
  std::size_t done = 0;
  while (done < out_.size()) {
    const ssize_t n = ::send(fd_, out_.data() + done, out_.size() - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      break;
    } else {
      // No disconnect from here: send() runs inside UE procedures, which must not see every UE (themselves
      // included) torn down under them. The loop disconnects at its top level (settle()).
      broken_ = n < 0 ? std::strerror(errno) : "send made no progress";
      out_.clear();
      return;
    }
  }
  out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(done));
  watch(out_.empty() ? EPOLLIN : (EPOLLIN | EPOLLOUT));
}

void NasClient::watch(std::uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = kSocketTag;
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd_, &ev);
}

void NasClient::settle() {
  if (broken_.empty()) return;
  const std::string why = broken_;
  disconnect(why);
}

void NasClient::disconnect(const std::string& why) {
  const bool was_connected = state_ == State::connected;
  broken_.clear();
  if (fd_ >= 0) {
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd_, nullptr);
    ::close(fd_);
    fd_ = -1;
  }
  state_ = State::idle;
  out_.clear();
  if (was_connected) {
    ++counters_.disconnects;
    log::warn("connection to simbind-mme at {}:{} lost ({}): every UE is deregistered; reconnecting every {} ms",
              host_, port_, why, reconnect_.count());
  } else if (!outage_logged_) {
    log::warn("cannot connect to simbind-mme at {}:{} ({}); retrying every {} ms", host_, port_, why, reconnect_.count());
  }
  outage_logged_ = true;
  if (was_connected && on_state_) on_state_(false);
  if (!stopping_) schedule(reconnect_, [this] { try_connect(); });
}

}  // namespace simbind::ue
