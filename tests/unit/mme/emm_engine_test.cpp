// The MME's EMM procedures in one process, without sockets or Diameter: a fake transport whose timers the test
// fires, and a fake HSS that computes real Milenage vectors. The real USIM (services/ue) answers the challenges.
// These run under ASan/UBSan in CI, including a random-input storm.
#include <gtest/gtest.h>

#include <random>

#include "common/crypto/auth_vector.h"
#include "common/crypto/kdf.h"
#include "common/crypto/primitives.h"
#include "common/diameter/avp_codes.h"
#include "common/nas/binding_container.h"
#include "services/mme/emm_engine.h"
#include "services/ue/usim.h"

namespace simbind::mme {
namespace {

using nas::SecurityHeaderType;

class FakeLink : public NasLink {
 public:
  void send(ConnectionId c, nas::Frame f) override { sent.emplace_back(c, std::move(f)); }
  // Recorded, and the frame kept with the others (as NAS/TCP sends it).
  void send_context_setup(ConnectionId c, nas::Frame f, const ContextSetup& setup) override {
    setups.push_back(setup);
    sent.emplace_back(c, std::move(f));
  }
  void post(std::function<void()> work) override { posted.push_back(std::move(work)); }
  TimerId schedule(std::chrono::milliseconds, std::function<void()> work) override {
    timers[next] = std::move(work);
    return next++;
  }
  void cancel(TimerId id) override { timers.erase(id); }

  void run_posted() {
    while (!posted.empty()) {
      auto w = std::move(posted.front());
      posted.erase(posted.begin());
      w();
    }
  }
  void fire_timers() {
    auto due = std::move(timers);
    timers.clear();
    for (auto& [id, work] : due) work();
  }

  std::vector<std::pair<ConnectionId, nas::Frame>> sent;
  std::vector<ContextSetup> setups;
  std::vector<std::function<void()>> posted;
  std::map<TimerId, std::function<void()>> timers;
  TimerId next = 1;
};

class FakeHss : public HssLink {
 public:
  FakeHss() {
    crypto::random_fill(k);
    crypto::random_fill(opc);
  }
  void air(const diameter::AuthInfoRequest& r, AiaDone done) override {
    airs.push_back(r);
    if (hold) return held.push_back(std::move(done));
    if (air_failure) return done(std::unexpected(*air_failure));
    done(make_aia(r.visited_plmn));
  }
  void ulr(const diameter::UpdateLocationRequest& r, UlaDone done) override {
    ulrs.push_back(r);
    if (hold_ulr) {
      held_ulr.push_back(std::move(done));
      return;
    }
    diameter::UpdateLocationAnswer a;
    a.result = ula_result;
    diameter::SubscriptionData data;
    data.apns = apns;
    data.default_context_identifier = default_context;
    a.subscription = data;
    a.binding_restriction = restriction;
    done(a);
  }
  diameter::AuthInfoAnswer make_aia(const Octets<3>& plmn) {
    const crypto::Milenage m(k, opc);
    seq += 32;
    const auto av = crypto::make_eutran_vector(m, crypto::random_octets<16>(), crypto::sqn_from_value(seq),
                                               crypto::amf_from_value(0x8000), plmn);
    diameter::EutranVectorData v;
    v.rand = av.rand;
    v.xres.assign(av.xres.begin(), av.xres.end());
    v.autn = av.autn;
    v.kasme = av.kasme;
    v.av_type = diameter::BindingAvType::regular;
    diameter::AuthInfoAnswer a;
    a.vectors.push_back(v);
    a.binding_restriction = restriction;
    return a;
  }

