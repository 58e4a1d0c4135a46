// simbind-hss as a process, spoken to over S6a by this test process (acting as the MME) and administered
// over gRPC. Every AIA is checked against common/crypto with the keys the test gave the subscriber.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "common/crypto/auth_vector.h"
#include "common/crypto/binding.h"
#include "common/crypto/sqn.h"
#include "common/diameter/avp_codes.h"
#include "common/diameter/dictionary.h"
#include "common/util/hex.h"
#include "tests/integration/support/hss_harness.h"
#include "tests/integration/support/s6a_client.h"

namespace simbind::test {
namespace {

using namespace simbind::diameter;
namespace v1 = simbind::hss::v1;

const Octets<3> kVisitedPlmn = Plmn::create("001", "01")->encode();

HssHarness* g_hss = nullptr;
S6aClient* g_mme = nullptr;

class Environment : public ::testing::Environment {
 public:
  void SetUp() override {
    HssHarnessConfig config;
    config.more_peers = {"mme2.test.simbind.lab"};
    hss_ = std::make_unique<HssHarness>(config);
    ASSERT_TRUE(hss_->start()) << hss_->process().log();
    mme_ = S6aClient::start(S6aClientConfig{"mme.test.simbind.lab", "simbind.lab", "hss.test.simbind.lab",
                                            hss_->diameter_port()});
    ASSERT_NE(mme_, nullptr);
    ASSERT_TRUE(mme_->wait_open(std::chrono::seconds(20))) << hss_->process().log();
    g_hss = hss_.get();
    g_mme = mme_.get();
  }
  void TearDown() override {
    if (hss_) {
      EXPECT_EQ(hss_->process().stop(), 0) << "simbind-hss exits cleanly on SIGTERM";
    }
    mme_.reset();
  }

