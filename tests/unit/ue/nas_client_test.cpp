// NasClient against a local TCP listener: a send that fails never tears the connection down under its caller
// (the loop does it afterwards), and frames that arrive together with the MME's close are still delivered.
#include "services/ue/nas_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>

namespace simbind::ue {
namespace {

using namespace std::chrono_literals;

// Polls `done` for up to `limit`.
template <typename F>
bool eventually(F done, std::chrono::milliseconds limit = 3000ms) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

class NasClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(listener_, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(listener_, 16), 0);
    socklen_t len = sizeof addr;
    ASSERT_EQ(::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    port_ = ntohs(addr.sin_port);
    client_ = NasClient::create("127.0.0.1", port_, 50ms).value();
  }
  void TearDown() override {
    client_.reset();  // joins the loop before the listener goes
    if (peer_ >= 0) ::close(peer_);
    ::close(listener_);
  }

  // Starts the client and accepts its connection; on_state records on the loop thread.
  void start_and_accept() {
    client_->start(
        [this](nas::Frame f) {
          std::lock_guard lock(mutex_);
          frames_.push_back(std::move(f));
        },
        [this](bool up) {
          if (up) {
            ++ups_;
          } else {
            ++downs_;
            if (in_send_) down_inside_send_ = true;
          }
        });
    pollfd p{listener_, POLLIN, 0};
    ASSERT_EQ(::poll(&p, 1, 3000), 1) << "the client did not connect";
    peer_ = ::accept(listener_, nullptr, nullptr);
    ASSERT_GE(peer_, 0);
    ASSERT_TRUE(eventually([this] { return ups_ == 1; }));
  }

  // Keeps the loop thread busy until the returned promise is set, so that the test can arrange the socket first.
  std::promise<void> hold_loop() {
    std::promise<void> gate;
    auto opened = std::make_shared<std::shared_future<void>>(gate.get_future().share());
    auto entered_promise = std::make_shared<std::promise<void>>();
    auto entered = entered_promise->get_future();
    client_->post([opened, entered_promise] {
      entered_promise->set_value();
      opened->wait();
    });
    entered.wait();
    return gate;
  }

  int listener_ = -1;
  int peer_ = -1;
  std::uint16_t port_ = 0;
  std::unique_ptr<NasClient> client_;
  std::mutex mutex_;
  std::vector<nas::Frame> frames_;
  std::atomic<int> ups_{0}, downs_{0};
  std::atomic<bool> in_send_{false}, down_inside_send_{false};
};

TEST_F(NasClientTest, when_a_send_fails_then_the_disconnect_comes_after_the_send_returns_not_inside_it) {
  start_and_accept();
  std::promise<void> sent;
  std::atomic<bool> connected_after_send{true};
  std::promise<void> gate;
  auto opened = gate.get_future().share();
  client_->post([&, opened] {
    opened.wait();  // the MME has reset the connection by now
    in_send_ = true;
    // A UE procedure sending twice in a row (e.g. a response, then a context release).
    client_->send(nas::Frame{nas::UeConnectionId{1}, nas::FrameKind::nas_pdu, Bytes{0x07, 0x45}});
    client_->send(nas::Frame{nas::UeConnectionId{1}, nas::FrameKind::ue_context_release, {}});
    in_send_ = false;
    connected_after_send = client_->connected();
    sent.set_value();
  });
  linger reset{1, 0};  // close with RST: the client's next send fails with ECONNRESET or EPIPE
  ASSERT_EQ(::setsockopt(peer_, SOL_SOCKET, SO_LINGER, &reset, sizeof reset), 0);
  ::close(peer_);
  peer_ = -1;
  std::this_thread::sleep_for(100ms);  // the RST reaches the client's socket
  gate.set_value();
  ASSERT_EQ(sent.get_future().wait_for(3s), std::future_status::ready);
  EXPECT_FALSE(connected_after_send) << "a broken connection is not reported as connected";
  ASSERT_TRUE(eventually([this] { return downs_ == 1; })) << "the loop disconnects after the send";
  EXPECT_FALSE(down_inside_send_) << "on_state(false) ran inside send(): every UE torn down under its caller";
  EXPECT_EQ(client_->counters().disconnects, 1u);
  // And it reconnects.
  pollfd p{listener_, POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, 3000), 1);
}

TEST_F(NasClientTest, when_the_mme_closes_right_after_sending_then_those_frames_are_still_delivered) {
  start_and_accept();
  std::promise<void> gate = hold_loop();
  const nas::Frame frame{nas::UeConnectionId{42}, nas::FrameKind::nas_pdu, Bytes{0x07, 0x44, 0x03}};
  const Bytes wire = nas::encode_frame(frame).value();
  Bytes two = wire;
  two.insert(two.end(), wire.begin(), wire.end());
  ASSERT_EQ(::send(peer_, two.data(), two.size(), MSG_NOSIGNAL), static_cast<ssize_t>(two.size()));
  ::close(peer_);  // FIN after the data: the client reads both frames and the end of the stream in one go
  peer_ = -1;
  std::this_thread::sleep_for(100ms);
  gate.set_value();
  ASSERT_TRUE(eventually([this] { return downs_ == 1; }));
  std::lock_guard lock(mutex_);
  ASSERT_EQ(frames_.size(), 2u) << "frames read before the close were dropped";
  EXPECT_EQ(nas::to_uint(frames_[0].ue), 42u);
  EXPECT_EQ(frames_[1].payload, frame.payload);
  EXPECT_EQ(client_->counters().frames_in, 2u);
}

}  // namespace
}  // namespace simbind::ue
