// The KME-Establishment procedure with a recording fake key directory: answers by lookup outcome, both wrapped
// copies of KME, and draining on shutdown.
#include "services/provisioning/kme_establishment.h"

#include <gtest/gtest.h>

#include <deque>
#include <optional>
#include <thread>

#include "common/crypto/primitives.h"
#include "common/diameter/avp_codes.h"
#include "services/provisioning/prov_config.h"

namespace simbind::prov {
namespace {

using diameter::KmeEstablishmentAnswer;
using diameter::KmeEstablishmentRequest;

// Keeps every lookup until the test answers it.
class FakeDirectory : public DeviceKeyDirectory {
 public:
  void lookup(const std::string& imei, Done done) override {
    imeis.push_back(imei);
    pending.push_back(std::move(done));
  }
  void answer(Result<DeviceKey> key) {
    auto done = std::move(pending.front());
    pending.pop_front();
    done(std::move(key));
  }
  std::vector<std::string> imeis;
  std::deque<Done> pending;
};

const Bytes kKek(32, 0x42);

KmeEstablishmentRequest request() {
  KmeEstablishmentRequest r;
  r.user_name = "001010000000001";
  r.terminal.imei = "356938035643809";
  return r;
}

struct KmeEstablishmentTest : ::testing::Test {
  FakeDirectory directory;
  KmeEstablishment procedure{directory, kKek};
  std::optional<KmeEstablishmentAnswer> answer;
  void run() {
    procedure.run(request(), [this](const KmeEstablishmentAnswer& a) { answer = a; });
  }
};

TEST_F(KmeEstablishmentTest, when_device_key_is_found_then_kme_is_wrapped_for_device_and_hss) {
  auto keys = crypto::generate_device_key_pair(crypto::KeyWrapScheme::ecies_profile_b).value();
  run();
  ASSERT_EQ(directory.imeis, std::vector<std::string>{"356938035643809"});
  EXPECT_FALSE(answer.has_value()) << "nothing is answered before the directory answers";
  directory.answer(DeviceKey{keys.scheme, keys.public_key, "fp"});
  ASSERT_TRUE(answer.has_value());
  EXPECT_TRUE(answer->result.success());
  EXPECT_NE(answer->kme_id, 0u);
  EXPECT_EQ(answer->key_wrap_scheme, 2u);
  auto on_device = crypto::unwrap_on_device(keys.scheme, keys.private_key, answer->wrapped_kme);
  auto at_hss = crypto::aes_key_unwrap_pad(kKek, answer->hss_wrapped_kme);
  ASSERT_TRUE(on_device && at_hss);
  EXPECT_EQ(on_device->size(), 16u);
  EXPECT_EQ(*on_device, *at_hss);
}

TEST_F(KmeEstablishmentTest, when_directory_does_not_know_the_imei_then_5030) {
  run();
  directory.answer(fail(ErrorCode::not_found, "no key"));
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->result.code, diameter::bp_result::device_unknown);
  EXPECT_TRUE(answer->wrapped_kme.empty());
}

TEST_F(KmeEstablishmentTest, when_directory_fails_or_key_is_unusable_then_5012) {
  run();
  directory.answer(fail(ErrorCode::io_error, "unreachable"));
  EXPECT_EQ(answer->result.code, diameter::result::unable_to_comply);

  answer.reset();
  run();
  directory.answer(DeviceKey{crypto::KeyWrapScheme::ecies_profile_a, Bytes(5, 1), "fp"});  // not an X25519 key
  EXPECT_EQ(answer->result.code, diameter::result::unable_to_comply);
}

TEST_F(KmeEstablishmentTest, when_draining_then_new_requests_get_5012_and_drain_waits_for_those_in_flight) {
  run();
  procedure.stop_accepting();
  std::optional<KmeEstablishmentAnswer> late;
  procedure.run(request(), [&](const KmeEstablishmentAnswer& a) { late = a; });
  ASSERT_TRUE(late.has_value());
  EXPECT_EQ(late->result.code, diameter::result::unable_to_comply);
  EXPECT_EQ(directory.imeis.size(), 1u) << "no lookup once draining";
  std::thread drainer([this] { procedure.drain(); });
  directory.answer(fail(ErrorCode::io_error, "gone"));
  drainer.join();
  EXPECT_TRUE(answer.has_value());
}

const char* kGoodYaml = R"(
diameter:
  peers: [{identity: hss.simbind.lab, address: 127.0.0.1, port: 3868}]
keydir:
  tls: {cert: a.crt, key: a.key, ca: ca.crt}
kek_file: kek.key
)";

TEST(ProvConfig, defaults_and_errors_that_name_the_key) {
  auto c = parse_prov_config(kGoodYaml, "prov.yaml");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->keydir.timeout.count(), 3000);
  EXPECT_EQ(c->keydir.address, "127.0.0.1:9443");
  EXPECT_EQ(c->diameter.identity, "prov.simbind.lab");
  EXPECT_EQ(c->dictionary.bp_application_id, diameter::kDefaultBpApplicationId);

  auto no_peer = parse_prov_config("keydir: {tls: {cert: a, key: b, ca: c}}\nkek_file: k\n", "prov.yaml");
  ASSERT_FALSE(no_peer.has_value());
  EXPECT_NE(no_peer.error().message.find("diameter.peers"), std::string::npos) << no_peer.error().message;

  auto bad = parse_prov_config(std::string(kGoodYaml) + "binding: {vendor_id: 0}\n", "prov.yaml");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("prov.yaml: binding.vendor_id"), std::string::npos) << bad.error().message;

  auto no_kek = parse_prov_config("diameter: {peers: [{identity: h}]}\nkeydir: {tls: {cert: a, key: b, ca: c}}\n",
                                  "prov.yaml");
  ASSERT_FALSE(no_kek.has_value());
  EXPECT_NE(no_kek.error().message.find("kek_file"), std::string::npos);
}

}  // namespace
}  // namespace simbind::prov
