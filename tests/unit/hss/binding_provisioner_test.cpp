// DESIGN 3.3 steps 8-14 at the HSS against scripted peers (prov and MME) and a real SQLite store: what is
// stored, and that nothing is stored on any failure.
#include "services/hss/binding_provisioner.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "common/crypto/binding.h"
#include "common/crypto/key_wrap.h"
#include "common/diameter/avp_codes.h"
#include "services/hss/sqlite_subscriber_store.h"

namespace simbind::hss {
namespace {

class ScriptedProv : public ProvLink {
 public:
  void establish_kme(const diameter::KmeEstablishmentRequest& r, Done done) override {
    requests.push_back(r);
    if (fail) return done(std::unexpected(Error{ErrorCode::io_error, "no answer from prov in time"}));
    diameter::KmeEstablishmentAnswer a;
    a.result = result;
    if (result.success()) {
      a.wrapped_kme = *crypto::wrap_for_device(device.scheme, device.public_key, kme);
      a.hss_wrapped_kme = *crypto::aes_key_wrap_pad(kek, kme);
      a.kme_id = 42;
      a.key_wrap_scheme = static_cast<std::uint32_t>(device.scheme);
    }
    done(a);
  }
  std::vector<diameter::KmeEstablishmentRequest> requests;
  bool fail = false;
  diameter::ResultCode result;
  crypto::DeviceKeyPair device = *crypto::generate_device_key_pair(crypto::KeyWrapScheme::ecies_profile_a);
  crypto::Kme kme = crypto::random_octets<16>();
  Bytes kek = Bytes(16, 0x3c);
};

// The MME and the UE behind it: unwraps with `device_private` and answers Rsp, or what the test says.
class ScriptedMme : public MmeLink {
 public:
  enum class Mode { honest, wrong_rsp, unwrap_failed, silent };
  void insert_subscriber_data(const PeerIdentity& mme, const diameter::InsertSubscriberDataRequest& r,
                              Done done) override {
    hosts.push_back(mme.host);
    ASSERT_TRUE(r.binding);
    diameter::InsertSubscriberDataAnswer a;
    switch (mode) {
      case Mode::silent: return done(std::unexpected(Error{ErrorCode::io_error, "no answer in time"}));
      case Mode::unwrap_failed: a.binding_failure_report = diameter::BindingFailureReport::unwrap_failed; break;
      case Mode::wrong_rsp: a.binding_response = crypto::random_octets<32>(); break;
      case Mode::honest: {
        auto kme = crypto::unwrap_on_device(scheme, device_private, r.binding->wrapped_kme);
        ASSERT_TRUE(kme);
        crypto::Kme k{};
        std::copy(kme->begin(), kme->end(), k.begin());
        a.binding_response = crypto::compute_rsp(k, r.binding->hss_nonce);
        break;
      }
    }
    done(a);
  }
  Mode mode = Mode::honest;
  crypto::KeyWrapScheme scheme{};
  Bytes device_private;
  std::vector<std::string> hosts;
};

class BindingProvisionerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/simbind-prov-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto s = SqliteSubscriberStore::open(dir_ + "/hss.db", crypto::random_octets<32>(), {});
    ASSERT_TRUE(s);
    store_ = std::move(*s);
    Subscriber sub(*Imsi::create("001010000000077"));
    sub.k = crypto::random_octets<16>();
    sub.opc = crypto::random_octets<16>();
    sub.binding.policy = BindingPolicy::required;
    ASSERT_TRUE(store_->create(sub));
    mme_.scheme = prov_.device.scheme;
    mme_.device_private = prov_.device.private_key;
    config_.provisioning.kek_file = "kek";  // enabled (the key itself is given to the provisioner)
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  ProvisioningOutcome run() {
    BindingProvisioner p(*store_, config_, prov_, mme_, prov_.kek, counters_);
    std::optional<ProvisioningOutcome> out;
    p.run(*store_->get(*Imsi::create("001010000000077")), {"356938035643809", "01"}, {"mme.lab", "lab"},
          "first binding", [&out](ProvisioningOutcome o) { out = o; });
    EXPECT_TRUE(out) << "done must have run";
    return out.value_or(ProvisioningOutcome{});
  }
  BindingRecord binding() { return store_->get(*Imsi::create("001010000000077"))->binding; }