  crypto::Key128 k{};
  crypto::Opc opc{};
  std::uint64_t seq = 0;
  // The subscription's APN configurations (the ULA's): by default one, internet, IPv4.
  std::vector<diameter::ApnConfiguration> apns = [] {
    diameter::ApnConfiguration apn;
    apn.service_selection = "internet";
    return std::vector<diameter::ApnConfiguration>{apn};
  }();
  std::uint32_t default_context = 1;
  bool hold = false;
  std::vector<AiaDone> held;
  bool hold_ulr = false;
  std::vector<UlaDone> held_ulr;
  void release_ulr() {
    diameter::UpdateLocationAnswer a;
    diameter::SubscriptionData data;
    diameter::ApnConfiguration apn;
    apn.service_selection = "internet";
    data.apns.push_back(apn);
    a.subscription = data;
    a.binding_restriction = restriction;
    for (auto& d : held_ulr) d(a);
    held_ulr.clear();
  }
  std::optional<S6aFailure> air_failure;
  diameter::ResultCode ula_result;
  std::optional<diameter::BindingRestriction> restriction;
  std::vector<diameter::AuthInfoRequest> airs;
  std::vector<diameter::UpdateLocationRequest> ulrs;
};

constexpr ConnectionId kConn{7};
constexpr char kImsi[] = "001010123456789";

class EmmEngineTest : public ::testing::Test {
 protected:
  EmmEngineTest() : engine_(config_, hss_), usim_(ue::UsimProfile{*Imsi::create(kImsi), hss_.k, hss_.opc, 2, {}}) {
    engine_.attach_transport(link_);
  }

  void uplink(std::uint32_t ue, const Bytes& pdu) {
    engine_.on_frame(kConn, nas::Frame{static_cast<nas::UeConnectionId>(ue), nas::FrameKind::nas_pdu, pdu});
    link_.run_posted();
  }
  // Frames sent to `ue` since the last call.
  std::vector<nas::Frame> downlink(std::uint32_t ue) {
    std::vector<nas::Frame> out;
    for (auto it = link_.sent.begin(); it != link_.sent.end();) {
      if (nas::to_uint(it->second.ue) == ue) {
        out.push_back(std::move(it->second));
        it = link_.sent.erase(it);
      } else {
        ++it;
      }
    }
    return out;
  }
  nas::EmmMessage decode(const nas::Frame& f) {
    Bytes message = f.payload;
    const auto header = *nas::security_header_type(f.payload);
    if (header == SecurityHeaderType::integrity_new_context && !security_) {
      const auto keys = crypto::derive_nas_keys(kasme_, 2, 2);
      security_.emplace(nas::NasKeysInUse{keys.k_nas_int, keys.k_nas_enc, {}}, crypto::Direction::uplink);
    }
    if (header != SecurityHeaderType::plain) {
      auto u = security_->unprotect(f.payload);
      EXPECT_TRUE(u.has_value());
      message = u->message;
    }
    auto m = nas::decode_emm(message, crypto::Direction::downlink);
    EXPECT_TRUE(m.has_value()) << m.error().message;
    return *m;
  }
  Bytes attach_request() {
    nas::AttachRequest a;
    a.identity = nas::MobileIdentity::of(nas::MobileIdentity::Type::imsi, kImsi);
    nas::PdnConnectivityRequest pdn;
    pdn.header.pti = 1;
    pdn.pdn_type = pdn_type_;
    pdn.apn = requested_apn_;
    a.esm_container = nas::encode_esm(pdn).value();
    return nas::encode_emm(a).value();
  }
  // ATTACH REQUEST to SECURITY MODE COMPLETE for UE 1 (the ULR is then out).
  void attach_to_ulr() {
    uplink(1, attach_request());
    auto frames = downlink(1);
    const auto auth = std::get<nas::AuthenticationRequest>(decode(frames.at(0)));
    const auto answer = usim_.authenticate(auth.rand, auth.autn);
    const auto& ok = std::get<ue::AuthSuccess>(answer);
    kasme_ = crypto::derive_kasme(ok.ck, ok.ik, config_.plmn, ok.sqn_xor_ak);
    security_.reset();
    uplink(1, nas::encode_emm(nas::AuthenticationResponse{Bytes(ok.res.begin(), ok.res.end())}).value());
    frames = downlink(1);
    (void)decode(frames.at(0));  // SMC
    nas::SecurityModeComplete complete;
    complete.imeisv = nas::MobileIdentity::of(nas::MobileIdentity::Type::imeisv, "3569380356438001");
    uplink(1, security_->protect(nas::encode_emm(complete).value(), SecurityHeaderType::integrity_ciphered_new_context));
  }

