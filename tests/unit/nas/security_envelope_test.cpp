#include "common/nas/security_envelope.h"

#include <gtest/gtest.h>

#include "tests/unit/support/vectors.h"

namespace simbind::nas {
namespace {

using crypto::Direction;

NasKeysInUse random_keys() {
  return {crypto::random_octets<16>(), crypto::random_octets<16>(), NasAlgorithms{2, 2}};
}

const Bytes kAttachComplete{0x07, 0x43, 0x00, 0x03, 0x52, 0x00, 0xc2};

TEST(SecurityEnvelope, when_protected_by_one_side_then_the_other_side_unwraps_the_same_message) {
  const auto keys = random_keys();
  SecurityEnvelope ue(keys, Direction::uplink);
  SecurityEnvelope mme(keys, Direction::downlink);
  for (int i = 0; i < 3; ++i) {
    const Bytes pdu = ue.protect(kAttachComplete, SecurityHeaderType::integrity_ciphered);
    EXPECT_EQ(pdu[0], 0x27) << "header type 2, EMM";
    EXPECT_EQ(pdu[5], i) << "sequence number = NAS COUNT low octet";
    EXPECT_NE(Bytes(pdu.begin() + 6, pdu.end()), kAttachComplete) << "ciphered";
    auto got = mme.unprotect(pdu);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->message, kAttachComplete);
    EXPECT_EQ(got->count, static_cast<std::uint32_t>(i));
  }
}

TEST(SecurityEnvelope, when_integrity_only_then_the_message_travels_in_clear_and_the_mac_is_eia2) {
  const auto keys = random_keys();
  SecurityEnvelope mme(keys, Direction::downlink);
  const Bytes smc{0x07, 0x5d, 0x22, 0x00, 0x02, 0xe0, 0xe0};
  const Bytes pdu = mme.protect(smc, SecurityHeaderType::integrity_new_context);
  EXPECT_EQ(pdu[0], 0x37);
  EXPECT_EQ(Bytes(pdu.begin() + 6, pdu.end()), smc);
  // MAC = 128-EIA2 over SQN || message, COUNT 0, BEARER 0, DIRECTION 1 (TS 24.301 4.4.3.3).
  const auto mac = crypto::eia2_bytes(keys.k_nas_int, {0, 0, Direction::downlink}, ByteView(pdu).subspan(5));
  EXPECT_EQ(Bytes(pdu.begin() + 1, pdu.begin() + 5), Bytes(mac.begin(), mac.end()));
}

TEST(SecurityEnvelope, when_a_bit_is_flipped_or_the_key_differs_then_mac_failure_and_nothing_changes) {
  const auto keys = random_keys();
  SecurityEnvelope ue(keys, Direction::uplink);
  SecurityEnvelope mme(keys, Direction::downlink);
  Bytes pdu = ue.protect(kAttachComplete, SecurityHeaderType::integrity_ciphered);
  pdu.back() ^= 0x01;
  EXPECT_EQ(mme.unprotect(pdu).error(), UnprotectFailure::mac_failure);
  pdu.back() ^= 0x01;
  SecurityEnvelope stranger(random_keys(), Direction::downlink);
  EXPECT_EQ(stranger.unprotect(pdu).error(), UnprotectFailure::mac_failure);
  EXPECT_TRUE(mme.unprotect(pdu)) << "the genuine PDU still verifies after the failures";
  EXPECT_EQ(mme.mac_failures(), 1u);
}

TEST(SecurityEnvelope, when_a_pdu_is_replayed_then_it_is_refused_and_counted) {
  const auto keys = random_keys();
  SecurityEnvelope ue(keys, Direction::uplink);
  SecurityEnvelope mme(keys, Direction::downlink);
  const Bytes first = ue.protect(kAttachComplete, SecurityHeaderType::integrity);
  const Bytes second = ue.protect(kAttachComplete, SecurityHeaderType::integrity);
  ASSERT_TRUE(mme.unprotect(first));
  ASSERT_TRUE(mme.unprotect(second));
  EXPECT_EQ(mme.unprotect(second).error(), UnprotectFailure::replay) << "same COUNT again";
  EXPECT_EQ(mme.replays(), 1u);
  // An older PDU has a lower sequence number, which the receiver reads as a wrapped COUNT (TS 24.301
  // 4.4.3.1): the MAC computed for that COUNT does not match, so it is refused too.
  EXPECT_EQ(mme.unprotect(first).error(), UnprotectFailure::mac_failure);
  const Bytes third = ue.protect(kAttachComplete, SecurityHeaderType::integrity);
  EXPECT_TRUE(mme.unprotect(third)) << "refusals leave the receiver in step with the sender";
}

TEST(SecurityEnvelope, when_the_sequence_number_wraps_then_the_overflow_counter_follows) {
  const auto keys = random_keys();
  SecurityEnvelope ue(keys, Direction::uplink);
  SecurityEnvelope mme(keys, Direction::downlink);
  std::uint32_t last = 0;
  for (int i = 0; i < 300; ++i) {
    auto got = mme.unprotect(ue.protect(kAttachComplete, SecurityHeaderType::integrity_ciphered));
    ASSERT_TRUE(got) << "message " << i;
    last = got->count;
  }
  EXPECT_EQ(last, 299u) << "COUNT = overflow 1, SQN 43";
}

TEST(SecurityEnvelope, when_a_uplink_pdu_is_fed_back_to_its_sender_then_direction_makes_the_mac_fail) {
  const auto keys = random_keys();
  SecurityEnvelope ue(keys, Direction::uplink);
  SecurityEnvelope other_ue(keys, Direction::uplink);
  EXPECT_EQ(other_ue.unprotect(ue.protect(kAttachComplete, SecurityHeaderType::integrity)).error(),
            UnprotectFailure::mac_failure);
}

TEST(SecurityEnvelope, when_input_is_short_or_not_emm_or_plain_then_refused_without_crash) {
  SecurityEnvelope mme(random_keys(), Direction::downlink);
  EXPECT_EQ(mme.unprotect(Bytes{}).error(), UnprotectFailure::malformed);
  EXPECT_EQ(mme.unprotect(Bytes{0x27, 1, 2, 3}).error(), UnprotectFailure::malformed);
  EXPECT_EQ(mme.unprotect(Bytes{0x22, 0, 0, 0, 0, 0, 0xc1}).error(), UnprotectFailure::malformed) << "ESM PD";
  EXPECT_EQ(mme.unprotect(Bytes{0x07, 0, 0, 0, 0, 0, 0x41}).error(), UnprotectFailure::unsupported_header);
  EXPECT_EQ(security_header_type(Bytes{0x47}).has_value(), true);
  EXPECT_FALSE(security_header_type(Bytes{0xc7}));
}

TEST(SecurityEnvelope, when_null_algorithms_are_configured_then_mac_is_zero_and_text_is_clear) {
  NasKeysInUse keys = random_keys();
  keys.algorithms = {0, 0};
  SecurityEnvelope ue(keys, Direction::uplink);
  SecurityEnvelope mme(keys, Direction::downlink);
  const Bytes pdu = ue.protect(kAttachComplete, SecurityHeaderType::integrity_ciphered);
  EXPECT_EQ(Bytes(pdu.begin() + 1, pdu.begin() + 5), Bytes(4, 0));
  EXPECT_EQ(Bytes(pdu.begin() + 6, pdu.end()), kAttachComplete);
  EXPECT_TRUE(mme.unprotect(pdu));
}

}  // namespace
}  // namespace simbind::nas
