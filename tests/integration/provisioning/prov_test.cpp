// simbind-prov as a process between simbind-keydir (a real process over mTLS, with a lab CA made by
// deploy/certs/lab-ca.sh) and this test process, which plays the HSS on Bp (DESIGN 3.3 step 8, 5.3). Every
// KME-Establishment-Answer is checked by unwrapping both copies of KME: with the device's private key and with the
// key-encryption key shared with the HSS.
#include <gtest/gtest.h>
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "common/crypto/key_wrap.h"
#include "common/crypto/primitives.h"
#include "common/diameter/avp_codes.h"
#include "common/diameter/bp_codec.h"
#include "common/diameter/dictionary.h"
#include "common/diameter/exchange.h"
#include "common/diameter/stack.h"
#include "common/util/hex.h"
#include "common/util/identifiers.h"
#include "keydir.grpc.pb.h"
#include "tests/integration/support/process.h"

namespace simbind::test {
namespace {

using namespace simbind::diameter;
namespace kd = simbind::keydir::v1;
using namespace std::chrono_literals;

constexpr const char* kHssIdentity = "hss.test.simbind.lab";
constexpr const char* kProvIdentity = "prov.test.simbind.lab";
constexpr const char* kRealm = "simbind.lab";
constexpr auto kKeydirTimeout = 1000ms;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string hex_of(ByteView b) { return to_hex(b); }

// The whole lab: CA, keydir, the test's own Diameter stack as the HSS, and simbind-prov.
class Lab {
 public:
  bool start(std::string& why) {
    const std::string ca = std::string(SIMBIND_SOURCE_DIR) + "/deploy/certs/lab-ca.sh";
    const std::string certs = dir_.file("certs");
    std::string out;
    for (const std::string& cmd :
         {ca + " init " + certs, ca + " issue " + certs + " keydir.test.simbind.lab server localhost",
          ca + " issue " + certs + " factory.test.simbind.lab manufacturer",
          ca + " issue " + certs + " prov.test.simbind.lab operator"}) {
      if (run_command(cmd, &out) != 0) {
        why = cmd + ": " + out;
        return false;
      }
    }
    keydir_port_ = free_port();
    keydir_config_ = dir_.write("keydir.yaml", "log_level: debug\nlisten: 127.0.0.1:" + std::to_string(keydir_port_) +
                                                   "\ntls:\n  cert: " + certs + "/keydir.test.simbind.lab.crt\n  key: " +
                                                   certs + "/keydir.test.simbind.lab.key\n  ca: " + certs +
                                                   "/ca.crt\nstore:\n  path: " + dir_.file("keydir.db") + "\n");
    if (!start_keydir()) {
      why = "simbind-keydir did not start: " + keydir_->log();
      return false;
    }

    // The HSS end of Bp: this process. prov connects to it.
    hss_port_ = free_port();
    StackConfig sc;
    sc.identity = kHssIdentity;
    sc.realm = kRealm;
    sc.port = static_cast<std::uint16_t>(hss_port_);
    sc.tc_timer_s = 1;
    sc.peers.push_back(PeerConfig{kProvIdentity, "", 3868});
    auto stack = DiameterStack::start(sc, []() -> Result<void> {
      auto d = define_dictionary(BindingDictionaryConfig{});
      if (!d) return std::unexpected(d.error());
      return advertise_application((*d)->bp, (*d)->binding_vendor);
    });
    if (!stack) {
      why = "test Diameter stack: " + stack.error().message;
      return false;
    }
    stack_ = std::move(*stack);

    kek_hex_ = to_hex(crypto::random_octets<32>());
    dir_.write("kek.key", kek_hex_ + "\n");
    prov_config_ = dir_.write("prov.yaml", prov_yaml());
    prov_ = std::make_unique<DaemonProcess>("simbind-prov", daemon_path("services/provisioning/simbind-prov"),
                                            std::vector<std::string>{"--config", prov_config_}, dir_.file("prov.log"));
    if (!prov_->start() || !prov_->wait_for_log("simbind-prov ready", 20s)) {
      why = "simbind-prov did not start: " + prov_->log();
      return false;
    }
    if (!stack_->wait_peer_open(kProvIdentity, 20s)) {
      why = "prov did not connect: " + prov_->log();
      return false;
    }

    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = read_text(certs + "/ca.crt");
    tls.pem_cert_chain = read_text(certs + "/factory.test.simbind.lab.crt");
    tls.pem_private_key = read_text(certs + "/factory.test.simbind.lab.key");
    factory_ = kd::KeyDirectory::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(keydir_port_), grpc::SslCredentials(tls)));
    return true;
  }