  // ATTACH REQUEST to ATTACH ACCEPT for UE 1; returns the accept.
  nas::AttachAccept attach_to_accept() {
    uplink(1, attach_request());
    auto frames = downlink(1);
    EXPECT_EQ(frames.size(), 1u);
    const auto auth = std::get<nas::AuthenticationRequest>(decode(frames.at(0)));
    const auto answer = usim_.authenticate(auth.rand, auth.autn);
    const auto& ok = std::get<ue::AuthSuccess>(answer);
    kasme_ = crypto::derive_kasme(ok.ck, ok.ik, config_.plmn, ok.sqn_xor_ak);
    security_.reset();
    uplink(1, nas::encode_emm(nas::AuthenticationResponse{Bytes(ok.res.begin(), ok.res.end())}).value());
    frames = downlink(1);
    EXPECT_EQ(frames.size(), 1u);
    const auto smc = std::get<nas::SecurityModeCommand>(decode(frames.at(0)));
    EXPECT_TRUE(smc.imeisv_request);
    nas::SecurityModeComplete complete;
    complete.imeisv = nas::MobileIdentity::of(nas::MobileIdentity::Type::imeisv, "3569380356438001");
    uplink(1, security_->protect(nas::encode_emm(complete).value(), SecurityHeaderType::integrity_ciphered_new_context));
    frames = downlink(1);
    EXPECT_EQ(frames.size(), 1u);
    return std::get<nas::AttachAccept>(decode(frames.at(0)));
  }