 private:
  std::unique_ptr<HssHarness> hss_;
  std::unique_ptr<S6aClient> mme_;
};

// IMSIs unique per test so that tests sharing the HSS never see each other's subscribers.
std::string next_imsi() {
  static std::atomic<int> n{0};
  return "00101" + std::to_string(1000000000 + ::getpid() % 1000 * 100000 + n++);
}

crypto::Milenage milenage_of(const HssHarness::Created& c) {
  return crypto::Milenage(octets_from_hex<16>(c.k).value(), octets_from_hex<16>(c.opc).value());
}

SupportedFeatures binding_feature() { return {kDefaultBindingVendor, kBindingFeatureListId, kBindingFeatureBit}; }

AuthInfoRequest air_for(const std::string& imsi, std::uint32_t vectors = 1, bool binding = true) {
  AuthInfoRequest r;
  r.user_name = imsi;
  r.visited_plmn = kVisitedPlmn;
  r.requested_vectors = vectors;
  if (binding) r.supported_features.push_back(binding_feature());
  return r;
}

std::uint64_t sqn_of(const crypto::Milenage& m, const crypto::Rand& rand, const crypto::Autn& autn) {
  const auto check = crypto::verify_autn(m, rand, autn);
  EXPECT_TRUE(check.mac_ok);
  return crypto::sqn_value(check.sqn);
}

v1::Subscriber admin_get(const std::string& imsi) {
  v1::GetSubscriberRequest get;
  get.set_imsi(imsi);
  v1::Subscriber out;
  grpc::ClientContext ctx;
  const auto status = g_hss->admin().GetSubscriber(&ctx, get, &out);
  EXPECT_TRUE(status.ok()) << "GetSubscriber " << imsi << ": " << status.error_message();
  return out;
}

grpc::Status set_kme(const std::string& imsi, const std::string& kme_hex, std::uint32_t kme_id) {
  v1::SetKmeRequest req;
  req.set_imsi(imsi);
  req.set_kme(kme_hex);
  req.set_kme_id(kme_id);
  v1::BindingStatus out;
  grpc::ClientContext ctx;
  return g_hss->admin().SetKme(&ctx, req, &out);
}

TEST(HssAir, when_subscriber_is_unbound_then_vector_verifies_against_the_crypto_library) {
  const auto sub = g_hss->create_subscriber(next_imsi());
  const auto aia = g_mme->air(air_for(sub.imsi));
  ASSERT_TRUE(aia) << aia.error().message;
  ASSERT_TRUE(aia->result.success()) << aia->result.code;
  ASSERT_EQ(aia->vectors.size(), 1u);
  const auto& v = aia->vectors[0];
  const auto m = milenage_of(sub);
  const auto check = crypto::verify_autn(m, v.rand, v.autn);
  ASSERT_TRUE(check.mac_ok) << "AUTN must verify under the subscriber's K/OPc";
  EXPECT_EQ(crypto::amf_value(check.amf) & crypto::kAmfSeparationBit, crypto::kAmfSeparationBit);
  const auto f = m.f2345(v.rand);
  EXPECT_EQ(v.xres, Bytes(f.res.begin(), f.res.end()));
  EXPECT_EQ(v.kasme, crypto::derive_kasme(f.ck, f.ik, kVisitedPlmn, crypto::split_autn(v.autn).sqn_xor_ak));
  ASSERT_TRUE(v.av_type.has_value()) << "the MME advertised the binding feature";
  EXPECT_EQ(*v.av_type, BindingAvType::regular);
  EXPECT_FALSE(crypto::amf_marks_preprocessed(check.amf));
}

TEST(HssAir, when_several_vectors_requested_then_each_is_fresh_and_sqn_increases) {
  const auto sub = g_hss->create_subscriber(next_imsi());
  const auto aia = g_mme->air(air_for(sub.imsi, 3));
  ASSERT_TRUE(aia && aia->result.success());
  ASSERT_EQ(aia->vectors.size(), 3u);
  const auto m = milenage_of(sub);
  std::uint64_t last = 0;
  for (const auto& v : aia->vectors) {
    const auto sqn = sqn_of(m, v.rand, v.autn);
    EXPECT_GT(sqn, last);
    last = sqn;
  }
  EXPECT_NE(aia->vectors[0].rand, aia->vectors[1].rand);
  const auto next = g_mme->air(air_for(sub.imsi));
  ASSERT_TRUE(next && next->result.success());
  EXPECT_GT(sqn_of(m, next->vectors[0].rand, next->vectors[0].autn), last);
}

TEST(HssAir, when_imsi_is_unknown_then_experimental_result_user_unknown) {
  const auto aia = g_mme->air(air_for("001019999999999"));
  ASSERT_TRUE(aia);
  EXPECT_TRUE(aia->result.experimental);
  EXPECT_EQ(aia->result.code, experimental::user_unknown);
  EXPECT_TRUE(aia->vectors.empty());

  UpdateLocationRequest ulr;
  ulr.user_name = "001019999999999";
  ulr.visited_plmn = kVisitedPlmn;
  const auto ula = g_mme->ulr(ulr);
  ASSERT_TRUE(ula);
  EXPECT_TRUE(ula->result.experimental);
  EXPECT_EQ(ula->result.code, experimental::user_unknown);
}

TEST(HssAir, when_user_name_is_missing_then_5005_with_failed_avp) {
  Message air = Message::new_request(dictionary().air.request, "simbind.lab", "test-missing");
  air.add_octets(kVendor3gpp, avp3gpp::visited_plmn_id, kVisitedPlmn);
  const auto answer = g_mme->send(std::move(air));
  ASSERT_TRUE(answer) << answer.error().message;
  const auto outcome = answer->outcome();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->code, result::missing_avp);
  EXPECT_TRUE(answer->find(0, avp::failed_avp).has_value()) << "Failed-AVP names what was missing";
}

TEST(HssAir, when_resync_info_has_a_valid_auts_then_vectors_continue_above_sqn_ms) {
  const auto sub = g_hss->create_subscriber(next_imsi());
  const auto m = milenage_of(sub);
  const auto first = g_mme->air(air_for(sub.imsi));
  ASSERT_TRUE(first && first->result.success());
  // The USIM is far ahead (e.g. it was used with another HSS): it answers with AUTS for SQN_MS.
  const std::uint64_t sqn_ms = crypto::join_sqn(50'000, 3, 5);
  const auto auts = crypto::build_auts(m, first->vectors[0].rand, crypto::sqn_from_value(sqn_ms));
  auto req = air_for(sub.imsi);
  req.resync_info = concat(first->vectors[0].rand, auts);
  const auto aia = g_mme->air(req);
  ASSERT_TRUE(aia && aia->result.success()) << (aia ? aia->result.code : 0);
  ASSERT_EQ(aia->vectors.size(), 1u);
  const auto seq = crypto::split_sqn(sqn_of(m, aia->vectors[0].rand, aia->vectors[0].autn), 5).seq;
  EXPECT_EQ(seq, 50'001u);
}

TEST(HssAir, when_auts_mac_is_wrong_then_no_vectors) {
  const auto sub = g_hss->create_subscriber(next_imsi());
  const auto first = g_mme->air(air_for(sub.imsi));
  ASSERT_TRUE(first && first->result.success());
  auto auts = crypto::build_auts(milenage_of(sub), first->vectors[0].rand, crypto::sqn_from_value(999));
  auts[13] ^= 0x01;
  auto req = air_for(sub.imsi);
  req.resync_info = concat(first->vectors[0].rand, auts);
  const auto aia = g_mme->air(req);
  ASSERT_TRUE(aia);
  EXPECT_EQ(aia->result.code, experimental::authentication_data_unavailable);
  EXPECT_TRUE(aia->vectors.empty());
}

TEST(HssBinding, when_kme_is_established_then_av_is_pre_processed_and_rand_star_decrypts_to_a_verifying_rand) {
  const auto sub = g_hss->create_subscriber(next_imsi(), /*binding_required=*/true);
  const std::string kme_hex = random_hex(16);
  ASSERT_TRUE(set_kme(sub.imsi, kme_hex, 0x0102030e).ok());
  const auto aia = g_mme->air(air_for(sub.imsi));
  ASSERT_TRUE(aia && aia->result.success());
  ASSERT_EQ(aia->vectors.size(), 1u);
  const auto& v = aia->vectors[0];
  ASSERT_EQ(v.av_type, BindingAvType::pre_processed);
  ASSERT_EQ(v.kme_id, 0x0102030eu);
  EXPECT_EQ(aia->binding_restriction, BindingRestriction::none);

  const auto m = milenage_of(sub);
  const auto kme = octets_from_hex<16>(kme_hex).value();
  EXPECT_FALSE(crypto::verify_autn(m, v.rand, v.autn).mac_ok) << "RAND* on the wire must not verify";
  const auto rand = crypto::decrypt_rand(kme, v.rand);
  const auto check = crypto::verify_autn(m, rand, v.autn);
  ASSERT_TRUE(check.mac_ok) << "the RAND the bound ME recovers verifies";
  EXPECT_TRUE(crypto::amf_marks_preprocessed(check.amf));
  EXPECT_EQ(crypto::amf_kme_id_hint(check.amf), 0x0102030eu % 4);
  const auto f = m.f2345(rand);
  EXPECT_EQ(v.xres, Bytes(f.res.begin(), f.res.end()));
}

TEST(HssBinding, when_mme_does_not_advertise_binding_then_no_binding_avps_but_still_pre_processed) {
  const auto sub = g_hss->create_subscriber(next_imsi(), true);
  const std::string kme_hex = random_hex(16);
  ASSERT_TRUE(set_kme(sub.imsi, kme_hex, 7).ok());
  const auto aia = g_mme->air(air_for(sub.imsi, 1, /*binding=*/false));
  ASSERT_TRUE(aia && aia->result.success());
  const auto& v = aia->vectors.at(0);
  EXPECT_FALSE(v.av_type.has_value());
  EXPECT_FALSE(v.kme_id.has_value());
  EXPECT_FALSE(aia->binding_restriction.has_value());
  const auto rand = crypto::decrypt_rand(octets_from_hex<16>(kme_hex).value(), v.rand);
  EXPECT_TRUE(crypto::verify_autn(milenage_of(sub), rand, v.autn).mac_ok) << "scenario 1 through a standard MME";
}

TEST(HssBinding, when_binding_is_required_without_kme_then_regular_av_and_provisioning_only) {
  const auto sub = g_hss->create_subscriber(next_imsi(), true);
  const auto aia = g_mme->air(air_for(sub.imsi));
  ASSERT_TRUE(aia && aia->result.success());
  EXPECT_EQ(aia->binding_restriction, BindingRestriction::provisioning_only);
  const auto& v = aia->vectors.at(0);
  EXPECT_EQ(v.av_type, BindingAvType::regular);
  EXPECT_TRUE(crypto::verify_autn(milenage_of(sub), v.rand, v.autn).mac_ok);

  UpdateLocationRequest ulr;
  ulr.user_name = sub.imsi;
  ulr.visited_plmn = kVisitedPlmn;
  ulr.supported_features.push_back(binding_feature());
  const auto ula = g_mme->ulr(ulr);
  ASSERT_TRUE(ula && ula->result.success());
  EXPECT_EQ(ula->binding_restriction, BindingRestriction::provisioning_only);

  // The same subscription through an MME without the feature cannot be provisioned: refused.
  const auto refused = g_mme->air(air_for(sub.imsi, 1, false));
  ASSERT_TRUE(refused);
  EXPECT_FALSE(refused->result.success());
  EXPECT_TRUE(refused->vectors.empty());
}

TEST(HssBinding, when_auts_comes_back_for_a_pre_processed_av_then_rand_star_is_mapped_back) {
  const auto sub = g_hss->create_subscriber(next_imsi(), true);
  const std::string kme_hex = random_hex(16);
  ASSERT_TRUE(set_kme(sub.imsi, kme_hex, 1).ok());
  const auto first = g_mme->air(air_for(sub.imsi));
  ASSERT_TRUE(first && first->result.success());
  const auto m = milenage_of(sub);
  const auto kme = octets_from_hex<16>(kme_hex).value();
  const auto rand = crypto::decrypt_rand(kme, first->vectors[0].rand);
  // The UICC computed AUTS on the real RAND; the MME reports the RAND it sent: RAND*.
  const auto auts = crypto::build_auts(m, rand, crypto::sqn_from_value(crypto::join_sqn(7'000, 1, 5)));
  auto req = air_for(sub.imsi);
  req.resync_info = concat(first->vectors[0].rand, auts);
  const auto aia = g_mme->air(req);
  ASSERT_TRUE(aia && aia->result.success()) << (aia ? aia->result.code : 0);
  const auto& v = aia->vectors.at(0);
  const auto seq = crypto::split_sqn(sqn_of(m, crypto::decrypt_rand(kme, v.rand), v.autn), 5).seq;
  EXPECT_EQ(seq, 7'001u);
}

TEST(HssBinding, when_failure_report_arrives_then_it_is_counted_and_audited) {
  const auto sub = g_hss->create_subscriber(next_imsi(), true);
  ASSERT_TRUE(set_kme(sub.imsi, random_hex(16), 2).ok());
  auto req = air_for(sub.imsi);
  req.binding_failure_report = BindingFailureReport::mac_failure_pre_processed;
  using namespace std::chrono;
  const auto now_us = [] { return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count(); };
  const std::int64_t before = now_us();
  ASSERT_TRUE(g_mme->air(req));
  const std::int64_t after = now_us();

  v1::GetSubscriberRequest get;
  get.set_imsi(sub.imsi);
  v1::BindingStatus status;
  grpc::ClientContext ctx;
  ASSERT_TRUE(g_hss->admin().GetBindingStatus(&ctx, get, &status).ok());
  EXPECT_EQ(status.failure_reports(), 1u);
  EXPECT_EQ(status.state(), v1::BINDING_STATE_ESTABLISHED);

  v1::ListAuditEventsRequest list;
  list.set_imsi(sub.imsi);
  v1::ListAuditEventsResponse events;
  grpc::ClientContext ctx2;
  ASSERT_TRUE(g_hss->admin().ListAuditEvents(&ctx2, list, &events).ok());
  bool found = false;
  for (const auto& e : events.events()) {
    if (e.event() != "binding-failure-report") continue;
    found = true;
    // Written while the AIR was answered, in microseconds (the console orders it among UE events by that).
    EXPECT_GE(e.time_us(), before);
    EXPECT_LE(e.time_us(), after);
    EXPECT_EQ(e.time_ms(), e.time_us() / 1000);
  }
  EXPECT_TRUE(found);
}

TEST(HssAdmin, when_a_reader_follows_the_audit_log_then_after_id_pages_forward_and_a_huge_page_is_refused) {
  const auto sub = g_hss->create_subscriber(next_imsi(), true);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(g_mme->air(air_for(sub.imsi)));
  v1::ListAuditEventsRequest list;
  list.set_imsi(sub.imsi);
  v1::ListAuditEventsResponse newest;
  grpc::ClientContext ctx;
  ASSERT_TRUE(g_hss->admin().ListAuditEvents(&ctx, list, &newest).ok());
  ASSERT_GE(newest.events_size(), 3);
  const std::int64_t last = newest.events(0).id(), oldest = newest.events(newest.events_size() - 1).id();
  EXPECT_GT(last, oldest) << "without after_id: newest first";

  list.set_after_id(oldest);
  list.set_limit(2);
  v1::ListAuditEventsResponse page;
  grpc::ClientContext ctx2;
  ASSERT_TRUE(g_hss->admin().ListAuditEvents(&ctx2, list, &page).ok());
  ASSERT_EQ(page.events_size(), 2);
  EXPECT_GT(page.events(0).id(), oldest);
  EXPECT_GT(page.events(1).id(), page.events(0).id()) << "after an id: oldest first";

  list.set_limit(10'001);
  v1::ListAuditEventsResponse refused;
  grpc::ClientContext ctx3;
  const auto status = g_hss->admin().ListAuditEvents(&ctx3, list, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  v1::ListSubscribersRequest subscribers;
  subscribers.set_limit(4'000'000'000u);
  v1::ListSubscribersResponse none;
  grpc::ClientContext ctx4;
  EXPECT_EQ(g_hss->admin().ListSubscribers(&ctx4, subscribers, &none).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST(HssUlr, when_ulr_accepted_then_subscription_data_is_complete_and_imei_is_recorded) {
  const auto sub = g_hss->create_subscriber(next_imsi());
  UpdateLocationRequest ulr;
  ulr.user_name = sub.imsi;
  ulr.visited_plmn = kVisitedPlmn;
  ulr.ulr_flags = 34;  // what Open5GS sends (DESIGN 5.1)
  ulr.terminal_information = TerminalInformation{"35209900176148", "01"};
  const auto ula = g_mme->ulr(ulr);
  ASSERT_TRUE(ula && ula->result.success());
  ASSERT_TRUE(ula->subscription.has_value());
  const auto& s = *ula->subscription;
  EXPECT_EQ(s.msisdn, "46700" + sub.imsi.substr(sub.imsi.size() - 6));
  EXPECT_GT(s.ambr_ul, 0u);
  EXPECT_GT(s.ambr_dl, 0u);
  ASSERT_EQ(s.apns.size(), 1u);
  EXPECT_EQ(s.apns[0].service_selection, "internet");
  EXPECT_EQ(s.apns[0].context_identifier, s.default_context_identifier);
  EXPECT_EQ(ula->ula_flags & 1u, 1u);

  const v1::Subscriber out = admin_get(sub.imsi);
  EXPECT_EQ(out.last_imei(), "352099001761481") << "stored as the 15-digit IMEI with its check digit";

  // The same device through an MME that sends the 15th digit (simbind-mme) is stored the same way.
  ulr.terminal_information = TerminalInformation{"352099001761481", "01"};
  ASSERT_TRUE(g_mme->ulr(ulr).has_value());
  EXPECT_EQ(admin_get(sub.imsi).last_imei(), "352099001761481");
  EXPECT_EQ(out.mme_host(), "mme.test.simbind.lab");
  EXPECT_EQ(out.binding().bound_imei(), "") << "a reported IMEI is never taken as a binding";
}

// TS 29.272 7.3.2/7.3.34/7.3.35 over the wire: every APN configuration of the admin API's profile, with its
// Served-Party-IP-Address, PDN type, QoS and APN-AMBR, and the subscriber-level data.
TEST(HssUlr, when_the_subscriber_has_several_apns_then_the_ula_carries_them_all_with_the_default) {
  const std::string imsi = next_imsi();
  v1::CreateSubscriberRequest req;
  req.set_imsi(imsi);
  req.mutable_keys()->set_k(random_hex(16));
  req.mutable_keys()->set_opc(random_hex(16));
  auto* p = req.mutable_profile();
  p->set_msisdn("46700999");
  p->set_subscriber_status(v1::SUBSCRIBER_STATUS_OPERATOR_DETERMINED_BARRING);
  p->set_network_access_mode(v1::NETWORK_ACCESS_MODE_PACKET_AND_CIRCUIT);
  p->set_access_restriction(0x40);
  p->set_ambr_ul(1234);
  p->set_ambr_dl(5678);
  auto* internet = p->add_apns();
  internet->set_apn("internet");
  internet->set_static_ipv4("10.46.0.7");
  internet->set_static_ipv6_prefix("2001:db8:7::/64");
  auto* ims = p->add_apns();
  ims->set_apn("ims");
  ims->set_context_id(5);
  ims->set_pdn_type(v1::PDN_TYPE_IPV6);
  ims->set_qci(5);
  ims->set_arp_priority(1);
  ims->set_pre_emption_capability(v1::PRE_EMPTION_ENABLED);
  ims->set_pre_emption_vulnerability(v1::PRE_EMPTION_DISABLED);
  ims->set_ambr_ul(64000);
  ims->set_ambr_dl(128000);
  p->set_default_apn("ims");
  v1::Subscriber created;
  grpc::ClientContext ctx;
  const auto st = g_hss->admin().CreateSubscriber(&ctx, req, &created);
  ASSERT_TRUE(st.ok()) << st.error_message();

  UpdateLocationRequest ulr;
  ulr.user_name = imsi;
  ulr.visited_plmn = kVisitedPlmn;
  ulr.ulr_flags = 34;
  const auto ula = g_mme->ulr(ulr);
  ASSERT_TRUE(ula && ula->result.success());
  ASSERT_TRUE(ula->subscription.has_value());
  const auto& s = *ula->subscription;
  EXPECT_EQ(s.msisdn, "46700999");
  EXPECT_EQ(s.subscriber_status, 1);
  EXPECT_EQ(s.network_access_mode, 0);
  EXPECT_EQ(s.access_restriction_data, 0x40u);
  EXPECT_EQ(s.ambr_ul, 1234u);
  EXPECT_EQ(s.ambr_dl, 5678u);
  EXPECT_EQ(s.default_context_identifier, 5u);
  ASSERT_EQ(s.apns.size(), 2u);
  EXPECT_EQ(s.apns[0].service_selection, "internet");
  EXPECT_EQ(s.apns[0].context_identifier, 1u);
  EXPECT_EQ(s.apns[0].pdn_type, 2) << "IPv4v6 unless configured";
  EXPECT_EQ(s.apns[0].served_ipv4, (Octets<4>{10, 46, 0, 7}));
  EXPECT_EQ(s.apns[0].served_ipv6_prefix, (Octets<8>{0x20, 0x01, 0x0d, 0xb8, 0, 7, 0, 0}));
  EXPECT_EQ(s.apns[0].ambr_ul, 0u) << "no APN-AMBR given, none sent";
  EXPECT_EQ(s.apns[1].service_selection, "ims");
  EXPECT_EQ(s.apns[1].context_identifier, 5u);
  EXPECT_EQ(s.apns[1].pdn_type, 1);
  EXPECT_EQ(s.apns[1].qci, 5);
  EXPECT_EQ(s.apns[1].priority_level, 1u);
  EXPECT_EQ(s.apns[1].pre_emption_capability, 0);
  EXPECT_EQ(s.apns[1].pre_emption_vulnerability, 1);
  EXPECT_EQ(s.apns[1].ambr_ul, 64000u);
  EXPECT_EQ(s.apns[1].ambr_dl, 128000u);
  EXPECT_FALSE(s.apns[1].served_ipv4);
}

TEST(HssUlr, when_purged_then_admin_shows_it) {
  const auto sub = g_hss->create_subscriber(next_imsi());
  UpdateLocationRequest ulr;
  ulr.user_name = sub.imsi;
  ulr.visited_plmn = kVisitedPlmn;
  ASSERT_TRUE(g_mme->ulr(ulr));
  const auto pua = g_mme->pur(PurgeUeRequest{sub.imsi});
  ASSERT_TRUE(pua && pua->result.success());
  const v1::Subscriber out = admin_get(sub.imsi);
  EXPECT_TRUE(out.purged());
}

TEST(HssAdmin, when_input_is_bad_or_duplicate_then_clear_status_and_nothing_stored) {
  const auto sub = g_hss->create_subscriber(next_imsi());
  v1::CreateSubscriberRequest dup;
  dup.set_imsi(sub.imsi);
  dup.mutable_keys()->set_k(random_hex(16));
  dup.mutable_keys()->set_opc(random_hex(16));
  v1::Subscriber out;
  grpc::ClientContext c1;
  EXPECT_EQ(g_hss->admin().CreateSubscriber(&c1, dup, &out).error_code(), grpc::StatusCode::ALREADY_EXISTS);

  v1::CreateSubscriberRequest bad;
  bad.set_imsi(next_imsi());
  bad.mutable_keys()->set_k("00");
  bad.mutable_keys()->set_opc(random_hex(16));
  grpc::ClientContext c2;
  const auto status = g_hss->admin().CreateSubscriber(&c2, bad, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("keys.k"), std::string::npos) << status.error_message();
  v1::GetSubscriberRequest get;
  get.set_imsi(bad.imsi());
  grpc::ClientContext c3;
  EXPECT_EQ(g_hss->admin().GetSubscriber(&c3, get, &out).error_code(), grpc::StatusCode::NOT_FOUND);
}

v1::CreateSubscriberRequest import_entry(const HssHarness::Created& c) {
  v1::CreateSubscriberRequest r;
  r.set_imsi(c.imsi);
  r.mutable_keys()->set_k(c.k);
  r.mutable_keys()->set_opc(c.opc);
  return r;
}

grpc::Status import_batch(const std::vector<v1::CreateSubscriberRequest>& entries, v1::ImportSubscribersResponse& out) {
  v1::ImportSubscribersRequest req;
  for (const auto& e : entries) *req.add_subscribers() = e;
  grpc::ClientContext ctx;
  return g_hss->admin().ImportSubscribers(&ctx, req, &out);
}

bool exists(const std::string& imsi) {
  v1::GetSubscriberRequest get;
  get.set_imsi(imsi);
  v1::Subscriber out;
  grpc::ClientContext ctx;
  return g_hss->admin().GetSubscriber(&ctx, get, &out).ok();
}

TEST(HssAdmin, when_a_batch_is_imported_then_new_ones_serve_airs_and_existing_ones_keep_their_keys) {
  const auto old = g_hss->create_subscriber(next_imsi());
  const HssHarness::Created fresh{next_imsi(), random_hex(16), random_hex(16)};
  const HssHarness::Created other{next_imsi(), random_hex(16), random_hex(16)};
  HssHarness::Created old_again = old;
  old_again.k = random_hex(16);
  v1::ImportSubscribersResponse out;
  const auto st = import_batch({import_entry(fresh), import_entry(old_again), import_entry(other)}, out);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(out.created(), 2u);
  ASSERT_EQ(out.existing_size(), 1);
  EXPECT_EQ(out.existing(0), old.imsi);
  for (const auto* sub : {&fresh, &old}) {  // the existing subscriber still answers under its first K
    const auto aia = g_mme->air(air_for(sub->imsi));
    ASSERT_TRUE(aia && aia->result.success()) << sub->imsi;
    ASSERT_EQ(aia->vectors.size(), 1u);
    EXPECT_TRUE(crypto::verify_autn(milenage_of(*sub), aia->vectors[0].rand, aia->vectors[0].autn).mac_ok) << sub->imsi;
  }
}

TEST(HssAdmin, when_an_imported_batch_has_a_bad_entry_then_it_is_named_and_nothing_of_the_batch_is_stored) {
  const HssHarness::Created a{next_imsi(), random_hex(16), random_hex(16)};
  const HssHarness::Created b{next_imsi(), random_hex(16), random_hex(16)};
  auto bad = import_entry({next_imsi(), random_hex(16), random_hex(16)});
  bad.mutable_keys()->set_opc("0011");
  v1::ImportSubscribersResponse out;
  auto st = import_batch({import_entry(a), import_entry(b), bad}, out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("subscribers[2]: keys.opc"), std::string::npos) << st.error_message();

  st = import_batch({import_entry(a), import_entry(b), import_entry(a)}, out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("subscribers[2]: IMSI " + a.imsi + " already appears in subscribers[0]"),
            std::string::npos)
      << st.error_message();
  EXPECT_FALSE(exists(a.imsi)) << "part of a refused batch was stored";
  EXPECT_FALSE(exists(b.imsi)) << "part of a refused batch was stored";

  st = import_batch({}, out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("give 1..10000, got 0"), std::string::npos) << st.error_message();
  std::vector<v1::CreateSubscriberRequest> too_many(10001, import_entry(a));
  st = import_batch(too_many, out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("got 10001"), std::string::npos) << st.error_message();
  EXPECT_FALSE(exists(a.imsi));
}

TEST(HssLogs, when_keys_were_used_then_no_secret_appears_in_the_log) {
  const auto sub = g_hss->create_subscriber(next_imsi(), true);
  const std::string kme = random_hex(16);
  ASSERT_TRUE(set_kme(sub.imsi, kme, 3).ok());
  ASSERT_TRUE(g_mme->air(air_for(sub.imsi)));
  const std::string log = g_hss->process().log();
  EXPECT_NE(log.find(sub.imsi), std::string::npos) << "the log names the subscriber";
  for (const auto& secret : {sub.k, sub.opc, kme, g_hss->master_key_hex()}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "a secret is in the HSS log";
  }
}

// A second client process: simbind-s6a-bench sending `count` requests as another Diameter identity.
int run_second_client(const std::string& identity, const std::string& imsi, const char* procedure,
                      std::string* output = nullptr) {
  return run_command(daemon_path("tests/bench/simbind-s6a-bench") + " --identity " + identity +
                         " --peer hss.test.simbind.lab --port " + std::to_string(g_hss->diameter_port()) +
                         " --imsi-base " + imsi + " --imsis 1 --window 1 --count 1 --connect-timeout 8" +
                         " --procedure " + procedure,
                     output);
}

TEST(HssUlr, when_the_ue_moves_to_another_mme_then_the_old_mme_gets_a_cancel_location) {
  const auto sub = g_hss->create_subscriber(next_imsi());
  UpdateLocationRequest ulr;
  ulr.user_name = sub.imsi;
  ulr.visited_plmn = kVisitedPlmn;
  ASSERT_TRUE(g_mme->ulr(ulr));

  std::string out;
  ASSERT_EQ(run_second_client("mme2.test.simbind.lab", sub.imsi, "ulr", &out), 0) << out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  bool cancelled = false;
  while (!cancelled && std::chrono::steady_clock::now() < deadline) {
    const auto clrs = g_mme->received_clrs();
    cancelled = std::find(clrs.begin(), clrs.end(), sub.imsi) != clrs.end();
    if (!cancelled) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(cancelled) << "the old MME (this test) received CLR for " << sub.imsi;

  const v1::Subscriber out_sub = admin_get(sub.imsi);
  EXPECT_EQ(out_sub.mme_host(), "mme2.test.simbind.lab");
}

TEST(HssCliS6a, when_simbind_s6a_air_asks_as_another_mme_then_vectors_verify_and_unknown_imsi_exits_1) {
  const auto sub = g_hss->create_subscriber(next_imsi());
  const std::string base = daemon_path("services/cli/simbind") +
                           " s6a air --identity mme2.test.simbind.lab --peer hss.test.simbind.lab --port " +
                           std::to_string(g_hss->diameter_port()) + " --json --vectors 2 --imsi ";
  std::string out;
  ASSERT_EQ(run_command(base + sub.imsi, &out), 0) << out;
  for (const char* key : {"\"result_code\":2001", "\"rand\"", "\"autn\"", "\"kasme\""}) {
    EXPECT_NE(out.find(key), std::string::npos) << key << " in " << out;
  }
  // The first vector's AUTN verifies under the subscriber's keys.
  const auto rand_at = out.find("\"rand\":\"") + 8;
  const auto autn_at = out.find("\"autn\":\"") + 8;
  const auto rand = octets_from_hex<16>(out.substr(rand_at, 32));
  const auto autn = octets_from_hex<16>(out.substr(autn_at, 32));
  ASSERT_TRUE(rand && autn) << out;
  EXPECT_TRUE(crypto::verify_autn(milenage_of(sub), *rand, *autn).mac_ok);

  EXPECT_EQ(run_command(base + "001019999999998", &out), 1);
  EXPECT_NE(out.find("Experimental-Result 5001"), std::string::npos) << out;
}

TEST(HssPeers, when_an_unknown_peer_connects_then_capabilities_exchange_is_refused) {
  std::string out;
  EXPECT_EQ(run_second_client("rogue.test.simbind.lab", "001010000000001", "air", &out), 3) << out;
  EXPECT_TRUE(g_hss->process().wait_for_log("refused unknown peer rogue.test.simbind.lab", std::chrono::seconds(5)))
      << g_hss->process().log();
}

// Raw bytes to the HSS's Diameter port from a fresh TCP connection (not a configured peer).
void send_raw(int port, const Bytes& bytes) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    (void)::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::close(fd);
}

TEST(HssRobustness, when_garbage_and_malformed_diameter_arrive_then_the_hss_keeps_serving) {
  Bytes junk(256);
  crypto::random_fill(junk);
  send_raw(g_hss->diameter_port(), junk);
  // A Diameter header claiming 16 MB, then nothing.
  send_raw(g_hss->diameter_port(), Bytes{0x01, 0xff, 0xff, 0xff, 0x80, 0x00, 0x01, 0x01, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1});
  // A well-formed header with a length shorter than the header itself.
  send_raw(g_hss->diameter_port(), Bytes{0x01, 0x00, 0x00, 0x08, 0x80, 0x00, 0x01, 0x01, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1});
  ASSERT_TRUE(g_hss->process().running()) << g_hss->process().log();
  const auto sub = g_hss->create_subscriber(next_imsi());
  const auto aia = g_mme->air(air_for(sub.imsi));
  ASSERT_TRUE(aia && aia->result.success()) << "the configured MME is still served";
}

// Must run last among the tests that share the HSS: it restarts it.
TEST(HssZCrash, when_hss_is_killed_with_sigkill_then_sqn_keeps_increasing_after_restart) {
  const auto sub = g_hss->create_subscriber(next_imsi());
  const auto m = milenage_of(sub);
  std::uint64_t highest = 0;
  for (int i = 0; i < 5; ++i) {
    const auto aia = g_mme->air(air_for(sub.imsi, 2));
    ASSERT_TRUE(aia && aia->result.success());
    for (const auto& v : aia->vectors) highest = std::max(highest, sqn_of(m, v.rand, v.autn));
  }
  g_hss->process().kill9();
  ASSERT_TRUE(g_hss->start()) << g_hss->process().log();
  ASSERT_TRUE(g_mme->wait_open(std::chrono::seconds(30)));
  const auto after = g_mme->air(air_for(sub.imsi));
  ASSERT_TRUE(after && after->result.success()) << (after ? std::to_string(after->result.code) : after.error().message);
  EXPECT_GT(sqn_of(m, after->vectors[0].rand, after->vectors[0].autn), highest);
}

}  // namespace
}  // namespace simbind::test

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new simbind::test::Environment);
  return RUN_ALL_TESTS();
}
