// The INITIAL CONTEXT SETUP inputs the MME derives: K_eNB (TS 33.401 A.3), the S1AP security capability bit
// strings from the NAS UE network capability (TS 24.301 9.9.3.34 -> TS 36.413 9.2.1.40), the E-RAB QoS.
#include "services/mme/context_setup.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace simbind::mme {
namespace {

// K_eNB written out from TS 33.220 B.2 and TS 33.401 A.3 with OpenSSL's one-shot HMAC, not through crypto::kdf:
// HMAC-SHA-256(KASME, FC 0x11 || uplink NAS COUNT (4 octets, big-endian) || L0 = 00 04).
Octets<32> reference_k_enb(const crypto::Kasme& kasme, std::uint32_t count) {
  const std::uint8_t s[7] = {0x11, static_cast<std::uint8_t>(count >> 24), static_cast<std::uint8_t>(count >> 16),
                             static_cast<std::uint8_t>(count >> 8), static_cast<std::uint8_t>(count), 0x00, 0x04};
  Octets<32> out{};
  unsigned len = 0;
  HMAC(EVP_sha256(), kasme.data(), static_cast<int>(kasme.size()), s, sizeof s, out.data(), &len);
  EXPECT_EQ(len, 32u);
  return out;
}

TEST(ContextSetup, KenbIsTheKdfOfKasmeWithFc11AndTheUplinkNasCount) {
  crypto::Kasme kasme{};
  for (std::size_t i = 0; i < kasme.size(); ++i) kasme[i] = static_cast<std::uint8_t>(0xa0 + i);
  for (std::uint32_t count : {0u, 1u, 0x00ffffffu, 0x01000005u}) {
    EXPECT_EQ(derive_k_enb(kasme, count), reference_k_enb(kasme, count)) << "count " << count;
  }
  EXPECT_NE(derive_k_enb(kasme, 0), derive_k_enb(kasme, 1));
}

TEST(ContextSetup, SecurityCapabilitiesMapEea1To3AndEia1To3OntoTheTopBits) {
  const Bytes ours{0xe0, 0xe0};  // EEA0, 128-EEA1, 128-EEA2; EIA0..EIA2
  EXPECT_EQ(s1ap_encryption_algorithms(ours), 0xc000);
  EXPECT_EQ(s1ap_integrity_algorithms(ours), 0xc000);
  const Bytes all{0xff, 0x70};  // EEA0..EEA7 (EEA4..7 have no S1AP bit); EIA1..EIA3 without EIA0
  EXPECT_EQ(s1ap_encryption_algorithms(all), 0xe000);
  EXPECT_EQ(s1ap_integrity_algorithms(all), 0xe000);
  const Bytes eea2_only{0x20, 0x20};
  EXPECT_EQ(s1ap_encryption_algorithms(eea2_only), 0x4000);
  EXPECT_EQ(s1ap_integrity_algorithms(eea2_only), 0x4000);
  EXPECT_EQ(s1ap_integrity_algorithms(Bytes{0xe0}), 0);  // no EIA octet: nothing claimed
}

TEST(ContextSetup, ErabTakesQciArpAndPreEmptionFromTheApnConfiguration) {
  diameter::ApnConfiguration apn;
  apn.qci = 7;
  apn.priority_level = 3;
  apn.pre_emption_capability = 0;    // ENABLED
  apn.pre_emption_vulnerability = 1;  // DISABLED
  const auto e = erab_for(6, apn);
  EXPECT_EQ(e.ebi, 6);
  EXPECT_EQ(e.qci, 7);
  EXPECT_EQ(e.arp_priority, 3);
  EXPECT_TRUE(e.may_pre_empt);
  EXPECT_FALSE(e.pre_emptable);
}

}  // namespace
}  // namespace simbind::mme