  std::uint8_t pdn_type_ = nas::pdn_type::ipv4;   // what attach_request() asks for
  std::optional<std::string> requested_apn_;
  MmeConfig config_;
  FakeLink link_;
  FakeHss hss_;
  EmmEngine engine_;
  ue::Usim usim_;
  crypto::Kasme kasme_{};
  std::optional<nas::SecurityEnvelope> security_;
};

TEST_F(EmmEngineTest, when_the_attach_accept_carries_a_bearer_then_it_goes_with_the_initial_context_setup_once) {
  const auto accept = attach_to_accept();
  ASSERT_EQ(link_.setups.size(), 1u);
  const ContextSetup& setup = link_.setups[0];
  // K_eNB from KASME and the uplink NAS COUNT of SECURITY MODE COMPLETE, the UE's first protected message (0).
  EXPECT_EQ(setup.k_enb, derive_k_enb(kasme_, 0));
  ASSERT_EQ(setup.erabs.size(), 1u);
  const auto esm = nas::decode_esm(accept.esm_container);
  ASSERT_TRUE(esm);
  EXPECT_EQ(setup.erabs[0].ebi, std::get<nas::ActivateDefaultBearerRequest>(*esm).header.ebi);
  EXPECT_EQ(setup.encryption_algorithms, s1ap_encryption_algorithms(nas::AttachRequest{}.ue_network_capability));
  EXPECT_NE(setup.integrity_algorithms, 0);
  // A retransmission of the ATTACH ACCEPT (T3450) is NAS alone: the access stratum is set up already.
  link_.sent.clear();
  link_.fire_timers();
  EXPECT_EQ(downlink(1).size(), 1u);
  EXPECT_EQ(link_.setups.size(), 1u);
}

TEST_F(EmmEngineTest, when_another_connection_names_an_attached_imsi_then_the_attached_ue_keeps_its_context) {
  attach_to_accept();
  link_.sent.clear();
  const auto contexts = engine_.ue_count();
  // A plain ATTACH REQUEST with the same IMSI from another UE connection id: nobody has authenticated it.
  uplink(2, attach_request());
  const auto to_victim = downlink(1);
  for (const auto& f : to_victim) EXPECT_NE(f.kind, nas::FrameKind::ue_context_release) << "the attached UE was evicted";
  EXPECT_EQ(engine_.ue_count(), contexts + 1);
  // The newcomer is challenged (AUTHENTICATION REQUEST); only a verified SECURITY MODE COMPLETE would bind it.
  const auto to_newcomer = downlink(2);
  ASSERT_EQ(to_newcomer.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<nas::AuthenticationRequest>(decode(to_newcomer[0])));
}

TEST_F(EmmEngineTest, when_the_attach_runs_through_then_the_ue_gets_a_bearer_and_the_hss_the_imei) {
  const auto accept = attach_to_accept();
  const auto esm = nas::decode_esm(accept.esm_container);
  ASSERT_TRUE(esm && std::holds_alternative<nas::ActivateDefaultBearerRequest>(*esm));
  EXPECT_EQ(std::get<nas::ActivateDefaultBearerRequest>(*esm).apn, "internet");
  ASSERT_EQ(hss_.airs.size(), 1u);
  EXPECT_TRUE(diameter::advertises_binding(hss_.airs[0].supported_features, config_.dictionary.vendor_id));
  ASSERT_EQ(hss_.ulrs.size(), 1u);
  ASSERT_TRUE(hss_.ulrs[0].terminal_information);
  EXPECT_EQ(hss_.ulrs[0].terminal_information->imei, "356938035643809");  // TAC+SNR and its Luhn digit
  EXPECT_EQ(hss_.ulrs[0].terminal_information->software_version, "01");

  nas::AttachComplete complete{nas::encode_esm(nas::ActivateDefaultBearerAccept{{5, 1}}).value()};
  uplink(1, security_->protect(nas::encode_emm(complete).value(), SecurityHeaderType::integrity_ciphered));
  EXPECT_EQ(engine_.counters().attaches_completed, 1u);
  EXPECT_TRUE(link_.timers.empty()) << "T3450 stopped";

  uplink(1, security_->protect(nas::encode_emm(nas::DetachRequestUe{1, 0, nas::MobileIdentity::of(nas::MobileIdentity::Type::imsi, kImsi)}).value(),
                               SecurityHeaderType::integrity_ciphered));
  const auto frames = downlink(1);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<nas::DetachAccept>(decode(frames[0])));
  EXPECT_EQ(frames[1].kind, nas::FrameKind::ue_context_release);
  EXPECT_EQ(engine_.ue_count(), 0u);
}

// TS 24.301 6.5.1.3 inside the engine: the default APN configuration, a static IPv4 address from the
// subscription, the first /64 of pdn.ipv6_pool (interface identifier ::1), both in one IPv4v6 PDN address.
TEST_F(EmmEngineTest, when_ipv4v6_is_asked_and_subscribed_then_the_bearer_has_the_static_ipv4_and_a_pool_iid) {
  diameter::ApnConfiguration ims;
  ims.context_identifier = 2;
  ims.service_selection = "ims";
  ims.pdn_type = 1;
  hss_.apns.front().pdn_type = 2;
  hss_.apns.front().served_ipv4 = Octets<4>{192, 0, 2, 9};
  hss_.apns.insert(hss_.apns.begin(), ims);  // the default is found by context id, not by position
  pdn_type_ = nas::pdn_type::ipv4v6;
  const auto accept = attach_to_accept();
  const auto esm = nas::decode_esm(accept.esm_container);
  ASSERT_TRUE(esm && std::holds_alternative<nas::ActivateDefaultBearerRequest>(*esm));
  const auto& b = std::get<nas::ActivateDefaultBearerRequest>(*esm);
  EXPECT_EQ(b.apn, "internet");
  EXPECT_EQ(b.pdn_type, nas::pdn_type::ipv4v6);
  EXPECT_EQ(b.ipv4, (Octets<4>{192, 0, 2, 9}));
  EXPECT_EQ(b.ipv6_iid, (Octets<8>{0, 0, 0, 0, 0, 0, 0, 1}));
  EXPECT_FALSE(b.esm_cause);
}

TEST_F(EmmEngineTest, when_the_pdn_type_or_apn_is_not_subscribed_then_attach_reject_19_carries_the_esm_cause) {
  struct Case {
    std::int32_t subscribed;
    std::uint8_t asked;
    std::optional<std::string> apn;
    std::uint8_t cause;
  };
  for (const Case& c : {Case{1, nas::pdn_type::ipv4, std::nullopt, nas::esm_cause::pdn_type_ipv6_only_allowed},
                       Case{0, nas::pdn_type::ipv6, std::nullopt, nas::esm_cause::pdn_type_ipv4_only_allowed},
                       Case{2, nas::pdn_type::ipv4, std::string("corp"), nas::esm_cause::missing_or_unknown_apn}}) {
    hss_.apns.front().pdn_type = c.subscribed;
    pdn_type_ = c.asked;
    requested_apn_ = c.apn;
    attach_to_ulr();
    const auto frames = downlink(1);
    ASSERT_EQ(frames.size(), 2u);
    const auto reject = std::get<nas::AttachReject>(decode(frames[0]));
    EXPECT_EQ(reject.emm_cause, nas::emm_cause::esm_failure);
    ASSERT_TRUE(reject.esm_container);
    const auto esm = nas::decode_esm(*reject.esm_container);
    ASSERT_TRUE(esm && std::holds_alternative<nas::PdnConnectivityReject>(*esm));
    EXPECT_EQ(std::get<nas::PdnConnectivityReject>(*esm).esm_cause, c.cause) << "subscribed " << c.subscribed;
  }
}

TEST_F(EmmEngineTest, when_ipv4v6_is_asked_of_ipv4_or_ipv6_then_one_address_with_52) {
  hss_.apns.front().pdn_type = 3;
  pdn_type_ = nas::pdn_type::ipv4v6;
  const auto accept = attach_to_accept();
  const auto esm = nas::decode_esm(accept.esm_container);
  ASSERT_TRUE(esm && std::holds_alternative<nas::ActivateDefaultBearerRequest>(*esm));
  const auto& b = std::get<nas::ActivateDefaultBearerRequest>(*esm);
  EXPECT_EQ(b.pdn_type, nas::pdn_type::ipv4);
  EXPECT_EQ(b.esm_cause, std::optional<std::uint8_t>(nas::esm_cause::single_address_bearers_only_allowed));
  EXPECT_EQ(b.ipv4[0], 10);
}

TEST_F(EmmEngineTest, when_access_is_provisioning_only_then_the_attach_carries_no_pdn_connection) {
  hss_.restriction = diameter::BindingRestriction::provisioning_only;
  const auto accept = attach_to_accept();
  const auto esm = nas::decode_esm(accept.esm_container);
  ASSERT_TRUE(esm && std::holds_alternative<nas::PdnConnectivityReject>(*esm));
  EXPECT_EQ(std::get<nas::PdnConnectivityReject>(*esm).esm_cause, 33);
  uplink(1, security_->protect(nas::encode_emm(nas::AttachComplete{nas::encode_esm(nas::EsmDummyMessage{}).value()}).value(),
                               SecurityHeaderType::integrity_ciphered));
  EXPECT_EQ(engine_.counters().attaches_without_pdn, 1u);
  EXPECT_EQ(engine_.counters().attaches_completed, 0u);
}

TEST_F(EmmEngineTest, when_an_unanswered_challenge_times_out_five_times_then_the_procedure_is_abandoned) {
  uplink(1, attach_request());
  ASSERT_EQ(downlink(1).size(), 1u);
  for (int i = 2; i <= 5; ++i) {
    link_.fire_timers();
    const auto frames = downlink(1);
    ASSERT_EQ(frames.size(), 1u) << "transmission " << i;
    EXPECT_TRUE(std::holds_alternative<nas::AuthenticationRequest>(decode(frames[0])));
  }
  link_.fire_timers();
  const auto frames = downlink(1);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].kind, nas::FrameKind::ue_context_release);
  EXPECT_EQ(engine_.counters().procedures_timed_out, 1u);
  EXPECT_EQ(engine_.ue_count(), 0u);
}

