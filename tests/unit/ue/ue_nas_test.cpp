// The UE's NAS against a scripted MME built from common/nas and common/crypto: what the UE sends at each step
// of attach, authentication (regular and pre-processed), security mode control, detach and PDN connectivity,
// and how it answers what it cannot use.
#include "services/ue/ue_nas.h"

#include <gtest/gtest.h>

#include "common/crypto/binding.h"
#include "common/nas/binding_container.h"

#include "common/crypto/binding.h"
#include "common/crypto/sqn.h"

namespace simbind::ue {
namespace {

using namespace simbind::crypto;
using namespace std::chrono_literals;
using Type = nas::MobileIdentity::Type;

const std::string kImsi = "001010000000123";

// A recording port: what the UE sent, which timers run, what it reported.
struct FakePort : UeNasPort {
  bool up = true;
  std::vector<Bytes> sent;
  std::map<UeTimer, std::chrono::milliseconds> timers;
  int connections = 0;
  int releases_told = 0;
  int usim_saves = 0;
  int me_saves = 0;
  std::vector<std::pair<std::string, std::string>> events;

  bool connected() const override { return up; }
  void new_connection() override { ++connections; }
  void drop_connection(bool tell_mme) override { releases_told += tell_mme ? 1 : 0; }
  void send(Bytes pdu) override { sent.push_back(std::move(pdu)); }
  void start_timer(UeTimer t, std::chrono::milliseconds after) override { timers[t] = after; }
  void stop_timer(UeTimer t) override { timers.erase(t); }
  void event(EventLevel, const std::string& kind, const std::string& text) override { events.emplace_back(kind, text); }
  void usim_changed() override { ++usim_saves; }
  void me_changed() override { ++me_saves; }

  bool has_event(const std::string& needle) const {
    for (const auto& [kind, text] : events) {
      if (text.find(needle) != std::string::npos) return true;
    }
    return false;
  }
};

// The network side: vectors as simbind-hss makes them, and the MME's NAS security envelope.
struct ScriptedMme {
  Key128 k = random_octets<16>();
  Opc opc = random_octets<16>();
  std::uint64_t seq = 100;
  Plmn plmn = Plmn::create("001", "01").value();
  EutranVector av{};
  std::optional<nas::SecurityEnvelope> env;

  Bytes authentication_request(std::optional<std::pair<Kme, KmeId>> binding = std::nullopt) {
    Amf amf = amf_from_value(0x8000);
    if (binding) amf = binding_amf(amf, binding->second);
    av = make_eutran_vector(Milenage(k, opc), random_octets<16>(), sqn_from_value(join_sqn(++seq, 0, 5)), amf,
                            plmn.encode());
    if (binding) av.rand = encrypt_rand(binding->first, av.rand);
    return nas::encode_emm(nas::AuthenticationRequest{2, av.rand, av.autn}).value();
  }
  // Replays the capabilities the UE sends (TS 24.301 9.9.3.34): EEA0, 128-EEA2 | 128-EIA2.
  static nas::SecurityModeCommand smc_eea2() { return {2, 2, 2, {0xa0, 0x20}, true}; }
  Bytes security_mode_command(nas::SecurityModeCommand smc = smc_eea2()) {
    const NasKeys keys = derive_nas_keys(av.kasme, smc.eea, smc.eia);
    env.emplace(nas::NasKeysInUse{keys.k_nas_int, keys.k_nas_enc, {smc.eia, smc.eea}}, Direction::downlink);
    return env->protect(nas::encode_emm(smc).value(), nas::SecurityHeaderType::integrity_new_context);
  }
  // The T3460 retransmission: the same SMC under the context the MME already runs (a fresh downlink COUNT).
  Bytes retransmitted_security_mode_command(nas::SecurityModeCommand smc = smc_eea2()) {
    return env->protect(nas::encode_emm(smc).value(), nas::SecurityHeaderType::integrity_new_context);
  }
  Bytes protect(ByteView plain) { return env->protect(plain, nas::SecurityHeaderType::integrity_ciphered); }
  Bytes protect(const nas::EmmMessage& m) { return protect(nas::encode_emm(m).value()); }
  Bytes attach_accept(const nas::EsmMessage& esm) {
    nas::AttachAccept accept;
    accept.tai_list = {0x00, 0x00, 0xf1, 0x10, 0x00, 0x01};
    accept.esm_container = nas::encode_esm(esm).value();
    return protect(accept);
  }
  static nas::ActivateDefaultBearerRequest bearer(std::uint8_t ebi, std::uint8_t pti, std::string apn) {
    nas::ActivateDefaultBearerRequest b;
    b.header = {ebi, pti};
    b.apn = std::move(apn);
    b.ipv4 = {10, 45, 0, static_cast<std::uint8_t>(ebi)};
    return b;
  }
  // An uplink PDU as the MME reads it: unprotected when protected, then decoded.
  nas::EmmMessage open(const Bytes& pdu) {
    Bytes plain = pdu;
    if ((pdu[0] >> 4) != 0) plain = env->unprotect(pdu).value().message;
    return nas::decode_emm(plain, Direction::uplink).value();
  }
  nas::EsmMessage open_esm(const Bytes& pdu) { return nas::decode_esm(env->unprotect(pdu).value().message).value(); }
};

class UeNasTest : public ::testing::Test {
 protected:
  UeNasTest()
      : me_(Imei::create("49015420323751").value(), "07", generate_device_key_pair(KeyWrapScheme::ecies_profile_a).value()),
        usim_(UsimProfile{Imsi::create(kImsi).value(), mme_.k, mme_.opc, 2, {}}),
        nas_(me_, &usim_, config_, port_) {}

