// common/sctp over usrsctp on raw IP (CI runs as root; without CAP_NET_RAW these tests fail, they do not skip):
// associations up with their streams, messages both ways with stream and PPID, a 60 KB message whole, order per
// stream, both kinds of loss, a refused connection, and a second and a third usrsctp process on the same host
// (raw IP gives every process a copy of every SCTP packet: none may break another's association).
#include "common/sctp/sctp.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#ifndef SCTP_ECHO_PEER
#error "SCTP_ECHO_PEER: the path of sctp_echo_peer"
#endif

namespace simbind::sctp {
namespace {

using namespace std::chrono_literals;

// Records what an endpoint's callbacks report, and lets a test wait for it.
struct Recorder {
  std::mutex m;
  std::condition_variable cv;
  std::vector<AssociationInfo> ups;
  struct Message {
    AssociationId id;
    std::uint16_t stream;
    std::uint32_t ppid;
    Bytes data;
  };
  std::vector<Message> messages;
  std::vector<std::string> downs;

  Handlers handlers() {
    Handlers h;
    h.on_up = [this](const AssociationInfo& i) { push([&] { ups.push_back(i); }); };
    h.on_message = [this](AssociationId id, std::uint16_t s, std::uint32_t p, Bytes d) {
      push([&] { messages.push_back({id, s, p, std::move(d)}); });
    };
    h.on_down = [this](AssociationId, const std::string& why) { push([&] { downs.push_back(why); }); };
    return h;
  }
  template <typename F>
  void push(F f) {
    std::lock_guard lock(m);
    f();
    cv.notify_all();
  }
  template <typename P>
  bool wait(P pred, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(m);
    return cv.wait_for(lock, timeout, pred);
  }
};

TransportConfig config() {
  TransportConfig c;
  c.backend = Backend::usrsctp;
  c.streams = 4;
  c.heartbeat_interval = 200ms;
  c.max_retransmissions = 2;
  return c;
}

Bytes bytes(std::size_t n, std::uint8_t seed) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(seed + i * 7);
  return b;
}

struct Pair {
  Recorder server_events, client_events;
  std::unique_ptr<Endpoint> server, client;
  AssociationId server_side{}, client_side{};
  // Callers wrap it in ASSERT_NO_FATAL_FAILURE: a failed ASSERT here returns with no association up.
  void open() {
    auto s = listen(config(), "127.0.0.1", 0, server_events.handlers());
    ASSERT_TRUE(s) << s.error().message;
    server = std::move(*s);
    ASSERT_NE(server->local_port(), 0);
    auto c = connect(config(), "127.0.0.1", server->local_port(), client_events.handlers());
    ASSERT_TRUE(c) << c.error().message;
    client = std::move(*c);
    ASSERT_TRUE(client_events.wait([&] { return !client_events.ups.empty(); })) << "client association not up";
    ASSERT_TRUE(server_events.wait([&] { return !server_events.ups.empty(); })) << "server association not up";
    client_side = client_events.ups[0].id;
    server_side = server_events.ups[0].id;
  }
};

TEST(Sctp, ParsesTheThreeBackendNames) {
  EXPECT_EQ(*parse_backend("kernel"), Backend::kernel);
  EXPECT_EQ(*parse_backend("usrsctp"), Backend::usrsctp);
  EXPECT_EQ(*parse_backend("auto"), Backend::automatic);
  EXPECT_FALSE(parse_backend("tcp"));
}

TEST(Sctp, AnAssociationComesUpWithTheStreamsAskedFor) {
  Pair p;
  ASSERT_NO_FATAL_FAILURE(p.open());
  EXPECT_EQ(p.server->backend(), Backend::usrsctp);
  EXPECT_EQ(p.client_events.ups[0].outbound_streams, 4);
  EXPECT_EQ(p.server_events.ups[0].inbound_streams, 4);
  EXPECT_NE(p.server_events.ups[0].peer.find("127.0.0.1:"), std::string::npos);
}

TEST(Sctp, MessagesGoBothWaysWithTheirStreamAndPpidAndALargeOneArrivesWhole) {
  Pair p;
  ASSERT_NO_FATAL_FAILURE(p.open());
  ASSERT_TRUE(p.client->send(p.client_side, 0, bytes(40, 1), kS1apPpid));
  ASSERT_TRUE(p.client->send(p.client_side, 3, bytes(61440, 2), 46));
  ASSERT_TRUE(p.server_events.wait([&] { return p.server_events.messages.size() == 2; }));
  EXPECT_EQ(p.server_events.messages[0].stream, 0);
  EXPECT_EQ(p.server_events.messages[0].ppid, kS1apPpid);
  EXPECT_EQ(p.server_events.messages[0].data, bytes(40, 1));
  EXPECT_EQ(p.server_events.messages[1].stream, 3);
  EXPECT_EQ(p.server_events.messages[1].ppid, 46u);
  EXPECT_EQ(p.server_events.messages[1].data, bytes(61440, 2));
  ASSERT_TRUE(p.server->send(p.server_side, 1, bytes(100, 3)));
  ASSERT_TRUE(p.client_events.wait([&] { return p.client_events.messages.size() == 1; }));
  EXPECT_EQ(p.client_events.messages[0].stream, 1);
  EXPECT_EQ(p.client_events.messages[0].data, bytes(100, 3));
}

TEST(Sctp, ManyMessagesOnOneStreamArriveInOrder) {
  Pair p;
  ASSERT_NO_FATAL_FAILURE(p.open());
  for (std::uint8_t i = 0; i < 200; ++i) ASSERT_TRUE(p.client->send(p.client_side, 1, Bytes{i, i, i}));
  ASSERT_TRUE(p.server_events.wait([&] { return p.server_events.messages.size() == 200; }));
  for (std::size_t i = 0; i < 200; ++i) EXPECT_EQ(p.server_events.messages[i].data[0], static_cast<std::uint8_t>(i));
  // One message back, so that the server's SACK for the 200 travels with it and is processed before the endpoints
  // close: libusrsctp 0.9.5 has been seen, both times in this test under ASan (once in a CI run, once in 2,406 runs
  // of three test processes at a time), to free the client's socket twice when it is closed with SO_LINGER 0 while
  // its receive thread handles a packet for it. This narrows that window here; the race in the library stays.
  ASSERT_TRUE(p.server->send(p.server_side, 1, Bytes{0xff}));
  ASSERT_TRUE(p.client_events.wait([&] { return p.client_events.messages.size() == 1; }));
}

TEST(Sctp, TheServerLearnsWhenTheClientGoesAndTheClientWhenTheServerAborts) {
  Pair p;
  ASSERT_NO_FATAL_FAILURE(p.open());
  p.client.reset();  // ABORT
  ASSERT_TRUE(p.server_events.wait([&] { return p.server_events.downs.size() == 1; })) << "no on_down at the server";
  EXPECT_FALSE(p.server->send(p.server_side, 0, bytes(4, 0)));

  Pair q;
  ASSERT_NO_FATAL_FAILURE(q.open());
  q.server->abort(q.server_side);
  ASSERT_TRUE(q.client_events.wait([&] { return q.client_events.downs.size() == 1; })) << "no on_down at the client";
  EXPECT_FALSE(q.client->send(q.client_side, 0, bytes(4, 0)));
}

TEST(Sctp, AConnectionToAPortWithoutListenerEndsWithAReason) {
  Recorder r;
  auto c = connect(config(), "127.0.0.1", 9, r.handlers());
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_TRUE(r.wait([&] { return !r.downs.empty(); }, 20s)) << "no on_down for a refused association";
  EXPECT_TRUE(r.ups.empty());
  EXPECT_FALSE(r.downs[0].empty());
}

TEST(Sctp, SendingOnAnUnknownAssociationFails) {
  Pair p;
  ASSERT_NO_FATAL_FAILURE(p.open());
  EXPECT_FALSE(p.client->send(AssociationId{999}, 0, bytes(4, 0)));
}

TEST(Sctp, TheKernelBackendSaysWhyWhenTheKernelHasNoSctp) {
  Recorder r;
  TransportConfig c = config();
  c.backend = Backend::kernel;
  auto e = listen(c, "127.0.0.1", 0, r.handlers());
  if (e) {
    EXPECT_EQ((*e)->backend(), Backend::kernel);  // this kernel has SCTP
  } else {
    EXPECT_NE(e.error().message.find("kernel SCTP unavailable"), std::string::npos) << e.error().message;
  }
}

// Starts sctp_echo_peer and waits for its "ready".
pid_t spawn(std::vector<std::string> args) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    std::vector<char*> argv{const_cast<char*>(SCTP_ECHO_PEER)};
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(SCTP_ECHO_PEER, argv.data());
    _exit(127);
  }
  close(fds[1]);
  char buf[16] = {};
  const ssize_t n = read(fds[0], buf, sizeof buf - 1);
  close(fds[0]);
  return n > 0 && std::string(buf).find("ready") == 0 ? pid : -pid;
}