TEST_F(EmmEngineTest, when_the_ue_restarts_its_attach_then_the_late_answer_of_the_first_is_ignored) {
  hss_.hold = true;
  uplink(1, attach_request());
  uplink(1, attach_request());
  ASSERT_EQ(hss_.held.size(), 2u);
  const Octets<3> plmn = config_.plmn.encode();
  hss_.held[0](hss_.make_aia(plmn));  // the first attach's answer, late
  link_.run_posted();
  EXPECT_TRUE(downlink(1).empty());
  hss_.held[1](hss_.make_aia(plmn));
  link_.run_posted();
  const auto frames = downlink(1);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<nas::AuthenticationRequest>(decode(frames[0])));
}

TEST_F(EmmEngineTest, when_the_hss_is_silent_or_refuses_then_the_cause_says_which) {
  hss_.air_failure = S6aFailure{S6aFailure::Kind::timeout, "AIA: no answer in time"};
  uplink(1, attach_request());
  auto frames = downlink(1);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(std::get<nas::AttachReject>(decode(frames[0])).emm_cause, nas::emm_cause::congestion);
  EXPECT_EQ(frames[1].kind, nas::FrameKind::ue_context_release);

  hss_.air_failure.reset();
  hss_.ula_result = diameter::ResultCode::exp(diameter::experimental::unknown_eps_subscription);
  uplink(1, attach_request());
  frames = downlink(1);
  const auto auth = std::get<nas::AuthenticationRequest>(decode(frames.at(0)));
  const auto answer = usim_.authenticate(auth.rand, auth.autn);
  const auto& ok = std::get<ue::AuthSuccess>(answer);
  kasme_ = crypto::derive_kasme(ok.ck, ok.ik, config_.plmn, ok.sqn_xor_ak);
  security_.reset();
  uplink(1, nas::encode_emm(nas::AuthenticationResponse{Bytes(ok.res.begin(), ok.res.end())}).value());
  frames = downlink(1);
  (void)decode(frames.at(0));  // SMC: sets up the context
  nas::SecurityModeComplete complete;
  complete.imeisv = nas::MobileIdentity::of(nas::MobileIdentity::Type::imeisv, "3569380356438001");
  uplink(1, security_->protect(nas::encode_emm(complete).value(), SecurityHeaderType::integrity_ciphered_new_context));
  frames = downlink(1);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(std::get<nas::AttachReject>(decode(frames[0])).emm_cause, nas::emm_cause::illegal_me);
}

