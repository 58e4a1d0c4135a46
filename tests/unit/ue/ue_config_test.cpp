// simbind-ue's configuration and UE profiles: defaults, and errors that name the file, the entry and the key
// (never a key's value).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/crypto/auth_vector.h"
#include "common/crypto/sqn.h"
#include "common/util/hex.h"
#include "services/ue/ue_config.h"
#include "services/ue/ue_profiles.h"

namespace simbind::ue {
namespace {

using namespace std::chrono_literals;

const std::string kK = "000102030405060708090a0b0c0d0e0f";
const std::string kOpc = "0f0e0d0c0b0a09080706050403020100";

std::string error_of(const std::string& yaml) {
  auto r = parse_profiles(yaml, "p.yaml");
  return r ? std::string("(no error)") : r.error().message;
}

TEST(UeConfig, when_only_the_key_file_is_given_then_the_defaults_are_the_ts_24_301_ones) {
  const auto c = parse_ue_config("store: {storage_key_file: k}\n", "ue.yaml").value();
  EXPECT_EQ(c.mme_address, "127.0.0.1");
  EXPECT_EQ(c.mme_port, 36412);
  EXPECT_EQ(c.control_listen, "127.0.0.1:9090");
  EXPECT_EQ(c.nas.serving_plmn, Plmn::create("001", "01").value());
  EXPECT_EQ(c.nas.t3410, 15000ms);
  EXPECT_EQ(c.nas.t3411, 10000ms);
  EXPECT_EQ(c.nas.t3421, 15000ms);
  EXPECT_EQ(c.nas.max_attach_attempts, 5u);
  EXPECT_TRUE(c.nas.reattach_on_request);
}

TEST(UeConfig, when_the_transport_is_s1ap_then_the_enbs_and_the_sctp_section_are_read) {
  const auto c = parse_ue_config("store: {storage_key_file: k}\n"
                                 "mme: {address: 127.0.0.2, port: 36413, transport: s1ap}\n"
                                 "network: {plmn: \"99970\"}\n"
                                 "s1ap:\n  sctp: {backend: usrsctp, udp_port: 9899, heartbeat_ms: 700}\n"
                                 "  enbs:\n    - {enb_id: 5, name: lab-enb, tac: 7, cell_id: 3}\n    - {tac: 8}\n",
                                 "ue.yaml")
                     .value();
  EXPECT_EQ(c.transport, UeDaemonConfig::Transport::s1ap);
  EXPECT_EQ(c.s1ap.mme_address, "127.0.0.2");
  EXPECT_EQ(c.s1ap.mme_port, 36413);
  EXPECT_EQ(c.s1ap.plmn, Plmn::create("999", "70").value());
  EXPECT_EQ(c.s1ap.sctp.backend, sctp::Backend::usrsctp);
  EXPECT_EQ(c.s1ap.sctp.udp_encapsulation_port, 9899);
  EXPECT_EQ(c.s1ap.sctp.heartbeat_interval, 700ms);
  ASSERT_EQ(c.s1ap.enbs.size(), 2u);
  EXPECT_EQ(c.s1ap.enbs[0].enb_id, 5u);
  EXPECT_EQ(c.s1ap.enbs[0].name, "lab-enb");
  EXPECT_EQ(c.s1ap.enbs[0].tac, 7);
  EXPECT_EQ(c.s1ap.enbs[0].cell_id, 3u);
  EXPECT_EQ(c.s1ap.enbs[1].enb_id, 2u);  // the default: the eNB's position, from 1
}

TEST(UeConfig, when_s1ap_settings_are_wrong_then_each_problem_names_its_key) {
  const auto r = parse_ue_config("store: {storage_key_file: k}\nmme: {transport: s1ap}\n"
                                 "s1ap:\n  s1u_address: not-an-ip\n  sctp: {backend: kernel, udp_port: 9}\n"
                                 "  enbs:\n    - {enb_id: 2000000, local_address: host.example}\n",
                                 "ue.yaml");
  ASSERT_FALSE(r);
  for (const char* key : {"s1ap.s1u_address", "s1ap.sctp.udp_port", "enb_id", "local_address"}) {
    EXPECT_NE(r.error().message.find(key), std::string::npos) << key << " in: " << r.error().message;
  }
  EXPECT_FALSE(parse_ue_config("store: {storage_key_file: k}\nmme: {transport: sctp}\n", "ue.yaml"));
}

TEST(UeConfig, when_keys_are_wrong_then_every_problem_names_file_and_key) {
  const auto r = parse_ue_config(
      "mme: {adress: x, port: 70000}\nnetwork: {plmn: \"0010\"}\ntimers: {t3410_ms: 1}\nnas: {reattach_on_request: maybe}\n",
      "ue.yaml");
  ASSERT_FALSE(r);
  const std::string& m = r.error().message;
  EXPECT_NE(m.find("ue.yaml: mme.adress: unknown key"), std::string::npos) << m;
  EXPECT_NE(m.find("ue.yaml: mme.port: must be 1..65535, got 70000"), std::string::npos) << m;
  EXPECT_NE(m.find("ue.yaml: network.plmn:"), std::string::npos) << m;
  EXPECT_NE(m.find("ue.yaml: timers.t3410_ms:"), std::string::npos) << m;
  EXPECT_NE(m.find("ue.yaml: nas.reattach_on_request:"), std::string::npos) << m;
  EXPECT_NE(m.find("ue.yaml: store.storage_key_file: is required"), std::string::npos) << m;
}

TEST(UeConfig, when_the_plmn_has_a_three_digit_mnc_then_it_is_kept) {
  const auto c = parse_ue_config("network: {plmn: \"310410\"}\nstore: {storage_key_file: k}\n", "ue.yaml").value();
  EXPECT_EQ(c.nas.serving_plmn, Plmn::create("310", "410").value());
}

TEST(UeProfiles, when_an_entry_is_complete_then_it_builds_an_me_with_its_uicc_and_kme) {
  const auto specs = parse_profiles("ues:\n  - imei: \"35693803564380\"\n    software_version: \"07\"\n"
                                    "    key_scheme: ecies-b\n    uicc: {imsi: \"001010000000001\", k: " + kK +
                                        ", op: " + kOpc + "}\n    kme: [{plmn: \"00101\", kme_id: 9, kme: " + kK + "}]\n",
                                    "p.yaml")
                         .value();
  ASSERT_EQ(specs.size(), 1u);
  EXPECT_EQ(specs[0].imei.str(), "356938035643809");
  auto d = build_device(specs[0]).value();
  EXPECT_EQ(d.me.software_version(), "07");
  EXPECT_EQ(d.me.device_key().scheme, crypto::KeyWrapScheme::ecies_profile_b);
  ASSERT_TRUE(d.usim);
  EXPECT_EQ(d.me.inserted_uicc(), std::optional<Imsi>(d.usim->imsi()));
  const auto k = octets_from_hex<16>(kK).value();
  EXPECT_EQ(d.usim->profile().opc, crypto::compute_opc(k, octets_from_hex<16>(kOpc).value())) << "OP turned into OPc";
  ASSERT_EQ(d.me.kme_store().entries().size(), 1u);
  EXPECT_EQ(to_uint(d.me.kme_store().entries()[0].id), 9u);
}

TEST(UeProfiles, when_values_are_wrong_then_the_entry_and_key_are_named_and_no_key_is_echoed) {
  const std::string bad_k = "0001020304050607080910111213141516";  // 34 digits
  const std::string m = error_of("ues:\n  - imei: \"356938035643801\"\n    colour: red\n    software_version: \"1\"\n"
                                 "    uicc: {imsi: \"0010\", k: " + bad_k + ", opc: " + kOpc + "}\n");
  EXPECT_NE(m.find("p.yaml: ues[0].imei: IMEI check digit is wrong"), std::string::npos) << m;
  EXPECT_NE(m.find("p.yaml: ues[0].colour: unknown key"), std::string::npos) << m;
  EXPECT_NE(m.find("p.yaml: ues[0].software_version: must be 2 digits"), std::string::npos) << m;
  EXPECT_NE(m.find("p.yaml: ues[0].uicc.imsi:"), std::string::npos) << m;
  EXPECT_NE(m.find("p.yaml: ues[0].uicc.k: expected 32 hex digits, got 34"), std::string::npos) << m;
  EXPECT_EQ(m.find(bad_k), std::string::npos) << "a key value in a message";
  EXPECT_EQ(m.find(kOpc), std::string::npos) << "a key value in a message";
}

TEST(UeProfiles, when_a_device_key_is_given_then_the_me_uses_it_and_derives_its_public_key) {
  for (const auto scheme : {crypto::KeyWrapScheme::ecies_profile_a, crypto::KeyWrapScheme::ecies_profile_b,
                            crypto::KeyWrapScheme::rsa_oaep_sha256}) {
    const auto pair = crypto::generate_device_key_pair(scheme).value();
    const auto specs = parse_profiles(std::string("ues:\n  - imei: \"35693803564380\"\n    device_key: {scheme: ") +
                                          profile_key_scheme_name(scheme) + ", private_key: " + to_hex(pair.private_key) +
                                          "}\n",
                                      "p.yaml")
                           .value();
    ASSERT_EQ(specs.size(), 1u);
    EXPECT_EQ(specs[0].key_scheme, scheme);
    auto d = build_device(specs[0]).value();
    EXPECT_EQ(d.me.device_key().scheme, scheme);
    EXPECT_EQ(d.me.device_key().private_key, pair.private_key);
    EXPECT_EQ(d.me.device_key().public_key, pair.public_key) << profile_key_scheme_name(scheme);
    EXPECT_FALSE(d.usim) << "no UICC in the profile";
  }
}

TEST(UeProfiles, when_a_device_key_is_wrong_then_the_entry_and_key_are_named_and_the_key_is_not_echoed) {
  const std::string bad = "zz" + std::string(62, '1');
  std::string m = error_of("ues:\n  - {imei: \"35693803564380\", device_key: {scheme: ecies-b, private_key: " + bad + "}}\n");
  EXPECT_NE(m.find("p.yaml: ues[0].device_key.private_key: expected hex digits"), std::string::npos) << m;
  EXPECT_EQ(m.find(bad), std::string::npos) << m;
  // 31 octets is no X25519 key; an RSA key that is not DER is refused too.
  const std::string short_key(62, 'a');
  m = error_of("ues:\n  - {imei: \"35693803564380\", device_key: {scheme: ecies-a, private_key: " + short_key + "}}\n");
  EXPECT_NE(m.find("p.yaml: ues[0].device_key.private_key: not a valid ecies-a private key"), std::string::npos) << m;
  EXPECT_EQ(m.find(short_key), std::string::npos) << m;
  m = error_of("ues:\n  - {imei: \"35693803564380\", device_key: {scheme: rsa-2048, private_key: " + kK + "}}\n");
  EXPECT_NE(m.find("ues[0].device_key.private_key: not a valid rsa-2048 private key"), std::string::npos) << m;
  m = error_of("ues:\n  - {imei: \"35693803564380\", device_key: {private_key: " + kK + "}}\n");
  EXPECT_NE(m.find("ues[0].device_key.scheme: is required"), std::string::npos) << m;
  const auto pair = crypto::generate_device_key_pair(crypto::KeyWrapScheme::ecies_profile_a).value();
  m = error_of("ues:\n  - {imei: \"35693803564380\", key_scheme: ecies-b, device_key: {scheme: ecies-a, private_key: " +
               to_hex(pair.private_key) + "}}\n");
  EXPECT_NE(m.find("ues[0].key_scheme: differs from device_key.scheme"), std::string::npos) << m;
}

TEST(UeProfiles, when_op_and_opc_are_both_given_or_an_imsi_repeats_then_it_is_refused) {
  const std::string uicc = "{imsi: \"001010000000001\", k: " + kK + ", opc: " + kOpc + "}";
  EXPECT_NE(error_of("ues:\n  - {imei: \"35693803564380\", uicc: {imsi: \"001010000000001\", k: " + kK + ", op: " + kOpc +
                     ", opc: " + kOpc + "}}\n")
                .find("ues[0].uicc.opc: give exactly one of op and opc"),
            std::string::npos);
  EXPECT_NE(error_of("ues:\n  - {imei: \"35693803564380\", uicc: " + uicc + "}\n  - {imei: \"49015420323751\", uicc: " +
                     uicc + "}\n")
                .find("ues[1].uicc.imsi: IMSI 001010000000001 repeated"),
            std::string::npos);
  EXPECT_NE(error_of("uess: []\n").find("p.yaml: uess: unknown key"), std::string::npos);
}

TEST(UeProfiles, when_generating_then_imsis_and_imeis_are_consecutive_with_luhn_digits) {
  const auto specs = parse_profiles("generate: {count: 3, imsi_start: \"001010000000099\", imei_start: \"35000000000009\", "
                                    "k: " + kK + ", opc: " + kOpc + "}\n",
                                    "p.yaml")
                         .value();
  ASSERT_EQ(specs.size(), 3u);
  EXPECT_EQ(specs[0].uicc->profile.imsi.str(), "001010000000099");
  EXPECT_EQ(specs[2].uicc->profile.imsi.str(), "001010000000101");
  EXPECT_EQ(specs[1].imei.str(), "35000000000010" + std::string(1, Imei::luhn_check_digit("35000000000010")));
  EXPECT_TRUE(Imei::create(specs[2].imei.str())) << "the check digit verifies";
}

TEST(UeProfiles, when_a_starting_sqn_is_given_then_the_uicc_refuses_older_and_accepts_newer_sqns) {
  const auto specs = parse_profiles("ues:\n  - {imei: \"35693803564380\", uicc: {imsi: \"001010000000001\", k: " + kK +
                                        ", opc: " + kOpc + ", sqn: \"000000010020\"}}\n",
                                    "p.yaml")
                         .value();
  auto d = build_device(specs[0]).value();
  EXPECT_EQ(crypto::sqn_value(d.usim->sqn_window().sqn_ms()), 0x10020u) << "the highest accepted SQN";
  const crypto::Milenage m(octets_from_hex<16>(kK).value(), octets_from_hex<16>(kOpc).value());
  const auto plmn = Plmn::create("001", "01")->encode();
  const auto old_av = crypto::make_eutran_vector(m, crypto::Rand{}, crypto::sqn_from_value(0x10000),
                                                 crypto::amf_from_value(0x8000), plmn);
  EXPECT_TRUE(std::holds_alternative<SynchFailure>(d.usim->authenticate(old_av.rand, old_av.autn)));
  const auto new_av = crypto::make_eutran_vector(m, crypto::Rand{1}, crypto::sqn_from_value(0x10040),
                                                 crypto::amf_from_value(0x8000), plmn);
  EXPECT_TRUE(std::holds_alternative<AuthSuccess>(d.usim->authenticate(new_av.rand, new_av.autn)));
}

}  // namespace
}  // namespace simbind::ue