  std::string prov_yaml(const std::string& extra_keydir = "") const {
    const std::string certs = dir_.file("certs");
    return "log_level: debug\n"
           "diameter:\n  identity: " + std::string(kProvIdentity) + "\n  realm: " + kRealm +
           "\n  port: " + std::to_string(free_port()) + "\n  tc_timer: 1\n  peers:\n    - identity: " + kHssIdentity +
           "\n      address: 127.0.0.1\n      port: " + std::to_string(hss_port_) +
           "\nkeydir:\n  address: 127.0.0.1:" + std::to_string(keydir_port_) +
           "\n  timeout_ms: " + std::to_string(kKeydirTimeout.count()) + "\n" + extra_keydir +
           "  tls:\n    cert: " + certs + "/prov.test.simbind.lab.crt\n    key: " + certs +
           "/prov.test.simbind.lab.key\n    ca: " + certs + "/ca.crt\n"
           "kek_file: " + dir_.file("kek.key") + "\n";
  }

  bool start_keydir() {
    keydir_ = std::make_unique<DaemonProcess>("simbind-keydir", daemon_path("services/keydir/simbind-keydir"),
                                              std::vector<std::string>{"--config", keydir_config_},
                                              dir_.file("keydir.log"));
    return keydir_->start() && keydir_->wait_for_log("simbind-keydir ready", 20s);
  }

  void stop() {
    if (prov_) {
      EXPECT_EQ(prov_->stop(), 0) << "simbind-prov exits cleanly on SIGTERM";
    }
    if (keydir_) keydir_->stop();
    stack_.reset();
  }

  TempDir dir_;
  int keydir_port_ = 0, hss_port_ = 0;
  std::string keydir_config_, prov_config_, kek_hex_;
  std::unique_ptr<DaemonProcess> keydir_, prov_;
  std::unique_ptr<DiameterStack> stack_;
  std::unique_ptr<kd::KeyDirectory::Stub> factory_;
};

Lab* g_lab = nullptr;
std::set<std::string> g_kmes_seen;  // hex of every KME the tests saw, to look for in prov's log

// After every test: no KME the test saw (in either case) and not the KEK appears in prov's log (debug level).
void expect_log_holds_no_keys(const Lab& lab) {
  EXPECT_FALSE(g_kmes_seen.empty());
  const std::string log = lab.prov_->log();
  for (const auto& kme : g_kmes_seen) {
    std::string upper = kme;
    for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    EXPECT_EQ(log.find(kme), std::string::npos) << "KME in prov's log";
    EXPECT_EQ(log.find(upper), std::string::npos) << "KME in prov's log";
  }
  EXPECT_EQ(log.find(lab.kek_hex_), std::string::npos) << "KEK in prov's log";
  EXPECT_NE(log.find("5030 device unknown"), std::string::npos) << log;
}

class Environment : public ::testing::Environment {
 public:
  void SetUp() override {
    lab_ = std::make_unique<Lab>();
    std::string why;
    ASSERT_TRUE(lab_->start(why)) << why;
    g_lab = lab_.get();
  }
  void TearDown() override {
    if (lab_ && lab_->prov_) expect_log_holds_no_keys(*lab_);
    if (lab_) lab_->stop();
    g_lab = nullptr;
  }

 private:
  std::unique_ptr<Lab> lab_;
};