TEST_F(EmmEngineTest, when_random_bytes_arrive_then_nothing_breaks_and_a_real_attach_still_works) {
  std::mt19937 rng(2026);
  const std::uint8_t firsts[] = {0x07, 0x17, 0x27, 0x37, 0x47, 0x02, 0x00, 0xff};
  for (int i = 0; i < 20000; ++i) {
    Bytes pdu(rng() % 48);
    for (auto& b : pdu) b = static_cast<std::uint8_t>(rng());
    if (!pdu.empty()) pdu[0] = firsts[rng() % std::size(firsts)];
    if (pdu.size() > 1 && rng() % 2) pdu[1] = static_cast<std::uint8_t>(0x41 + rng() % 0x28);
    uplink(100 + static_cast<std::uint32_t>(rng() % 50), pdu);
    if (rng() % 64 == 0) link_.fire_timers();
  }
  EXPECT_GT(engine_.counters().nas_malformed + engine_.counters().nas_integrity_failures, 1000u);
  link_.sent.clear();
  const auto accept = attach_to_accept();
  EXPECT_FALSE(accept.esm_container.empty());
}


TEST_F(EmmEngineTest, when_the_hss_provisions_a_kme_then_the_container_goes_to_the_ue_and_rsp_back_then_reattach) {
  hss_.hold_ulr = true;
  hss_.restriction = diameter::BindingRestriction::provisioning_only;
  attach_to_ulr();
  ASSERT_EQ(hss_.held_ulr.size(), 1u);

  diameter::InsertSubscriberDataRequest idr;
  idr.user_name = kImsi;
  idr.binding = diameter::BindingProvisioningInfo{Bytes(40, 0x5a), {}, 9, 1};
  idr.binding->hss_nonce.fill(0x33);
  std::optional<diameter::InsertSubscriberDataAnswer> ida;
  engine_.insert_subscriber_data(idr, [&ida](const diameter::InsertSubscriberDataAnswer& a) { ida = a; });
  link_.run_posted();
  auto frames = downlink(1);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(*nas::security_header_type(frames[0].payload), SecurityHeaderType::integrity_ciphered);
  const auto dl = std::get<nas::GenericNasTransport>(decode(frames[0]));
  EXPECT_TRUE(dl.downlink);
  EXPECT_EQ(dl.container_type, config_.binding_container_type);
  const auto container = nas::decode_binding_downlink(dl.container);
  ASSERT_TRUE(container);
  EXPECT_EQ(container->kme_id, 9u);
  EXPECT_EQ(container->hss_nonce, idr.binding->hss_nonce);
  EXPECT_FALSE(ida) << "the IDA waits for the UE";

  Octets<32> rsp{};
  rsp.fill(0x44);
  uplink(1, security_->protect(nas::encode_emm(nas::GenericNasTransport{false, dl.container_type,
                                                                        nas::encode_binding_uplink({rsp}), std::nullopt}).value(),
                               SecurityHeaderType::integrity_ciphered));
  ASSERT_TRUE(ida);
  EXPECT_TRUE(ida->result.success());
  ASSERT_TRUE(ida->binding_response);
  EXPECT_EQ(*ida->binding_response, rsp);

  // ULA (PROVISIONING_ONLY): attach without PDN, then DETACH REQUEST "re-attach required" (DESIGN 3.3 step 15).
  hss_.release_ulr();
  link_.run_posted();
  frames = downlink(1);
  ASSERT_EQ(frames.size(), 1u);
  const auto accept = std::get<nas::AttachAccept>(decode(frames[0]));
  EXPECT_TRUE(std::holds_alternative<nas::PdnConnectivityReject>(*nas::decode_esm(accept.esm_container)));
  uplink(1, security_->protect(nas::encode_emm(nas::AttachComplete{nas::encode_esm(nas::EsmDummyMessage{}).value()}).value(),
                               SecurityHeaderType::integrity_ciphered));
  frames = downlink(1);
  ASSERT_EQ(frames.size(), 1u);
  const auto detach = std::get<nas::DetachRequestNetwork>(decode(frames[0]));
  EXPECT_EQ(detach.detach_type, 1) << "re-attach required";
  uplink(1, security_->protect(nas::encode_emm(nas::DetachAccept{}).value(), SecurityHeaderType::integrity_ciphered));
  frames = downlink(1);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].kind, nas::FrameKind::ue_context_release);
  EXPECT_EQ(engine_.ue_count(), 0u);
}