  std::string dir_;
  std::unique_ptr<SqliteSubscriberStore> store_;
  HssConfig config_;
  ScriptedProv prov_;
  ScriptedMme mme_;
  HssCounters counters_;
};

TEST_F(BindingProvisionerTest, when_the_device_proves_receipt_then_kme_and_imei_are_stored_together) {
  const auto out = run();
  EXPECT_TRUE(out.result.success()) << out.reason;
  ASSERT_EQ(prov_.requests.size(), 1u);
  EXPECT_EQ(prov_.requests[0].terminal.imei, "356938035643809");
  EXPECT_EQ(mme_.hosts, std::vector<std::string>{"mme.lab"});
  const auto b = binding();
  EXPECT_EQ(b.state, BindingState::established);
  ASSERT_TRUE(b.kme);
  EXPECT_EQ(*b.kme, prov_.kme);
  EXPECT_EQ(to_uint(*b.kme_id), 42u);
  EXPECT_EQ(b.bound_imei, "356938035643809");
  EXPECT_EQ(counters_.binding_outcomes.value({"established", "over-the-air"}), 1u);
}

TEST_F(BindingProvisionerTest, when_rsp_is_wrong_then_nothing_is_stored_and_the_ula_says_illegal_device) {
  mme_.mode = ScriptedMme::Mode::wrong_rsp;
  const auto out = run();
  EXPECT_EQ(out.result.code, diameter::experimental::unknown_eps_subscription);
  EXPECT_TRUE(out.result.experimental);
  EXPECT_EQ(binding().state, BindingState::none);
  EXPECT_FALSE(binding().kme);
  EXPECT_TRUE(binding().bound_imei.empty());
  EXPECT_EQ(counters_.binding_outcomes.value({"rejected", "rsp-mismatch"}), 1u);
  EXPECT_EQ(counters_.binding_outcomes.value({"established", "over-the-air"}), 0u);
}

TEST_F(BindingProvisionerTest, when_any_step_fails_then_nothing_is_stored_and_the_reason_is_audited) {
  struct Case {
    const char* name;
    std::function<void(ScriptedProv&, ScriptedMme&)> setup;
    std::uint32_t code;
  };
  const std::vector<Case> cases{
      {"unwrap failed at the device", [](ScriptedProv&, ScriptedMme& m) { m.mode = ScriptedMme::Mode::unwrap_failed; },
       diameter::experimental::unknown_eps_subscription},
      {"no IDA", [](ScriptedProv&, ScriptedMme& m) { m.mode = ScriptedMme::Mode::silent; },
       diameter::result::unable_to_comply},
      {"prov silent", [](ScriptedProv& p, ScriptedMme&) { p.fail = true; }, diameter::result::unable_to_comply},
      {"unknown device", [](ScriptedProv& p, ScriptedMme&) { p.result = diameter::ResultCode::base(5030); },
       diameter::experimental::unknown_eps_subscription},
      {"another KEK at prov", [](ScriptedProv& p, ScriptedMme&) { p.kek = Bytes(16, 0x99); },
       diameter::result::unable_to_comply},
  };
  for (const auto& c : cases) {
    ScriptedProv prov;
    ScriptedMme mme;
    mme.scheme = prov.device.scheme;
    mme.device_private = prov.device.private_key;
    c.setup(prov, mme);
    BindingProvisioner p(*store_, config_, prov, mme, Bytes(16, 0x3c), counters_);
    std::optional<ProvisioningOutcome> out;
    p.run(*store_->get(*Imsi::create("001010000000077")), {"356938035643809", "01"}, {"mme.lab", "lab"}, "case",
          [&out](ProvisioningOutcome o) { out = o; });
    ASSERT_TRUE(out) << c.name;
    EXPECT_EQ(out->result.code, c.code) << c.name << ": " << out->reason;
    EXPECT_FALSE(binding().kme) << c.name;
    EXPECT_EQ(binding().state, BindingState::none) << c.name;
  }
  const auto events = store_->audit_events("001010000000077", 20);
  ASSERT_TRUE(events);
  std::size_t failures = 0;
  for (const auto& e : *events) failures += e.event == "kme-establishment" ? 1 : 0;
  EXPECT_EQ(failures, cases.size());
  // One metrics series per reason, never an IMSI or IMEI in a label.
  EXPECT_EQ(counters_.binding_outcomes.value({"rejected", "unwrap-failed"}), 1u);
  EXPECT_EQ(counters_.binding_outcomes.value({"failed", "no-ida"}), 1u);
  EXPECT_EQ(counters_.binding_outcomes.value({"failed", "prov-unreachable"}), 1u);
  EXPECT_EQ(counters_.binding_outcomes.value({"rejected", "keydir-unknown"}), 1u);
  EXPECT_EQ(counters_.binding_outcomes.value({"failed", "kek-mismatch"}), 1u);
}

}  // namespace
}  // namespace simbind::hss