// IMEIs (15 digits with the Luhn digit) unique per test run.
std::string next_imei() {
  static std::atomic<int> n{0};
  const std::string tac_snr = "35" + std::to_string(100000000000LL + ::getpid() % 10000 * 10000 + n++);
  return Imei::create(tac_snr)->str();
}

const std::string kImsi = "001010000000123";

struct Device {
  std::string imei;
  crypto::DeviceKeyPair keys;
};

Device register_device(crypto::KeyWrapScheme scheme) {
  Device d{next_imei(), crypto::generate_device_key_pair(scheme).value()};
  kd::RegisterDeviceRequest req;
  req.set_imei(d.imei);
  req.set_scheme(static_cast<kd::KeyScheme>(scheme));
  req.set_public_key(std::string(d.keys.public_key.begin(), d.keys.public_key.end()));
  kd::DeviceKey resp;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + 5s);
  const grpc::Status status = g_lab->factory_->RegisterDevice(&ctx, req, &resp);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return d;
}

Message kme_request(const std::string& imsi, const std::string& imei) {
  KmeEstablishmentRequest r;
  r.user_name = imsi;
  r.terminal.imei = imei;
  r.terminal.software_version = "01";
  return encode_kme_establishment(r, kRealm, kProvIdentity, kDefaultBindingVendor);
}

Result<KmeEstablishmentAnswer> kea(const std::string& imsi, const std::string& imei) {
  auto answer = send_and_wait(kme_request(imsi, imei), 10s);
  if (!answer) return std::unexpected(answer.error());
  return decode_kme_establishment_answer(*answer, kDefaultBindingVendor);
}

// Both copies of KME in an answer: the device's (unwrapped with its private key) and the HSS's (with the KEK).
struct Unwrapped {
  Bytes on_device, at_hss;
};
Unwrapped unwrap_both(const Device& d, const KmeEstablishmentAnswer& a) {
  auto on_device = crypto::unwrap_on_device(d.keys.scheme, d.keys.private_key, a.wrapped_kme);
  auto at_hss = crypto::aes_key_unwrap_pad(from_hex(g_lab->kek_hex_).value(), a.hss_wrapped_kme);
  EXPECT_TRUE(on_device.has_value()) << (on_device ? "" : on_device.error().message);
  EXPECT_TRUE(at_hss.has_value()) << (at_hss ? "" : at_hss.error().message);
  return {on_device.value_or(Bytes{}), at_hss.value_or(Bytes{})};
}

class ProvKmeEstablishment : public ::testing::TestWithParam<crypto::KeyWrapScheme> {};

TEST_P(ProvKmeEstablishment, when_device_is_registered_then_both_wrapped_kmes_hold_the_same_fresh_kme) {
  const Device d = register_device(GetParam());
  auto first = kea(kImsi, d.imei);
  ASSERT_TRUE(first.has_value()) << first.error().message << "\n" << g_lab->prov_->log();
  ASSERT_TRUE(first->result.success()) << first->result.code << "\n" << g_lab->prov_->log();
  EXPECT_EQ(first->key_wrap_scheme, static_cast<std::uint32_t>(GetParam()));
  EXPECT_NE(first->kme_id, 0u);
  const Unwrapped one = unwrap_both(d, *first);
  EXPECT_EQ(one.on_device.size(), 16u);
  EXPECT_EQ(one.on_device, one.at_hss) << "the device and the HSS get the same KME";

  auto second = kea(kImsi, d.imei);
  ASSERT_TRUE(second.has_value() && second->result.success());
  const Unwrapped two = unwrap_both(d, *second);
  EXPECT_EQ(two.on_device, two.at_hss);
  EXPECT_NE(one.on_device, two.on_device) << "every establishment makes a fresh KME";
  EXPECT_NE(first->kme_id, second->kme_id) << "and a fresh KME-Id";

  g_kmes_seen.insert(hex_of(one.on_device));
  g_kmes_seen.insert(hex_of(two.on_device));
  EXPECT_TRUE(g_lab->prov_->wait_for_log("KME-Id " + std::to_string(second->kme_id), 5s));
}