  void start_attach(std::optional<std::string> apn = std::nullopt) {
    nas_.attach(std::move(apn), [this](const AttachOutcome& o) { outcome_ = o; });
  }
  // Attach up to the SMC: the UE is authenticated and NAS security is active.
  void attach_until_secure() {
    start_attach();
    nas_.on_pdu(mme_.authentication_request());
    nas_.on_pdu(mme_.security_mode_command());
    ASSERT_TRUE(nas_.security_active());
  }
  void attach_fully() {
    attach_until_secure();
    nas_.on_pdu(mme_.attach_accept(ScriptedMme::bearer(5, 1, "internet")));
    ASSERT_EQ(nas_.state(), EmmState::registered);
  }
  template <typename M>
  M last_sent_as() {
    const auto m = mme_.open(port_.sent.back());
    EXPECT_TRUE(std::holds_alternative<M>(m)) << "sent " << nas::emm_message_name(m);
    return std::holds_alternative<M>(m) ? std::get<M>(m) : M{};
  }

  ScriptedMme mme_;
  UeNasConfig config_;
  FakePort port_;
  MobileEquipment me_;
  Usim usim_;
  UeNas nas_;
  std::optional<AttachOutcome> outcome_;
};

TEST_F(UeNasTest, when_attach_starts_then_a_plain_attach_request_carries_imsi_ksi_7_caps_and_a_pdn_request) {
  start_attach("ims");
  ASSERT_EQ(port_.sent.size(), 1u);
  EXPECT_EQ(port_.sent[0][0], 0x07) << "plain EMM (security header type 0)";
  const auto req = last_sent_as<nas::AttachRequest>();
  EXPECT_EQ(req.attach_type, 1);
  EXPECT_EQ(req.nas_ksi, 7);
  EXPECT_EQ(req.identity, nas::MobileIdentity::of(Type::imsi, kImsi));
  EXPECT_EQ(req.ue_network_capability, (Bytes{0xa0, 0x20})) << "EEA0, 128-EEA2 | 128-EIA2: what is implemented";
  const auto pdn = std::get<nas::PdnConnectivityRequest>(nas::decode_esm(req.esm_container).value());
  EXPECT_EQ(pdn.header, (nas::EsmHeader{0, 1}));
  EXPECT_EQ(pdn.request_type, 1);
  EXPECT_EQ(pdn.pdn_type, nas::pdn_type::ipv4v6) << "a dual-stack device by default";
  EXPECT_EQ(pdn.apn, std::optional<std::string>("ims"));
  EXPECT_EQ(port_.timers.at(UeTimer::t3410), 15000ms);
  EXPECT_EQ(port_.connections, 1);
}

TEST_F(UeNasTest, when_no_apn_is_named_then_the_pdn_request_omits_it) {
  start_attach();
  const auto req = last_sent_as<nas::AttachRequest>();
  EXPECT_FALSE(std::get<nas::PdnConnectivityRequest>(nas::decode_esm(req.esm_container).value()).apn.has_value());
}

TEST_F(UeNasTest, when_the_apn_cannot_be_encoded_then_the_attach_or_bearer_is_refused_and_nothing_is_sent) {
  start_attach(std::string(300, 'a'));
  ASSERT_TRUE(outcome_);
  EXPECT_FALSE(outcome_->success);
  EXPECT_EQ(outcome_->failure, "bad APN");
  EXPECT_TRUE(port_.sent.empty());
  outcome_.reset();
  attach_fully();
  std::optional<BearerOutcome> bearer;
  const auto before = port_.sent.size();
  nas_.request_bearer("a..b", [&bearer](const BearerOutcome& o) { bearer = o; });
  ASSERT_TRUE(bearer);
  EXPECT_FALSE(bearer->success);
  EXPECT_NE(bearer->message.find("bad APN"), std::string::npos) << bearer->message;
  EXPECT_EQ(port_.sent.size(), before);
}

TEST_F(UeNasTest, when_the_challenge_is_regular_then_res_is_milenage_f2_and_the_usim_is_saved) {
  start_attach();
  nas_.on_pdu(mme_.authentication_request());
  EXPECT_EQ(port_.sent.back()[0], 0x07) << "AUTHENTICATION RESPONSE is plain before security";
  const auto resp = last_sent_as<nas::AuthenticationResponse>();
  EXPECT_EQ(resp.res, Bytes(mme_.av.xres.begin(), mme_.av.xres.end()));
  EXPECT_EQ(port_.usim_saves, 1);
  EXPECT_TRUE(port_.has_event("regular challenge"));
}

TEST_F(UeNasTest, when_smc_arrives_then_complete_is_integrity_and_ciphered_with_imeisv_and_count_0) {
  start_attach();
  nas_.on_pdu(mme_.authentication_request());
  nas_.on_pdu(mme_.security_mode_command());
  const Bytes& pdu = port_.sent.back();
  EXPECT_EQ(pdu[0], 0x47) << "header type 4: integrity protected and ciphered with a new context";
  EXPECT_EQ(pdu[5], 0) << "uplink NAS COUNT 0";
  const auto complete = last_sent_as<nas::SecurityModeComplete>();
  ASSERT_TRUE(complete.imeisv.has_value());
  EXPECT_EQ(*complete.imeisv, nas::MobileIdentity::of(Type::imeisv, "4901542032375107"));
}

TEST_F(UeNasTest, when_the_bearer_is_granted_then_attach_complete_accepts_ebi_5_and_the_outcome_has_the_address) {
  attach_until_secure();
  nas_.on_pdu(mme_.attach_accept(ScriptedMme::bearer(5, 1, "internet")));
  EXPECT_EQ(port_.sent.back()[0], 0x27) << "header type 2 after security";
  const auto complete = last_sent_as<nas::AttachComplete>();
  const auto accept = std::get<nas::ActivateDefaultBearerAccept>(nas::decode_esm(complete.esm_container).value());
  EXPECT_EQ(accept.header.ebi, 5);
  ASSERT_TRUE(outcome_);
  EXPECT_TRUE(outcome_->success);
  EXPECT_FALSE(outcome_->registered_without_pdn);
  EXPECT_EQ(outcome_->ip, "10.45.0.5");
  EXPECT_EQ(outcome_->apn, "internet");
  EXPECT_EQ(outcome_->attempts, 1u);
  EXPECT_EQ(nas_.state(), EmmState::registered);
  EXPECT_FALSE(port_.timers.count(UeTimer::t3410)) << "T3410 stopped";
}

TEST_F(UeNasTest, when_the_device_asks_for_ipv6_then_the_pdn_request_says_so) {
  me_.set_pdn_type(nas::pdn_type::ipv6);
  start_attach();
  const auto req = last_sent_as<nas::AttachRequest>();
  const auto pdn = std::get<nas::PdnConnectivityRequest>(nas::decode_esm(req.esm_container).value());
  EXPECT_EQ(pdn.pdn_type, nas::pdn_type::ipv6);
}

// TS 24.301 9.9.4.9: IPv4v6 carries the interface identifier and the IPv4 address; the grant's ESM cause (#52:
// one of the two only) is reported with the bearer.
TEST_F(UeNasTest, when_an_ipv4v6_or_narrowed_bearer_is_granted_then_the_outcome_reports_both_addresses_and_the_cause) {
  attach_until_secure();
  auto dual = ScriptedMme::bearer(5, 1, "internet");
  dual.pdn_type = nas::pdn_type::ipv4v6;
  dual.ipv6_iid = {0, 0, 0, 0, 0, 0, 0x01, 0x02};
  nas_.on_pdu(mme_.attach_accept(dual));
  ASSERT_TRUE(outcome_);
  EXPECT_TRUE(outcome_->success);
  EXPECT_EQ(outcome_->pdn_type, "ipv4v6");
  EXPECT_EQ(outcome_->ip, "10.45.0.5");
  EXPECT_EQ(outcome_->ipv6_iid, "0:0:0:102");
  EXPECT_EQ(outcome_->esm_cause, 0);
  ASSERT_EQ(nas_.bearers().size(), 1u);
  EXPECT_EQ(nas_.bearers().begin()->second.ipv6_iid, "0:0:0:102");

  auto v6 = ScriptedMme::bearer(6, 2, "ims");
  v6.pdn_type = nas::pdn_type::ipv6;
  v6.ipv6_iid = {0, 0, 0, 0, 0, 0, 0, 9};
  v6.esm_cause = nas::esm_cause::pdn_type_ipv6_only_allowed;
  const Bearer b = granted_bearer(v6);
  EXPECT_EQ(b.pdn_type, "ipv6");
  EXPECT_EQ(b.ip, "") << "no IPv4 in an IPv6 grant";
  EXPECT_EQ(b.ipv6_iid, "0:0:0:9");
  EXPECT_EQ(b.esm_cause, 51);
  EXPECT_NE(describe(b).find("#51 PDN type IPv6 only allowed"), std::string::npos) << describe(b);
}

TEST_F(UeNasTest, when_the_network_refuses_the_bearer_with_33_then_registered_without_pdn_and_an_esm_dummy_message) {
  attach_until_secure();
  nas_.on_pdu(mme_.attach_accept(nas::PdnConnectivityReject{{0, 1}, nas::esm_cause::service_option_not_authorized}));
  const Bytes plain = mme_.env->unprotect(port_.sent.back()).value().message;
  EXPECT_EQ(plain, (Bytes{0x07, 0x43, 0x00, 0x03, 0x02, 0x00, 0xdc})) << "ATTACH COMPLETE with an ESM DUMMY MESSAGE";
  ASSERT_TRUE(outcome_);
  EXPECT_TRUE(outcome_->success);
  EXPECT_TRUE(outcome_->registered_without_pdn);
  EXPECT_EQ(outcome_->esm_cause, 33);
  EXPECT_TRUE(nas_.registered_without_pdn());
  EXPECT_TRUE(port_.has_event("attached without PDN connection: the network refused the bearer (ESM cause #33 "
                              "requested service option not subscribed): access restricted to ME-binding provisioning"));
}

TEST_F(UeNasTest, when_the_ue_plmn_differs_from_the_mme_then_smc_mac_fails_and_reject_24_names_the_plmn) {
  config_.serving_plmn = Plmn::create("001", "02").value();
  start_attach();
  nas_.on_pdu(mme_.authentication_request());
  nas_.on_pdu(mme_.security_mode_command());
  EXPECT_FALSE(nas_.security_active());
  EXPECT_EQ(port_.sent.back()[0], 0x07) << "SECURITY MODE REJECT is plain";
  EXPECT_EQ(last_sent_as<nas::SecurityModeReject>().emm_cause, 24);
  EXPECT_TRUE(port_.has_event("network.plmn 00102"));
}

TEST_F(UeNasTest, when_the_replayed_capabilities_differ_then_security_mode_reject_23) {
  start_attach();
  nas_.on_pdu(mme_.authentication_request());
  nas_.on_pdu(mme_.security_mode_command({2, 2, 2, {0xe0, 0x60}, true}));
  EXPECT_EQ(last_sent_as<nas::SecurityModeReject>().emm_cause, 23);
  EXPECT_FALSE(nas_.security_active());
}

TEST_F(UeNasTest, when_a_pre_processed_challenge_meets_an_me_without_kme_then_failure_20_is_explained) {
  start_attach();
  nas_.on_pdu(mme_.authentication_request(std::pair{generate_kme(), KmeId{1}}));
  const auto failure = last_sent_as<nas::AuthenticationFailure>();
  EXPECT_EQ(failure.emm_cause, 20);
  EXPECT_FALSE(failure.auts.has_value());
  EXPECT_TRUE(port_.has_event("MAC failure (#20): pre-processed challenge and no KME for PLMN 00101 in this ME"));
  EXPECT_EQ(port_.usim_saves, 0) << "a failed MAC changes nothing on the UICC";
}

TEST_F(UeNasTest, when_the_me_holds_the_kme_then_rand_star_is_decrypted_and_the_outcome_shows_both_rands) {
  const Kme kme = generate_kme();
  me_.kme_store().add({usim_.home_plmn(), KmeId{6}, kme, false});
  start_attach();
  nas_.on_pdu(mme_.authentication_request(std::pair{kme, KmeId{6}}));
  const auto resp = last_sent_as<nas::AuthenticationResponse>();
  EXPECT_EQ(resp.res, Bytes(mme_.av.xres.begin(), mme_.av.xres.end()));
  EXPECT_EQ(port_.me_saves, 1) << "the confirmed KME is persisted";
  nas_.on_pdu(mme_.security_mode_command());
  nas_.on_pdu(mme_.attach_accept(ScriptedMme::bearer(5, 1, "internet")));
  ASSERT_TRUE(outcome_ && outcome_->success);
  EXPECT_TRUE(outcome_->pre_processed);
  EXPECT_EQ(outcome_->rand_on_air, std::optional<Rand>(mme_.av.rand));
  EXPECT_EQ(outcome_->rand_used, std::optional<Rand>(decrypt_rand(kme, mme_.av.rand)));
  EXPECT_EQ(outcome_->kme_id, std::optional<KmeId>(KmeId{6}));
  EXPECT_TRUE(port_.has_event("RAND* decrypted with KME-Id 6"));
}

TEST_F(UeNasTest, when_the_uicc_saw_the_sqn_already_then_synch_failure_21_with_auts_the_hss_accepts) {
  start_attach();
  const Bytes challenge = mme_.authentication_request();
  nas_.on_pdu(challenge);
  nas_.on_pdu(challenge);  // the same SQN again: out of the UICC's window
  const auto failure = last_sent_as<nas::AuthenticationFailure>();
  EXPECT_EQ(failure.emm_cause, 21);
  ASSERT_TRUE(failure.auts.has_value());
  const auto resync = verify_auts(Milenage(mme_.k, mme_.opc), mme_.av.rand, *failure.auts);
  EXPECT_TRUE(resync.mac_s_valid);
  EXPECT_EQ(resync.sqn_ms, mme_.av.sqn);
  EXPECT_EQ(nas_.counters().resyncs, 1u);
}

TEST_F(UeNasTest, when_the_attach_is_rejected_then_the_outcome_names_the_cause_and_no_retry_runs) {
  start_attach();
  nas_.on_pdu(nas::encode_emm(nas::AttachReject{3, std::nullopt}).value());
  ASSERT_TRUE(outcome_);
  EXPECT_FALSE(outcome_->success);
  EXPECT_EQ(outcome_->emm_cause, 3);
  EXPECT_NE(outcome_->message.find("#3 Illegal UE"), std::string::npos) << outcome_->message;
  EXPECT_EQ(nas_.state(), EmmState::deregistered);
  EXPECT_TRUE(port_.timers.empty());
}

TEST_F(UeNasTest, when_authentication_is_rejected_then_the_attach_fails_with_that_message) {
  start_attach();
  nas_.on_pdu(nas::encode_emm(nas::AuthenticationReject{}).value());
  ASSERT_TRUE(outcome_);
  EXPECT_FALSE(outcome_->success);
  EXPECT_EQ(outcome_->message.rfind("authentication rejected by the network", 0), 0u) << outcome_->message;
}

TEST_F(UeNasTest, when_t3410_expires_then_t3411_and_a_fresh_attempt_until_the_limit_then_failure) {
  config_.max_attach_attempts = 3;
  start_attach();
  for (int attempt = 1; attempt <= 3; ++attempt) {
    ASSERT_EQ(port_.connections, attempt);
    ASSERT_FALSE(outcome_);
    nas_.on_timer(UeTimer::t3410);
    if (attempt < 3) {
      EXPECT_EQ(nas_.state(), EmmState::waiting_retry);
      EXPECT_TRUE(port_.timers.count(UeTimer::t3411));
      nas_.on_timer(UeTimer::t3411);
      EXPECT_TRUE(std::holds_alternative<nas::AttachRequest>(mme_.open(port_.sent.back())));
    }
  }
  ASSERT_TRUE(outcome_);
  EXPECT_FALSE(outcome_->success);
  EXPECT_EQ(outcome_->failure, "T3410 expired");
  EXPECT_EQ(outcome_->attempts, 3u);
  EXPECT_EQ(port_.releases_told, 3) << "each abandoned attempt releases its UE context at the MME";
  EXPECT_EQ(port_.sent.size(), 3u);
}

TEST_F(UeNasTest, when_detaching_then_a_protected_detach_request_and_accept_deregisters) {
  attach_fully();
  std::optional<DetachOutcome> done;
  nas_.detach([&](const DetachOutcome& o) { done = o; });
  EXPECT_EQ(port_.sent.back()[0], 0x27);
  const auto req = last_sent_as<nas::DetachRequestUe>();
  EXPECT_EQ(req.detach_type, 1);
  EXPECT_EQ(req.nas_ksi, 2) << "the KSI of the context in use";
  EXPECT_EQ(req.identity, nas::MobileIdentity::of(Type::imsi, kImsi));
  EXPECT_FALSE(done);
  nas_.on_pdu(mme_.protect(nas::DetachAccept{}));
  ASSERT_TRUE(done);
  EXPECT_TRUE(done->success);
  EXPECT_FALSE(done->local);
  EXPECT_EQ(nas_.state(), EmmState::deregistered);
  EXPECT_FALSE(nas_.security_active());
}

TEST_F(UeNasTest, when_t3421_keeps_expiring_then_four_retransmissions_and_a_local_detach) {
  attach_fully();
  std::optional<DetachOutcome> done;
  nas_.detach([&](const DetachOutcome& o) { done = o; });
  const std::size_t before = port_.sent.size();
  for (int i = 0; i < 5; ++i) nas_.on_timer(UeTimer::t3421);
  EXPECT_EQ(port_.sent.size(), before + 4);
  ASSERT_TRUE(done);
  EXPECT_TRUE(done->local);
  EXPECT_EQ(nas_.state(), EmmState::deregistered);
}

TEST_F(UeNasTest, when_the_network_detaches_with_reattach_required_then_accept_and_a_new_attach) {
  attach_fully();
  nas_.on_pdu(mme_.protect(nas::DetachRequestNetwork{1, std::nullopt}));
  ASSERT_GE(port_.sent.size(), 2u);
  const auto accept = mme_.open(port_.sent[port_.sent.size() - 2]);
  EXPECT_TRUE(std::holds_alternative<nas::DetachAccept>(accept));
  EXPECT_EQ(port_.sent.back()[0], 0x07) << "the new ATTACH REQUEST is plain";
  EXPECT_TRUE(std::holds_alternative<nas::AttachRequest>(nas::decode_emm(port_.sent.back(), Direction::uplink).value()));
  EXPECT_EQ(nas_.state(), EmmState::attaching);
  EXPECT_EQ(port_.connections, 2) << "a fresh UE connection id";
}

TEST_F(UeNasTest, when_reattach_is_off_then_a_network_detach_leaves_the_ue_deregistered) {
  config_.reattach_on_request = false;
  attach_fully();
  const std::size_t before = port_.sent.size();
  nas_.on_pdu(mme_.protect(nas::DetachRequestNetwork{1, std::nullopt}));
  EXPECT_EQ(port_.sent.size(), before + 1);
  EXPECT_EQ(nas_.state(), EmmState::deregistered);
}

TEST_F(UeNasTest, when_registered_then_a_bearer_request_gets_its_own_pti_and_the_new_bearer_is_accepted) {
  attach_fully();
  std::optional<BearerOutcome> done;
  nas_.request_bearer("ims", [&](const BearerOutcome& o) { done = o; });
  EXPECT_EQ(port_.sent.back()[0], 0x27) << "ESM inside the EMM security envelope";
  const auto req = std::get<nas::PdnConnectivityRequest>(mme_.open_esm(port_.sent.back()));
  EXPECT_EQ(req.header.pti, 2);
  EXPECT_EQ(req.apn, std::optional<std::string>("ims"));
  nas_.on_pdu(mme_.protect(nas::encode_esm(ScriptedMme::bearer(6, req.header.pti, "ims")).value()));
  const auto accept = std::get<nas::ActivateDefaultBearerAccept>(mme_.open_esm(port_.sent.back()));
  EXPECT_EQ(accept.header.ebi, 6);
  ASSERT_TRUE(done);
  EXPECT_TRUE(done->success);
  EXPECT_EQ(done->ip, "10.45.0.6");
  EXPECT_EQ(nas_.bearers().size(), 2u);
}

TEST_F(UeNasTest, when_the_bearer_is_refused_then_the_esm_cause_is_reported) {
  attach_fully();
  std::optional<BearerOutcome> done;
  nas_.request_bearer("ims", [&](const BearerOutcome& o) { done = o; });
  nas_.on_pdu(mme_.protect(nas::encode_esm(nas::PdnConnectivityReject{{0, 2}, 27}).value()));
  ASSERT_TRUE(done);
  EXPECT_FALSE(done->success);
  EXPECT_EQ(done->esm_cause, 27);
  EXPECT_EQ(nas_.last_esm_cause(), 27);
}

TEST_F(UeNasTest, when_a_message_type_is_unknown_or_truncated_then_emm_status_97_or_96) {
  start_attach();
  nas_.on_pdu(Bytes{0x07, 0x7f});
  EXPECT_EQ(last_sent_as<nas::EmmStatus>().emm_cause, 97);
  nas_.on_pdu(Bytes{0x07, 0x52, 0x00, 0x01});  // AUTHENTICATION REQUEST cut inside RAND
  EXPECT_EQ(last_sent_as<nas::EmmStatus>().emm_cause, 96);
  EXPECT_EQ(nas_.state(), EmmState::attaching);
}

TEST_F(UeNasTest, when_a_protected_pdu_fails_its_mac_then_it_is_discarded_silently) {
  attach_until_secure();
  Bytes accept = mme_.attach_accept(ScriptedMme::bearer(5, 1, "internet"));
  accept[2] ^= 0x01;
  const std::size_t before = port_.sent.size();
  nas_.on_pdu(accept);
  EXPECT_EQ(port_.sent.size(), before);
  EXPECT_EQ(nas_.state(), EmmState::attaching);
  EXPECT_EQ(nas_.counters().nas_discarded, 1u);
}

TEST_F(UeNasTest, when_identity_is_asked_then_imsi_plain_but_imei_only_under_protection) {
  start_attach();
  nas_.on_pdu(nas::encode_emm(nas::IdentityRequest{2}).value());
  EXPECT_EQ(port_.sent.size(), 1u) << "IMEI not given without integrity protection";
  nas_.on_pdu(nas::encode_emm(nas::IdentityRequest{1}).value());
  EXPECT_EQ(last_sent_as<nas::IdentityResponse>().identity, nas::MobileIdentity::of(Type::imsi, kImsi));
  nas_.on_pdu(mme_.authentication_request());
  nas_.on_pdu(mme_.security_mode_command());
  nas_.on_pdu(mme_.protect(nas::IdentityRequest{2}));
  EXPECT_EQ(port_.sent.back()[0], 0x27);
  EXPECT_EQ(last_sent_as<nas::IdentityResponse>().identity, nas::MobileIdentity::of(Type::imei, "490154203237518"));
}

TEST_F(UeNasTest, when_the_connection_drops_during_attach_then_the_attach_fails_at_once) {
  start_attach();
  nas_.on_connection_lost();
  ASSERT_TRUE(outcome_);
  EXPECT_FALSE(outcome_->success);
  EXPECT_EQ(outcome_->failure, "connection lost");
}

TEST_F(UeNasTest, when_not_connected_then_the_attach_request_waits_for_the_connection) {
  port_.up = false;
  start_attach();
  EXPECT_TRUE(port_.sent.empty());
  port_.up = true;
  nas_.on_connected();
  ASSERT_EQ(port_.sent.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<nas::AttachRequest>(mme_.open(port_.sent[0])));
}

TEST_F(UeNasTest, when_a_binding_container_arrives_then_kme_is_unwrapped_stored_and_rsp_answered) {
  attach_fully();
  const crypto::Kme kme = crypto::random_octets<16>();
  nas::BindingDownlink d;
  d.kme_id = 7;
  d.key_wrap_scheme = static_cast<std::uint8_t>(KeyWrapScheme::ecies_profile_a);
  d.hss_nonce = crypto::random_octets<16>();
  d.wrapped_kme = *wrap_for_device(KeyWrapScheme::ecies_profile_a, me_.device_key().public_key, kme);
  nas_.on_pdu(mme_.protect(nas::GenericNasTransport{true, nas::kDefaultBindingContainerType,
                                                    nas::encode_binding_downlink(d).value(), std::nullopt}));
  const auto up = std::get<nas::GenericNasTransport>(mme_.open(port_.sent.back()));
  EXPECT_FALSE(up.downlink);
  EXPECT_EQ(up.container_type, nas::kDefaultBindingContainerType);
  const auto answer = nas::decode_binding_uplink(up.container);
  ASSERT_TRUE(answer && answer->rsp);
  EXPECT_EQ(*answer->rsp, crypto::compute_rsp(kme, d.hss_nonce)) << "Rsp = HMAC-SHA-256(KME, NHSS)";
  ASSERT_EQ(me_.kme_store().entries().size(), 1u);
  EXPECT_EQ(me_.kme_store().entries()[0].kme, kme);
  EXPECT_EQ(to_uint(me_.kme_store().entries()[0].id), 7u);
  EXPECT_TRUE(port_.has_event("unwrapped with the device private key and stored"));
}

TEST_F(UeNasTest, when_a_binding_container_is_not_for_this_device_then_the_failure_is_reported_and_nothing_stored) {
  attach_fully();
  const auto other = *generate_device_key_pair(KeyWrapScheme::ecies_profile_a);
  nas::BindingDownlink d;
  d.kme_id = 8;
  d.key_wrap_scheme = static_cast<std::uint8_t>(KeyWrapScheme::ecies_profile_a);
  d.wrapped_kme = *wrap_for_device(KeyWrapScheme::ecies_profile_a, other.public_key, crypto::random_octets<16>());
  nas_.on_pdu(mme_.protect(nas::GenericNasTransport{true, nas::kDefaultBindingContainerType,
                                                    nas::encode_binding_downlink(d).value(), std::nullopt}));
  const auto up = std::get<nas::GenericNasTransport>(mme_.open(port_.sent.back()));
  const auto answer = nas::decode_binding_uplink(up.container);
  ASSERT_TRUE(answer);
  EXPECT_FALSE(answer->rsp);
  EXPECT_TRUE(me_.kme_store().entries().empty());
  // A container of another type is not ours: ignored, nothing sent.
  const std::size_t before = port_.sent.size();
  nas_.on_pdu(mme_.protect(nas::GenericNasTransport{true, 0x01, {1, 2, 3}, std::nullopt}));
  EXPECT_EQ(port_.sent.size(), before);
}

// ---- security mode control: a second SMC for the context in use ------------------------------------------------

TEST_F(UeNasTest, when_the_mme_retransmits_smc_then_complete_goes_under_the_running_uplink_count) {
  attach_until_secure();
  ASSERT_EQ(port_.sent.back()[5], 0) << "the first SECURITY MODE COMPLETE has uplink COUNT 0";
  const std::size_t before = port_.sent.size();
  nas_.on_pdu(mme_.retransmitted_security_mode_command());  // T3460: downlink COUNT 1
  ASSERT_EQ(port_.sent.size(), before + 1) << "the retransmission is answered";
  const Bytes& pdu = port_.sent.back();
  EXPECT_EQ(pdu[0], 0x47);
  EXPECT_EQ(pdu[5], 1) << "uplink COUNT 1, not 0 again: no 128-EEA2 keystream reuse";
  EXPECT_TRUE(std::holds_alternative<nas::SecurityModeComplete>(mme_.open(pdu))) << "verifies at the MME";
  // Both sides go on with the same context.
  nas_.on_pdu(mme_.attach_accept(ScriptedMme::bearer(5, 1, "internet")));
  EXPECT_EQ(nas_.state(), EmmState::registered);
  EXPECT_EQ(port_.sent.back()[5], 2) << "ATTACH COMPLETE continues the uplink COUNT";
  EXPECT_TRUE(std::holds_alternative<nas::AttachComplete>(mme_.open(port_.sent.back())));
}

TEST_F(UeNasTest, when_an_smc_is_replayed_then_it_is_discarded_and_the_counts_are_not_reset) {
  start_attach();
  nas_.on_pdu(mme_.authentication_request());
  const Bytes smc = mme_.security_mode_command();
  nas_.on_pdu(smc);
  ASSERT_TRUE(nas_.security_active());
  const std::size_t before = port_.sent.size();
  const auto discarded = nas_.counters().nas_discarded;
  nas_.on_pdu(smc);  // the same PDU again (downlink COUNT 0)
  EXPECT_EQ(port_.sent.size(), before) << "no second SECURITY MODE COMPLETE under a fresh context";
  EXPECT_EQ(nas_.counters().nas_discarded, discarded + 1);
  nas_.on_pdu(mme_.attach_accept(ScriptedMme::bearer(5, 1, "internet")));
  ASSERT_EQ(nas_.state(), EmmState::registered);
  EXPECT_EQ(port_.sent.back()[5], 1) << "uplink COUNT goes on from the first SECURITY MODE COMPLETE";
  EXPECT_TRUE(std::holds_alternative<nas::AttachComplete>(mme_.open(port_.sent.back())));
}

TEST_F(UeNasTest, when_an_smc_names_neither_the_new_nor_the_current_ksi_then_reject_24_and_the_context_stays) {
  attach_until_secure();
  nas::SecurityModeCommand other = ScriptedMme::smc_eea2();
  other.nas_ksi = 5;
  nas_.on_pdu(mme_.retransmitted_security_mode_command(other));
  EXPECT_EQ(port_.sent.back()[0], 0x07);
  EXPECT_EQ(std::get<nas::SecurityModeReject>(nas::decode_emm(port_.sent.back(), Direction::uplink).value()).emm_cause,
            24);
  EXPECT_TRUE(nas_.security_active());
  nas_.on_pdu(mme_.attach_accept(ScriptedMme::bearer(5, 1, "internet")));
  EXPECT_EQ(nas_.state(), EmmState::registered) << "the context in use still verifies";
}

// ---- TS 24.301 4.4.4.2: what is processed without integrity protection ----------------------------------------

TEST_F(UeNasTest, when_no_context_exists_yet_then_only_the_listed_messages_are_processed_plain) {
  start_attach();
  const std::size_t before = port_.sent.size();
  nas_.on_pdu(nas::encode_emm(nas::DetachRequestNetwork{1, std::nullopt}).value());
  nas_.on_pdu(nas::encode_emm(nas::GenericNasTransport{true, 0x80, {1, 2, 3}, std::nullopt}).value());
  nas_.on_pdu(nas::encode_emm(nas::EmmStatus{98}).value());
  nas_.on_pdu(nas::encode_esm(ScriptedMme::bearer(5, 1, "internet")).value());
  nas_.on_pdu(nas::encode_emm(nas::AttachReject{25, std::nullopt}).value());
  EXPECT_EQ(port_.sent.size(), before) << "no DETACH ACCEPT, no answer at all";
  EXPECT_EQ(nas_.state(), EmmState::attaching);
  EXPECT_EQ(port_.connections, 1) << "the attach goes on";
  EXPECT_FALSE(outcome_) << "ATTACH REJECT #25 is not taken without protection";
  EXPECT_EQ(nas_.last_emm_cause(), 0) << "plain EMM STATUS discarded";
  EXPECT_FALSE(port_.has_event("binding container received"));
  EXPECT_EQ(nas_.counters().nas_discarded, 5u);
  // What the list names still goes through before security.
  nas_.on_pdu(mme_.authentication_request());
  EXPECT_TRUE(std::holds_alternative<nas::AuthenticationResponse>(mme_.open(port_.sent.back())));
  nas_.on_pdu(nas::encode_emm(nas::AttachReject{11, std::nullopt}).value());
  ASSERT_TRUE(outcome_);
  EXPECT_EQ(outcome_->emm_cause, 11);
}

TEST_F(UeNasTest, when_registered_then_a_plain_detach_request_or_esm_message_is_discarded) {
  attach_fully();
  const std::size_t before = port_.sent.size();
  nas_.on_pdu(nas::encode_emm(nas::DetachRequestNetwork{2, std::nullopt}).value());
  nas_.on_pdu(nas::encode_esm(nas::PdnConnectivityReject{{0, 2}, 27}).value());
  EXPECT_EQ(port_.sent.size(), before);
  EXPECT_EQ(nas_.state(), EmmState::registered);
  EXPECT_EQ(nas_.last_esm_cause(), 0);
}

// ---- network-initiated detach: IMSI detach ---------------------------------------------------------------------

TEST_F(UeNasTest, when_the_network_sends_an_imsi_detach_then_accept_and_the_eps_registration_is_kept) {
  attach_fully();
  nas_.on_pdu(mme_.protect(nas::DetachRequestNetwork{3, std::nullopt}));
  EXPECT_TRUE(std::holds_alternative<nas::DetachAccept>(mme_.open(port_.sent.back())));
  EXPECT_EQ(nas_.state(), EmmState::registered);
  EXPECT_TRUE(nas_.security_active());
  EXPECT_EQ(nas_.bearers().size(), 1u);
  EXPECT_EQ(port_.connections, 1) << "no new attach";
  EXPECT_EQ(port_.releases_told, 0);
  // The context in use still protects both ways.
  std::optional<DetachOutcome> done;
  nas_.detach([&](const DetachOutcome& o) { done = o; });
  EXPECT_TRUE(std::holds_alternative<nas::DetachRequestUe>(mme_.open(port_.sent.back())));
}

// ---- PDN connectivity: T3482 ----------------------------------------------------------------------------------

TEST_F(UeNasTest, when_t3482_expires_then_the_pdn_request_is_resent_four_times_and_the_fifth_expiry_fails) {
  attach_fully();
  std::optional<BearerOutcome> done;
  nas_.request_bearer("ims", [&](const BearerOutcome& o) { done = o; });
  const auto first = std::get<nas::PdnConnectivityRequest>(mme_.open_esm(port_.sent.back()));
  const std::size_t before = port_.sent.size();
  for (int expiry = 1; expiry <= 4; ++expiry) {
    nas_.on_timer(UeTimer::t3482);
    ASSERT_FALSE(done) << "expiry " << expiry;
    ASSERT_EQ(port_.sent.size(), before + static_cast<std::size_t>(expiry));
    const auto again = std::get<nas::PdnConnectivityRequest>(mme_.open_esm(port_.sent.back()));
    EXPECT_EQ(again, first) << "the same request, the same PTI";
    EXPECT_TRUE(port_.timers.count(UeTimer::t3482)) << "T3482 restarted";
  }
  nas_.on_timer(UeTimer::t3482);
  EXPECT_EQ(port_.sent.size(), before + 4) << "nothing sent on the fifth expiry";
  ASSERT_TRUE(done);
  EXPECT_FALSE(done->success);
  EXPECT_NE(done->message.find("5 PDN CONNECTIVITY REQUESTs"), std::string::npos) << done->message;
  // The procedure is over: an answer for its PTI now comes too late.
  nas_.on_pdu(mme_.protect(nas::encode_esm(ScriptedMme::bearer(6, first.header.pti, "ims")).value()));
  EXPECT_EQ(nas_.bearers().size(), 1u);
}

TEST_F(UeNasTest, when_the_answer_comes_after_a_retransmission_then_the_bearer_is_activated) {
  attach_fully();
  std::optional<BearerOutcome> done;
  nas_.request_bearer("ims", [&](const BearerOutcome& o) { done = o; });
  nas_.on_timer(UeTimer::t3482);
  const auto req = std::get<nas::PdnConnectivityRequest>(mme_.open_esm(port_.sent.back()));
  nas_.on_pdu(mme_.protect(nas::encode_esm(ScriptedMme::bearer(6, req.header.pti, "ims")).value()));
  ASSERT_TRUE(done);
  EXPECT_TRUE(done->success);
  EXPECT_FALSE(port_.timers.count(UeTimer::t3482));
}

}  // namespace
}  // namespace simbind::ue
