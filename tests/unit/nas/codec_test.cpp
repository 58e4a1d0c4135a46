#include <gtest/gtest.h>

#include <random>

#include "common/nas/emm_messages.h"
#include "common/nas/esm_messages.h"
#include "common/util/hex.h"

namespace simbind::nas {
namespace {

using crypto::Direction;

Bytes hex(std::string_view s) { return from_hex(s).value(); }

TEST(MobileIdentity, when_imsi_is_encoded_then_digits_pack_low_nibble_first_with_odd_flag) {
  const auto id = MobileIdentity::of(MobileIdentity::Type::imsi, "001010123456789");
  EXPECT_EQ(to_hex(encode_mobile_identity(id).value()), "0910101032547698");
  EXPECT_EQ(decode_mobile_identity(hex("0910101032547698")).value(), id);
}

TEST(MobileIdentity, when_imeisv_has_an_even_count_then_the_last_nibble_is_f_filler) {
  const auto id = MobileIdentity::of(MobileIdentity::Type::imeisv, "3520990017614801");
  const Bytes b = encode_mobile_identity(id).value();
  EXPECT_EQ(b[0], 0x33) << "digit 3, even, type 011";
  EXPECT_EQ(b.back() >> 4, 0x0f);
  EXPECT_EQ(decode_mobile_identity(b).value(), id);
}

TEST(MobileIdentity, when_guti_round_trips_then_all_parts_survive) {
  MobileIdentity g;
  g.type = MobileIdentity::Type::guti;
  g.plmn = {0x00, 0xf1, 0x10};
  g.mme_group_id = 0x8001;
  g.mme_code = 0x22;
  g.m_tmsi = 0xc0ffee01;
  const Bytes b = encode_mobile_identity(g).value();
  EXPECT_EQ(b.size(), 11u);
  EXPECT_EQ(decode_mobile_identity(b).value(), g);
}

TEST(MobileIdentity, when_octets_are_not_digits_or_lengths_are_wrong_then_refused) {
  EXPECT_FALSE(decode_mobile_identity(hex("09101010325476a8")));  // 'a' is no digit
  EXPECT_FALSE(decode_mobile_identity(hex("0910")));              // 3 digits: too short for an IMSI
  EXPECT_FALSE(decode_mobile_identity(hex("f61234")));            // GUTI of 3 octets
  EXPECT_FALSE(decode_mobile_identity(hex("05")));                // TMSI: not handled
  EXPECT_FALSE(decode_mobile_identity(Bytes{}));
}

TEST(Apn, when_encoded_then_labels_are_length_prefixed) {
  EXPECT_EQ(to_hex(encode_apn("internet").value()), "08696e7465726e6574");
  EXPECT_EQ(decode_apn(encode_apn("ims.mnc001.mcc001.gprs").value()).value(), "ims.mnc001.mcc001.gprs");
  EXPECT_FALSE(decode_apn(hex("09696e7465726e6574"))) << "label longer than what is left";
}

TEST(MobileIdentity, when_digits_are_not_digits_or_too_many_then_the_encoder_refuses_them) {
  EXPECT_FALSE(encode_mobile_identity(MobileIdentity::of(MobileIdentity::Type::imsi, "00101012345678a")));
  EXPECT_FALSE(encode_mobile_identity(MobileIdentity::of(MobileIdentity::Type::imsi, std::string(300, '1'))));
  EXPECT_FALSE(encode_mobile_identity(MobileIdentity::of(MobileIdentity::Type::imei, "35209900176148")));
  // An ATTACH REQUEST naming such an identity is refused as a whole, not sent with a wrapped length.
  AttachRequest m;
  m.identity = MobileIdentity::of(MobileIdentity::Type::imsi, std::string(600, '1'));
  EXPECT_FALSE(encode_emm(m));
}

TEST(Apn, when_a_label_or_the_whole_does_not_fit_then_the_encoder_refuses_it) {
  EXPECT_TRUE(encode_apn(std::string(63, 'a')));
  EXPECT_FALSE(encode_apn(std::string(64, 'a'))) << "a label is at most 63 octets";
  EXPECT_FALSE(encode_apn("a..b")) << "empty label";
  EXPECT_FALSE(encode_apn(""));
  // 99 characters are 100 octets encoded (TS 24.008 10.5.6.1: the most there may be); 100 characters are not.
  std::string apn = std::string(60, 'a') + "." + std::string(38, 'b');
  ASSERT_EQ(apn.size(), 99u);
  EXPECT_EQ(encode_apn(apn).value().size(), 100u);
  EXPECT_FALSE(encode_apn(apn + "b"));
}

// Issue 14 M2: an APN of 300 characters once became a length octet of 44 (300 mod 256). Now the message fails.
TEST(Writer, when_a_value_does_not_fit_its_length_field_then_take_is_an_error_not_a_wrapped_length) {
  Writer lv;
  lv.u8(1).lv(Bytes(300, 0x61), "test value").u8(2);
  const auto r = lv.take();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("test value: 300 octets"), std::string::npos) << r.error().message;
  Writer fits;
  fits.lv(Bytes(255, 0x61), "test value").lv_e(Bytes(65535, 0x62), "big value");
  const auto ok = fits.take();
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->size(), 1u + 255 + 2 + 65535);
  EXPECT_EQ((*ok)[0], 255);
  Writer lv_e;
  lv_e.tlv_e(0x78, Bytes(65536, 0), "ESM message container");
  EXPECT_FALSE(lv_e.take());
  // The same through a message: an ESM container of 65,536 octets makes no ATTACH COMPLETE.
  EXPECT_FALSE(encode_emm(AttachComplete{Bytes(65536, 0)}));
  EXPECT_TRUE(encode_emm(AttachComplete{Bytes(65535, 0)}));
  // And an APN of 300 characters makes no ACTIVATE DEFAULT EPS BEARER CONTEXT REQUEST.
  ActivateDefaultBearerRequest bearer{{5, 1}, 9, std::string(300, 'a'), 1, {10, 45, 0, 2}, {}, std::nullopt, std::nullopt};
  EXPECT_FALSE(encode_esm(bearer));
}