INSTANTIATE_TEST_SUITE_P(EveryScheme, ProvKmeEstablishment,
                         ::testing::Values(crypto::KeyWrapScheme::ecies_profile_a,
                                           crypto::KeyWrapScheme::ecies_profile_b,
                                           crypto::KeyWrapScheme::rsa_oaep_sha256),
                         [](const ::testing::TestParamInfo<crypto::KeyWrapScheme>& p) {
                           switch (p.param) {
                             case crypto::KeyWrapScheme::ecies_profile_a: return std::string("ecies_a");
                             case crypto::KeyWrapScheme::ecies_profile_b: return std::string("ecies_b");
                             default: return std::string("rsa_oaep");
                           }
                         });

TEST(ProvBp, when_imei_is_unknown_to_keydir_then_5030) {
  auto a = kea(kImsi, next_imei());
  ASSERT_TRUE(a.has_value()) << a.error().message;
  EXPECT_EQ(a->result.code, bp_result::device_unknown);
  EXPECT_FALSE(a->result.experimental);
  EXPECT_TRUE(a->wrapped_kme.empty());
}

TEST(ProvBp, when_imei_is_malformed_then_5004) {
  auto answer = send_and_wait(kme_request(kImsi, "12345"), 10s);
  ASSERT_TRUE(answer.has_value()) << answer.error().message;
  auto outcome = answer->outcome();
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->code, result::invalid_avp_value);

  auto bad_imsi = send_and_wait(kme_request("not-an-imsi", next_imei()), 10s);
  ASSERT_TRUE(bad_imsi.has_value());
  EXPECT_EQ(bad_imsi->outcome()->code, result::invalid_avp_value);
}