TEST(Sctp, AnotherProcessesStackOnTheSameHostBreaksNoAssociationAndAKilledPeerIsNoticed) {
  const std::uint16_t port = static_cast<std::uint16_t>(40000 + getpid() % 20000);
  const pid_t echo = spawn({"listen", std::to_string(port)});
  ASSERT_GT(echo, 0) << "sctp_echo_peer listen did not start";
  const pid_t idle = spawn({"idle"});
  ASSERT_GT(idle, 0) << "sctp_echo_peer idle did not start";
  Recorder r;
  auto c = connect(config(), "127.0.0.1", port, r.handlers());
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_TRUE(r.wait([&] { return !r.ups.empty(); })) << "association to the other process not up";
  for (std::uint8_t i = 0; i < 50; ++i) {
    ASSERT_TRUE((*c)->send(r.ups[0].id, 1, bytes(300, i)));
    std::this_thread::sleep_for(20ms);  // a second of traffic while the idle stack watches every packet
  }
  ASSERT_TRUE(r.wait([&] { return r.messages.size() == 50; })) << r.messages.size() << " echoes of 50";
  EXPECT_TRUE(r.downs.empty()) << r.downs.front();
  kill(idle, SIGKILL);
  waitpid(idle, nullptr, 0);

  // SIGKILL: no ABORT leaves the peer; the heartbeats (200 ms, 2 retransmissions) must find out.
  const auto killed = std::chrono::steady_clock::now();
  kill(echo, SIGKILL);
  waitpid(echo, nullptr, 0);
  ASSERT_TRUE(r.wait([&] { return !r.downs.empty(); }, 20s)) << "a killed peer was never noticed";
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - killed);
  RecordProperty("killed_peer_detected_ms", static_cast<int>(ms.count()));
  std::printf("killed peer noticed after %lld ms: %s\n", static_cast<long long>(ms.count()), r.downs[0].c_str());
}

TEST(Sctp, OverUdpEncapsulationTwoProcessesExchangeMessages) {
  // RFC 6951: each stack on a UDP port of its own; no raw socket involved.
  const std::uint16_t base = static_cast<std::uint16_t>(30000 + getpid() % 10000);
  const std::string port = std::to_string(base), server_udp = std::to_string(base + 1), client_udp = std::to_string(base + 2);
  const pid_t server = spawn({"listen-udp", port, server_udp, client_udp});
  ASSERT_GT(server, 0) << "sctp_echo_peer listen-udp did not start";
  const pid_t client = fork();
  if (client == 0) {
    std::vector<std::string> a{"ping-udp", port, client_udp, server_udp};
    std::vector<char*> argv{const_cast<char*>(SCTP_ECHO_PEER)};
    for (auto& x : a) argv.push_back(x.data());
    argv.push_back(nullptr);
    execv(SCTP_ECHO_PEER, argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(client, &status, 0);
  kill(server, SIGKILL);
  waitpid(server, nullptr, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: no stack, 3: no association, 4: send failed, 5: no echo, 6: wrong echo";
}

}  // namespace
}  // namespace simbind::sctp