namespace simbind::ue {
namespace {

TEST(UeProfiles, when_pdn_type_is_given_then_the_me_asks_for_it_and_the_default_is_ipv4v6) {
  const auto specs = parse_profiles("ues:\n  - {imei: \"35693803564380\", pdn_type: ipv6}\n"
                                    "  - {imei: \"35693803564398\"}\n"
                                    "generate: {count: 1, imsi_start: \"001010000000099\", imei_start: "
                                    "\"35000000000009\", k: 000102030405060708090a0b0c0d0e0f, opc: "
                                    "0f0e0d0c0b0a09080706050403020100, pdn_type: ipv4}\n",
                                    "p.yaml");
  ASSERT_TRUE(specs) << specs.error().message;
  ASSERT_EQ(specs->size(), 3u);
  EXPECT_EQ((*specs)[0].pdn_type, 2);
  EXPECT_EQ((*specs)[1].pdn_type, 3);
  EXPECT_EQ((*specs)[2].pdn_type, 1);
  auto built = build_device((*specs)[0]);
  ASSERT_TRUE(built);
  EXPECT_EQ(built->me.pdn_type(), 2);

  const auto bad = parse_profiles("ues:\n  - {imei: \"35693803564380\", pdn_type: ipv5}\n", "p.yaml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("ues[0].pdn_type"), std::string::npos) << bad.error().message;
}

// The shipped sample parses (it documents every key of a profile).
TEST(UeProfiles, when_the_sample_profiles_file_is_read_then_it_is_valid) {
  std::ifstream in(std::string(SIMBIND_SOURCE_DIR) + "/deploy/config/ue-profiles.yaml");
  ASSERT_TRUE(in);
  std::stringstream text;
  text << in.rdbuf();
  const auto specs = parse_profiles(text.str(), "ue-profiles.yaml");
  ASSERT_TRUE(specs) << specs.error().message;
  ASSERT_FALSE(specs->empty());
  EXPECT_EQ(specs->front().pdn_type, 3);
}

}  // namespace
}  // namespace simbind::ue