TEST(ProvBp, when_terminal_information_is_missing_then_5004_or_5005) {
  Message m = Message::new_request(dictionary().bp_kme_establishment.request, kRealm, "simbind-bp-test");
  m.add_string(0, avp::destination_host, kProvIdentity);
  m.add_string(0, avp::user_name, kImsi);
  auto answer = send_and_wait(std::move(m), 10s);
  ASSERT_TRUE(answer.has_value()) << answer.error().message;
  const std::uint32_t code = answer->outcome()->code;
  EXPECT_TRUE(code == 5004 || code == 5005) << code;
  // Refused by the rules of the Bp ABNF (docs/DIAMETER.md): 5005, with the command, the peer and the AVP logged.
  EXPECT_EQ(code, 5005u);
  EXPECT_TRUE(answer->find(0, avp::auth_session_state).has_value()) << "the stack's error answer carries it too";
  const std::string expected = std::string("refused KME-Establishment-Request from ") + kHssIdentity +
                               ": missing Terminal-Information";
  for (int i = 0; i < 50 && g_lab->prov_->log().find(expected) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(g_lab->prov_->log().find(expected), std::string::npos) << g_lab->prov_->log();
}

// Requests sent together while keydir is down: each waits for the keydir deadline, none holds a freeDiameter
// thread, so 8 requests (twice the AppServThreads) are all answered after about one timeout.
std::vector<std::uint32_t> concurrent_keas(int n, const std::string& imei) {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<std::uint32_t> codes;
  for (int i = 0; i < n; ++i) {
    auto sent = send_request(kme_request(kImsi, imei), 10s, [&](Result<Message> answer) {
      std::uint32_t code = 0;
      if (answer) code = answer->outcome() ? answer->outcome()->code : 1;
      std::lock_guard lock(mutex);
      codes.push_back(code);
      cv.notify_all();
    });
    EXPECT_TRUE(sent.has_value());
  }
  std::unique_lock lock(mutex);
  cv.wait_for(lock, 15s, [&] { return static_cast<int>(codes.size()) == n; });
  return codes;
}

TEST(ProvBp, when_keydir_is_down_then_5012_within_the_timeout_and_prov_recovers_when_it_returns) {
  const Device d = register_device(crypto::KeyWrapScheme::ecies_profile_a);
  ASSERT_TRUE(kea(kImsi, d.imei)->result.success());

  g_lab->keydir_->stop();
  const auto t0 = std::chrono::steady_clock::now();
  auto a = kea(kImsi, d.imei);
  const auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(a.has_value()) << a.error().message;
  EXPECT_EQ(a->result.code, result::unable_to_comply);
  EXPECT_LT(took, kKeydirTimeout + 1500ms) << "answered within keydir.timeout_ms";

  const auto t1 = std::chrono::steady_clock::now();
  const auto codes = concurrent_keas(8, d.imei);
  const auto took8 = std::chrono::steady_clock::now() - t1;
  ASSERT_EQ(codes.size(), 8u);
  for (auto c : codes) EXPECT_EQ(c, result::unable_to_comply);
  EXPECT_LT(took8, 2 * kKeydirTimeout) << "lookups do not hold freeDiameter threads";

  ASSERT_TRUE(g_lab->prov_->running()) << "prov keeps serving";
  ASSERT_TRUE(g_lab->start_keydir()) << g_lab->keydir_->log();
  bool back = false;
  for (int i = 0; i < 20 && !back; ++i) {
    auto again = kea(kImsi, d.imei);
    back = again.has_value() && again->result.success();
    if (back) {
      g_kmes_seen.insert(hex_of(unwrap_both(d, *again).on_device));
    } else {
      std::this_thread::sleep_for(250ms);
    }
  }
  EXPECT_TRUE(back) << "prov uses keydir again once it is back\n" << g_lab->prov_->log();
}

int run_prov_with(const std::string& name, const std::string& yaml, std::string& output) {
  const std::string path = g_lab->dir_.write(name, yaml);
  DaemonProcess p("simbind-prov", daemon_path("services/provisioning/simbind-prov"), {"--config", path},
                  g_lab->dir_.file(name + ".log"));
  if (!p.start()) return -1;
  const int status = p.wait_exit(20s);
  output = p.log();
  return status;
}

TEST(ProvConfig, when_config_is_bad_then_exit_2_naming_the_file_and_key) {
  std::string out;
  std::string yaml = g_lab->prov_yaml();
  const auto at = yaml.find("timeout_ms: ");
  yaml.replace(at, yaml.find('\n', at) - at, "timeout_ms: 5");
  EXPECT_EQ(run_prov_with("bad-timeout.yaml", yaml, out), 2) << out;
  EXPECT_NE(out.find("bad-timeout.yaml"), std::string::npos) << out;
  EXPECT_NE(out.find("keydir.timeout_ms"), std::string::npos) << out;

  EXPECT_EQ(run_prov_with("bad-key.yaml", g_lab->prov_yaml("  adress: x\n"), out), 2) << out;
  EXPECT_NE(out.find("keydir.adress"), std::string::npos) << out;

  g_lab->dir_.write("short.key", "00112233\n");
  std::string short_kek = g_lab->prov_yaml();
  short_kek.replace(short_kek.find("kek_file: "), std::string::npos, "kek_file: " + g_lab->dir_.file("short.key") + "\n");
  EXPECT_EQ(run_prov_with("short-kek.yaml", short_kek, out), 2) << out;
  EXPECT_NE(out.find("kek_file"), std::string::npos) << out;
  EXPECT_EQ(out.find("00112233"), std::string::npos) << "the key file's content is not printed";

  std::string no_cert = g_lab->prov_yaml();
  no_cert.replace(no_cert.find("prov.test.simbind.lab.crt"), 25, "missing.crt");
  EXPECT_EQ(run_prov_with("no-cert.yaml", no_cert, out), 2) << out;
  EXPECT_NE(out.find("keydir.tls.cert"), std::string::npos) << out;
}

}  // namespace
}  // namespace simbind::test

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new simbind::test::Environment);
  return RUN_ALL_TESTS();
}