TEST_F(EmmEngineTest, when_the_ue_never_answers_the_container_or_is_unknown_then_the_ida_says_so) {
  diameter::InsertSubscriberDataRequest idr;
  idr.user_name = kImsi;
  idr.binding = diameter::BindingProvisioningInfo{Bytes(40, 0x5a), {}, 9, 1};
  std::optional<diameter::InsertSubscriberDataAnswer> unknown;
  engine_.insert_subscriber_data(idr, [&unknown](const diameter::InsertSubscriberDataAnswer& a) { unknown = a; });
  link_.run_posted();
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->result.code, diameter::experimental::user_unknown);

  hss_.hold_ulr = true;
  attach_to_ulr();
  std::optional<diameter::InsertSubscriberDataAnswer> ida;
  engine_.insert_subscriber_data(idr, [&ida](const diameter::InsertSubscriberDataAnswer& a) { ida = a; });
  link_.run_posted();
  ASSERT_FALSE(ida);
  link_.fire_timers();  // the binding response timer
  ASSERT_TRUE(ida);
  EXPECT_EQ(ida->result.code, diameter::result::unable_to_comply);
  EXPECT_FALSE(ida->binding_response);
}

// Issue 14 M2 at the MME: an APN that cannot be encoded (here it bypasses the ULA's check) ends the attach with
// ATTACH REJECT #111 and the context released, never an ATTACH ACCEPT whose APN length wrapped.
TEST_F(EmmEngineTest, when_the_subscribed_apn_cannot_be_encoded_then_the_attach_is_rejected_not_sent_wrapped) {
  hss_.apns.front().service_selection = std::string(300, 'a');
  attach_to_ulr();
  const auto frames = downlink(1);
  ASSERT_EQ(frames.size(), 2u);
  const auto reject = std::get<nas::AttachReject>(decode(frames[0]));
  EXPECT_EQ(reject.emm_cause, nas::emm_cause::protocol_error);
  EXPECT_EQ(frames[1].kind, nas::FrameKind::ue_context_release);
  EXPECT_EQ(engine_.ue_count(), 0u);
  EXPECT_TRUE(link_.setups.empty());
}

TEST_F(EmmEngineTest, when_the_idr_container_cannot_be_encoded_then_the_ida_says_5012_and_the_attach_goes_on) {
  hss_.hold_ulr = true;
  attach_to_ulr();
  diameter::InsertSubscriberDataRequest idr;
  idr.user_name = kImsi;
  idr.binding = diameter::BindingProvisioningInfo{Bytes(1025, 0x5a), {}, 9, 1};  // one octet over the container's limit
  std::optional<diameter::InsertSubscriberDataAnswer> ida;
  engine_.insert_subscriber_data(idr, [&ida](const diameter::InsertSubscriberDataAnswer& a) { ida = a; });
  link_.run_posted();
  ASSERT_TRUE(ida);
  EXPECT_EQ(ida->result.code, diameter::result::unable_to_comply);
  EXPECT_TRUE(downlink(1).empty());
  hss_.release_ulr();
  link_.run_posted();
  const auto frames = downlink(1);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<nas::AttachAccept>(decode(frames[0])));
}

}  // namespace
}  // namespace simbind::mme