std::vector<EmmMessage> sample_emm_messages() {
  const auto imsi = MobileIdentity::of(MobileIdentity::Type::imsi, "001010000000001");
  const auto imeisv = MobileIdentity::of(MobileIdentity::Type::imeisv, "4901542032375181");
  Octets<16> rand{}, autn{};
  rand.fill(0x5a);
  autn.fill(0xa5);
  Octets<14> auts{};
  auts.fill(0x3c);
  MobileIdentity guti;
  guti.type = MobileIdentity::Type::guti;
  guti.plmn = {0x00, 0xf1, 0x10};
  guti.m_tmsi = 77;
  return {
      AttachRequest{1, 7, imsi, Bytes{0xe0, 0xe0}, Bytes{0x02, 0x01, 0xd0, 0x11}},
      AttachAccept{1, 0x49, Bytes{0x00, 0x00, 0xf1, 0x10, 0x00, 0x01}, Bytes{0x52, 0x01, 0xc1}, guti},
      AttachAccept{1, 0x49, Bytes{0x00, 0x00, 0xf1, 0x10, 0x00, 0x01}, Bytes{0x52, 0x01, 0xc1}, std::nullopt},
      AttachComplete{Bytes{0x52, 0x01, 0xc2}},
      AttachReject{emm_cause::illegal_me, std::nullopt},
      AttachReject{emm_cause::esm_failure, Bytes{0x02, 0x01, 0xd1, 0x1b}},
      IdentityRequest{2},
      IdentityResponse{MobileIdentity::of(MobileIdentity::Type::imei, "490154203237518")},
      AuthenticationRequest{1, rand, autn},
      AuthenticationResponse{Bytes(8, 0x11)},
      AuthenticationFailure{emm_cause::mac_failure, std::nullopt},
      AuthenticationFailure{emm_cause::synch_failure, auts},
      AuthenticationReject{},
      SecurityModeCommand{2, 2, 1, Bytes{0xe0, 0xe0}, true},
      SecurityModeComplete{imeisv},
      SecurityModeComplete{std::nullopt},
      SecurityModeReject{emm_cause::security_mode_rejected},
      DetachRequestNetwork{1, emm_cause::illegal_me},
      DetachAccept{},
      GenericNasTransport{true, 0xf0, Bytes{1, 2, 3}, Bytes{9}},
      GenericNasTransport{false, 0xf0, Bytes(40, 0x77), std::nullopt},
      EmmStatus{emm_cause::message_type_non_existent},
  };
}

TEST(EmmCodec, when_each_message_round_trips_then_it_comes_back_equal) {
  for (const auto& m : sample_emm_messages()) {
    SCOPED_TRACE(emm_message_name(m));
    const Bytes wire = encode_emm(m).value();
    EXPECT_EQ(wire[0], 0x07) << "plain EMM";
    const auto back = decode_emm(wire, std::holds_alternative<GenericNasTransport>(m) &&
                                               !std::get<GenericNasTransport>(m).downlink
                                           ? Direction::uplink
                                           : Direction::downlink);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_TRUE(*back == m);
  }
}

