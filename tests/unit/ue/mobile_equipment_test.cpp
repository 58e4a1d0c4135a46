// The USIM and the ME's binding logic against vectors made the way simbind-hss makes them (common/crypto).
#include "services/ue/mobile_equipment.h"

#include <gtest/gtest.h>

#include "common/nas/emm_messages.h"

namespace simbind::ue {
namespace {

using namespace simbind::crypto;

struct Subscription {
  Key128 k = random_octets<16>();
  Opc opc = random_octets<16>();
  std::uint64_t seq = 100;

  UsimProfile profile(const std::string& imsi = "001010000000123") const {
    return UsimProfile{Imsi::create(imsi).value(), k, opc, 2, {}};
  }
  // An E-UTRAN vector as the HSS makes it; with a KME it is pre-processed (binding AMF before f1, RAND*).
  EutranVector vector(std::optional<std::pair<Kme, KmeId>> binding = std::nullopt, std::uint16_t amf = 0x8000) {
    const Milenage m(k, opc);
    Amf a = amf_from_value(amf);
    if (binding) a = binding_amf(a, binding->second);
    EutranVector v = make_eutran_vector(m, random_octets<16>(), sqn_from_value(join_sqn(++seq, 0, 5)), a,
                                        Plmn::create("001", "01")->encode());
    if (binding) v.rand = encrypt_rand(binding->first, v.rand);
    return v;
  }
};

MobileEquipment make_me(KeyWrapScheme scheme = KeyWrapScheme::ecies_profile_a) {
  return MobileEquipment(Imei::create("49015420323751").value(), "01", generate_device_key_pair(scheme).value());
}

TEST(Usim, when_av_is_fresh_then_res_and_keys_and_a_replay_gets_auts_the_hss_accepts) {
  Subscription sub;
  Usim usim(sub.profile());
  const auto v = sub.vector();
  const auto first = usim.authenticate(v.rand, v.autn);
  ASSERT_TRUE(std::holds_alternative<AuthSuccess>(first));
  EXPECT_EQ(std::get<AuthSuccess>(first).res, v.xres);
  EXPECT_EQ(std::get<AuthSuccess>(first).ck, v.ck);

  const auto replay = usim.authenticate(v.rand, v.autn);
  ASSERT_TRUE(std::holds_alternative<SynchFailure>(replay));
  const auto resync = verify_auts(Milenage(sub.k, sub.opc), v.rand, std::get<SynchFailure>(replay).auts);
  EXPECT_TRUE(resync.mac_s_valid);
  EXPECT_EQ(resync.sqn_ms, v.sqn) << "SQN_MS is the highest SQN accepted";
}

TEST(Usim, when_autn_is_tampered_then_mac_failure_and_the_sqn_array_is_unchanged) {
  Subscription sub;
  Usim usim(sub.profile());
  auto v = sub.vector();
  const auto before = usim.sqn_window().seq_ms_by_ind();
  v.autn[10] ^= 0x01;
  EXPECT_TRUE(std::holds_alternative<MacFailure>(usim.authenticate(v.rand, v.autn)));
  EXPECT_EQ(usim.sqn_window().seq_ms_by_ind(), before);
}

TEST(Usim, when_mnc_has_three_digits_then_home_plmn_reads_them) {
  Subscription sub;
  auto p = sub.profile("310410123456789");
  p.mnc_length = 3;
  EXPECT_EQ(Usim(p).home_plmn(), Plmn::create("310", "410").value());
  EXPECT_EQ(Usim(sub.profile()).home_plmn(), Plmn::create("001", "01").value());
}

TEST(MobileEquipment, when_the_me_holds_the_kme_then_it_decrypts_rand_star_and_the_uicc_accepts) {
  Subscription sub;
  Usim usim(sub.profile());
  auto me = make_me();
  const Kme kme = generate_kme();
  const KmeId id{0x4242};
  me.kme_store().add({usim.home_plmn(), id, kme, false});
  const auto v = sub.vector(std::pair{kme, id});
  const auto answer = me.authenticate(usim, v.rand, v.autn);
  ASSERT_TRUE(std::holds_alternative<ChallengeAccepted>(answer));
  const auto& ok = std::get<ChallengeAccepted>(answer);
  EXPECT_EQ(ok.usim.res, v.xres);
  EXPECT_EQ(ok.rand, decrypt_rand(kme, v.rand)) << "the UICC ran on the real RAND";
  EXPECT_NE(ok.rand, v.rand) << "which differs from the RAND on the air";
  EXPECT_EQ(ok.kme_used, id);
}

TEST(MobileEquipment, when_the_uicc_is_in_a_device_without_the_kme_then_mac_failure_cause_20) {
  Subscription sub;
  Usim usim(sub.profile());
  auto bound_vector = sub.vector(std::pair{generate_kme(), KmeId{1}});
  auto stranger = make_me();
  const auto answer = stranger.authenticate(usim, bound_vector.rand, bound_vector.autn);
  ASSERT_TRUE(std::holds_alternative<ChallengeRejected>(answer));
  const auto& r = std::get<ChallengeRejected>(answer);
  EXPECT_EQ(r.emm_cause, nas::emm_cause::mac_failure);
  EXPECT_TRUE(r.pre_processed);
  EXPECT_TRUE(r.no_kme);

  stranger.kme_store().add({usim.home_plmn(), KmeId{1}, generate_kme(), false});  // a KME, not the right one
  const auto other = sub.vector(std::pair{generate_kme(), KmeId{1}});
  const auto answer2 = stranger.authenticate(usim, other.rand, other.autn);
  ASSERT_TRUE(std::holds_alternative<ChallengeRejected>(answer2));
  EXPECT_EQ(std::get<ChallengeRejected>(answer2).emm_cause, nas::emm_cause::mac_failure);
  EXPECT_FALSE(std::get<ChallengeRejected>(answer2).no_kme);
}

TEST(MobileEquipment, when_the_separation_bit_is_clear_then_non_eps_authentication_unacceptable) {
  Subscription sub;
  Usim usim(sub.profile());
  auto me = make_me();
  const auto v = sub.vector(std::nullopt, 0x0000);
  const auto answer = me.authenticate(usim, v.rand, v.autn);
  ASSERT_TRUE(std::holds_alternative<ChallengeRejected>(answer));
  EXPECT_EQ(std::get<ChallengeRejected>(answer).emm_cause, nas::emm_cause::non_eps_authentication_unacceptable);
}

TEST(MobileEquipment, when_a_new_kme_succeeds_then_the_previous_one_is_dropped_but_not_before) {
  Subscription sub;
  Usim usim(sub.profile());
  auto me = make_me();
  const Plmn home = usim.home_plmn();
  const Kme old_kme = generate_kme(), new_kme = generate_kme();
  me.kme_store().add({home, KmeId{5}, old_kme, true});
  me.kme_store().add({home, KmeId{6}, new_kme, false});
  // Until the new KME has worked, an AV under the old one still authenticates (a re-key in flight).
  const auto under_old = sub.vector(std::pair{old_kme, KmeId{5}});
  EXPECT_TRUE(std::holds_alternative<ChallengeAccepted>(me.authenticate(usim, under_old.rand, under_old.autn)));
  ASSERT_EQ(me.kme_store().entries().size(), 2u);
  const auto under_new = sub.vector(std::pair{new_kme, KmeId{6}});
  EXPECT_TRUE(std::holds_alternative<ChallengeAccepted>(me.authenticate(usim, under_new.rand, under_new.autn)));
  ASSERT_EQ(me.kme_store().entries().size(), 1u);
  EXPECT_EQ(me.kme_store().entries()[0].id, KmeId{6});
  EXPECT_TRUE(me.kme_store().entries()[0].confirmed);
}

TEST(MobileEquipment, when_kme_arrives_wrapped_for_the_device_then_it_is_stored_and_rsp_verifies_at_the_hss) {
  for (auto scheme : {KeyWrapScheme::ecies_profile_a, KeyWrapScheme::ecies_profile_b, KeyWrapScheme::rsa_oaep_sha256}) {
    SCOPED_TRACE(to_string(scheme));
    auto me = make_me(scheme);
    const Kme kme = generate_kme();
    const HssNonce nhss = generate_hss_nonce();
    const Bytes wrapped = wrap_for_device(scheme, me.device_key().public_key, kme).value();
    const Plmn home = Plmn::create("001", "01").value();
    const auto rsp = me.establish_kme(home, KmeId{9}, scheme, wrapped, nhss);
    ASSERT_TRUE(rsp) << rsp.error().message;
    EXPECT_TRUE(verify_rsp(kme, nhss, *rsp));
    ASSERT_EQ(me.kme_store().entries().size(), 1u);
    EXPECT_EQ(me.kme_store().entries()[0].kme, kme);
  }
}

TEST(MobileEquipment, when_the_wrapped_kme_does_not_unwrap_then_nothing_is_stored) {
  auto me = make_me();
  const Plmn home = Plmn::create("001", "01").value();
  Bytes wrapped = wrap_for_device(KeyWrapScheme::ecies_profile_a, me.device_key().public_key, generate_kme()).value();
  wrapped.back() ^= 0x01;
  EXPECT_FALSE(me.establish_kme(home, KmeId{1}, KeyWrapScheme::ecies_profile_a, wrapped, generate_hss_nonce()));
  EXPECT_FALSE(me.establish_kme(home, KmeId{1}, KeyWrapScheme::rsa_oaep_sha256, wrapped, generate_hss_nonce()))
      << "a scheme that is not this device's";
  const auto other_device = make_me();
  const Bytes for_other =
      wrap_for_device(KeyWrapScheme::ecies_profile_a, other_device.device_key().public_key, generate_kme()).value();
  EXPECT_FALSE(me.establish_kme(home, KmeId{1}, KeyWrapScheme::ecies_profile_a, for_other, generate_hss_nonce()))
      << "wrapped for another device: a device without that private key cannot prove receipt";
  EXPECT_TRUE(me.kme_store().entries().empty());
}

}  // namespace
}  // namespace simbind::ue
