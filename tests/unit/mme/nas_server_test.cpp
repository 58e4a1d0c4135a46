// The NAS/TCP transport on loopback: frames in and out for several UEs on one connection, broken streams
// closed and counted, timers and posted work on the loop thread.
#include "services/mme/nas_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <future>

namespace simbind::mme {
namespace {

using namespace std::chrono_literals;

int connect_to(std::uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

void send_all(int fd, const Bytes& b) { ASSERT_EQ(::send(fd, b.data(), b.size(), 0), static_cast<ssize_t>(b.size())); }

std::optional<nas::Frame> read_frame(int fd, nas::FrameReader& reader) {
  while (true) {
    if (auto f = reader.next()) return f;
    std::uint8_t buf[4096];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return std::nullopt;
    reader.feed(ByteView(buf, static_cast<std::size_t>(n)));
  }
}

// An echo MME: every NAS PDU comes back to its UE with the payload reversed.
struct EchoServer {
  std::unique_ptr<NasServer> server;
  std::atomic<int> closed{0};
  EchoServer() {
    server = NasServer::start(
                 "127.0.0.1", 0,
                 [this](ConnectionId c, nas::Frame f) {
                   std::reverse(f.payload.begin(), f.payload.end());
                   server->send(c, std::move(f));
                 },
                 [this](ConnectionId) { ++closed; })
                 .value();
  }
};

TEST(NasServer, when_frames_for_several_ues_arrive_in_pieces_then_each_is_answered_to_its_ue) {
  EchoServer echo;
  const int fd = connect_to(echo.server->port());
  Bytes stream;
  for (std::uint32_t ue = 1; ue <= 3; ++ue) {
    const Bytes f = nas::encode_frame({nas::UeConnectionId{ue}, nas::FrameKind::nas_pdu, Bytes{0x07, 0x41,
                                                                                             static_cast<std::uint8_t>(ue)}})
                        .value();
    stream.insert(stream.end(), f.begin(), f.end());
  }
  send_all(fd, Bytes(stream.begin(), stream.begin() + 5));  // a partial header first
  std::this_thread::sleep_for(20ms);
  send_all(fd, Bytes(stream.begin() + 5, stream.end()));
  nas::FrameReader reader;
  for (std::uint32_t ue = 1; ue <= 3; ++ue) {
    auto f = read_frame(fd, reader);
    ASSERT_TRUE(f);
    EXPECT_EQ(nas::to_uint(f->ue), ue);
    EXPECT_EQ(f->payload, (Bytes{static_cast<std::uint8_t>(ue), 0x41, 0x07}));
  }
  EXPECT_EQ(echo.server->counters().frames_in, 3u);
  ::close(fd);
}

TEST(NasServer, when_one_connection_sends_an_unframeable_stream_then_only_it_is_closed) {
  EchoServer echo;
  const int good = connect_to(echo.server->port());
  const int bad = connect_to(echo.server->port());
  send_all(bad, Bytes{0x00, 0x02, 0xff, 0xff});  // length 2 < 5: cannot be resynchronised
  std::uint8_t b = 0;
  EXPECT_EQ(::recv(bad, &b, 1, 0), 0) << "the server closes the broken connection";

  send_all(good, nas::encode_frame({nas::UeConnectionId{9}, nas::FrameKind::nas_pdu, Bytes{1, 2}}).value());
  nas::FrameReader reader;
  auto f = read_frame(good, reader);
  ASSERT_TRUE(f) << "the other connection is unaffected";
  EXPECT_EQ(f->payload, (Bytes{2, 1}));
  EXPECT_EQ(echo.server->counters().connections_broken, 1u);
  EXPECT_EQ(echo.closed.load(), 1);
  ::close(good);
  ::close(bad);
}

TEST(NasServer, when_a_frame_has_an_unknown_kind_then_it_is_dropped_and_counted) {
  EchoServer echo;
  const int fd = connect_to(echo.server->port());
  Bytes odd = nas::encode_frame({nas::UeConnectionId{1}, nas::FrameKind::nas_pdu, Bytes{5}}).value();
  odd[6] = 0x33;
  send_all(fd, odd);
  send_all(fd, nas::encode_frame({nas::UeConnectionId{2}, nas::FrameKind::nas_pdu, Bytes{6}}).value());
  nas::FrameReader reader;
  auto f = read_frame(fd, reader);
  ASSERT_TRUE(f);
  EXPECT_EQ(nas::to_uint(f->ue), 2u);
  EXPECT_EQ(echo.server->counters().frames_dropped, 1u);
  ::close(fd);
}

TEST(NasServer, when_timers_are_scheduled_then_they_fire_in_order_on_the_loop_thread_and_cancelled_ones_never) {
  auto server = NasServer::start("127.0.0.1", 0, [](ConnectionId, nas::Frame) {}, nullptr).value();
  std::promise<std::vector<int>> done;
  auto fired = std::make_shared<std::vector<int>>();
  server->post([&, fired] {
    const auto loop = std::this_thread::get_id();
    server->schedule(60ms, [&, fired, loop] {
      EXPECT_EQ(std::this_thread::get_id(), loop);
      fired->push_back(3);
      done.set_value(*fired);
    });
    server->schedule(10ms, [fired] { fired->push_back(1); });
    const auto cancelled = server->schedule(20ms, [fired] { fired->push_back(99); });
    server->schedule(30ms, [fired] { fired->push_back(2); });
    server->cancel(cancelled);
  });
  auto f = done.get_future();
  ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(f.get(), (std::vector<int>{1, 2, 3}));
}

TEST(NasServer, when_the_address_is_not_ipv4_then_start_fails_naming_it) {
  auto r = NasServer::start("not-an-address", 0, [](ConnectionId, nas::Frame) {}, nullptr);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("not-an-address"), std::string::npos);
}

}  // namespace
}  // namespace simbind::mme