TEST(EmmCodec, when_detach_request_is_decoded_then_the_sender_decides_its_form) {
  const EmmMessage ue = DetachRequestUe{1, 3, MobileIdentity::of(MobileIdentity::Type::imsi, "001010000000002")};
  const auto back = decode_emm(encode_emm(ue).value(), Direction::uplink);
  ASSERT_TRUE(back);
  EXPECT_TRUE(*back == ue);
  const auto as_network = decode_emm(encode_emm(DetachRequestNetwork{1, std::nullopt}).value(), Direction::downlink);
  ASSERT_TRUE(as_network);
  EXPECT_TRUE(std::holds_alternative<DetachRequestNetwork>(*as_network));
}

TEST(EmmCodec, when_authentication_request_is_encoded_then_layout_is_ts24301_8_2_7) {
  Octets<16> rand{}, autn{};
  rand.fill(0x01);
  autn.fill(0x02);
  const Bytes wire = encode_emm(AuthenticationRequest{3, rand, autn}).value();
  EXPECT_EQ(to_hex(wire), "075203" + to_hex(rand) + "10" + to_hex(autn));
}

TEST(EmmCodec, when_attach_request_carries_unknown_optional_ies_then_they_are_skipped) {
  const auto m = std::get<AttachRequest>(sample_emm_messages()[0]);
  Bytes wire = encode_emm(m).value();
  const Bytes optional = hex("5c0a00"      // DRX parameter (TV, 3)
                             "3102e0e0"    // MS network capability (TLV)
                             "f1"          // a half-octet IE
                             "5d0101"      // voice domain preference (TLV)
                             "6f0100");    // an IE this code has never heard of (TLV)
  wire.insert(wire.end(), optional.begin(), optional.end());
  const auto back = decode_emm(wire, Direction::uplink);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_TRUE(*back == EmmMessage(m));
}

TEST(EmmCodec, when_a_message_is_cut_short_then_decoding_fails_cleanly) {
  for (const auto& m : sample_emm_messages()) {
    const Bytes wire = encode_emm(m).value();
    for (std::size_t n = 0; n < wire.size(); ++n) {
      const auto r = decode_emm(ByteView(wire).first(n), Direction::downlink);
      // A prefix that ends exactly before optional IEs is a valid shorter message; any other prefix fails.
      if (r) {
        EXPECT_LT(encode_emm(*r).value().size(), wire.size());
      }
    }
  }
  const auto auth = encode_emm(sample_emm_messages()[8]).value();
  const auto r = decode_emm(ByteView(auth).first(auth.size() - 1), Direction::downlink);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("AUTN"), std::string::npos) << r.error().message;
}

TEST(EmmCodec, when_message_type_is_unknown_or_protected_then_refused_with_a_reason) {
  EXPECT_EQ(decode_emm(hex("0700"), Direction::uplink).error().code, ErrorCode::not_found);
  EXPECT_FALSE(decode_emm(hex("2741"), Direction::uplink)) << "security protected";
  EXPECT_FALSE(decode_emm(hex("0241"), Direction::uplink)) << "ESM protocol discriminator";
}

TEST(EmmCodec, when_fed_random_bytes_then_it_never_crashes) {
  std::mt19937 rng(20261128);
  std::uniform_int_distribution<int> octet(0, 255);
  std::uniform_int_distribution<int> length(0, 64);
  const std::uint8_t types[] = {0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x52, 0x53, 0x54, 0x55,
                                0x56, 0x5c, 0x5d, 0x5e, 0x5f, 0x60, 0x68, 0x69};
  int decoded = 0;
  for (int i = 0; i < 20000; ++i) {
    Bytes b{0x07, types[i % std::size(types)]};
    for (int n = length(rng); n > 0; --n) b.push_back(static_cast<std::uint8_t>(octet(rng)));
    if (decode_emm(b, i % 2 ? Direction::uplink : Direction::downlink)) ++decoded;
  }
  EXPECT_GT(decoded, 0) << "some random inputs are valid messages";
}

