#include "tests/integration/support/nas_test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace simbind::test {

NasTestClient::~NasTestClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool NasTestClient::connect(int port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
    return false;
  }
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return true;
}

bool NasTestClient::send_raw(ByteView bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

bool NasTestClient::send(nas::UeConnectionId ue, ByteView payload, nas::FrameKind kind) {
  auto frame = nas::encode_frame(nas::Frame{ue, kind, Bytes(payload.begin(), payload.end())});
  return frame && send_raw(*frame);
}

std::optional<nas::Frame> NasTestClient::receive(nas::UeConnectionId ue, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    for (auto it = kept_.begin(); it != kept_.end(); ++it) {
      if (it->ue == ue) {
        nas::Frame f = std::move(*it);
        kept_.erase(it);
        return f;
      }
    }
    while (auto f = reader_.next()) {
      if (f->ue == ue) return f;
      kept_.push_back(std::move(*f));
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || fd_ < 0) return std::nullopt;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
    std::uint8_t buf[65536];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      ::close(fd_);
      fd_ = -1;
      return std::nullopt;
    }
    reader_.feed(ByteView(buf, static_cast<std::size_t>(n)));
  }
}

}  // namespace simbind::test