TEST(EsmCodec, when_each_message_round_trips_then_it_comes_back_equal) {
  const std::vector<EsmMessage> samples{
      PdnConnectivityRequest{{0, 1}, 1, 1, std::string("internet")},
      PdnConnectivityRequest{{0, 2}, 1, 1, std::nullopt},
      PdnConnectivityReject{{0, 1}, esm_cause::service_option_not_authorized},
      ActivateDefaultBearerRequest{{5, 1}, 9, "internet", 1, {10, 45, 0, 2}, {}, Bytes{0xfe, 0xfe}, std::nullopt},
      ActivateDefaultBearerRequest{{6, 2}, 5, "ims", pdn_type::ipv6, {}, {0, 0, 0, 0, 0, 0, 0, 3}, std::nullopt,
                                   std::nullopt},
      ActivateDefaultBearerRequest{{7, 3}, 9, "internet", pdn_type::ipv4v6, {10, 45, 0, 9}, {1, 2, 3, 4, 5, 6, 7, 8},
                                   Bytes{0xfe, 0xfe}, std::nullopt},
      ActivateDefaultBearerRequest{{5, 1}, 9, "internet", pdn_type::ipv4, {10, 45, 0, 2}, {}, std::nullopt,
                                   esm_cause::single_address_bearers_only_allowed},
      ActivateDefaultBearerAccept{{5, 0}},
      EsmStatus{{5, 0}, esm_cause::protocol_error},
      EsmDummyMessage{{0, 0}},
  };
  for (const auto& m : samples) {
    const Bytes wire = encode_esm(m).value();
    EXPECT_EQ(wire[0] & 0x0f, 0x02);
    const auto back = decode_esm(wire);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_TRUE(*back == m) << to_hex(wire);
  }
  EXPECT_EQ(to_hex(encode_esm(samples[0]).value()), "0201d011" "2809" "08696e7465726e6574");
  EXPECT_EQ(to_hex(encode_esm(EsmDummyMessage{}).value()), "0200dc");  // TS 24.301 8.3.12A
}

TEST(EsmCodec, when_pdn_address_is_not_ipv4_or_truncated_then_refused) {
  Bytes wire = encode_esm(ActivateDefaultBearerRequest{{5, 1}, 9, "internet", 1, {10, 45, 0, 2}, {}, std::nullopt,
                                                       std::nullopt}).value();
  EXPECT_FALSE(decode_esm(ByteView(wire).first(wire.size() - 2)));
  std::mt19937 rng(7);
  for (int i = 0; i < 5000; ++i) {
    Bytes b{0x52, 0x01, static_cast<std::uint8_t>(i % 2 ? 0xc1 : 0xd0)};
    for (int n = static_cast<int>(rng() % 40); n > 0; --n) b.push_back(static_cast<std::uint8_t>(rng()));
    (void)decode_esm(b);  // must not crash (ASan watches in CI)
  }
}

// TS 24.301 9.9.4.9: the PDN address value is the PDN type octet, then IPv4 (4), the IPv6 interface identifier
// (8), or both with the identifier first (12); 8.3.6: ESM cause is the TV IE 0x58, after APN-AMBR.
TEST(EsmCodec, when_pdn_address_is_ipv6_or_ipv4v6_then_the_octets_follow_ts_24301) {
  const ActivateDefaultBearerRequest v6{{6, 2}, 5, "ims", pdn_type::ipv6, {}, {0, 0, 0, 0, 0, 0, 0, 3}, std::nullopt,
                                        std::nullopt};
  EXPECT_EQ(to_hex(encode_esm(v6).value()), "6202c1" "0105" "0403696d73" "09" "020000000000000003");
  const ActivateDefaultBearerRequest dual{{5, 1}, 9, "a", pdn_type::ipv4v6, {10, 45, 0, 9}, {0, 0, 0, 0, 0, 0, 0, 1},
                                          std::nullopt, esm_cause::pdn_type_ipv4_only_allowed};
  EXPECT_EQ(to_hex(encode_esm(dual).value()), "5201c1" "0109" "020161" "0d" "03" "0000000000000001" "0a2d0009" "5832");
}

TEST(EsmCodec, when_pdn_address_length_does_not_fit_its_type_then_refused) {
  // IPv6 with 4 octets, IPv4v6 with 8, IPv4 with 8, type 5 (non-IP) with 4.
  for (const char* address : {"0402000000", "09030000000000000001", "0901000000000000000a", "0405000000"}) {
    const auto wire = from_hex(std::string("5201c1" "0109" "020161") + address).value();
    auto m = decode_esm(wire);
    EXPECT_FALSE(m) << address;
  }
}

}  // namespace
}  // namespace simbind::nas
