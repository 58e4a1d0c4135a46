#include "services/mme/context_setup.h"

namespace simbind::mme {

Octets<32> derive_k_enb(const crypto::Kasme& kasme, std::uint32_t uplink_nas_count) {
  const std::uint8_t count[4] = {static_cast<std::uint8_t>(uplink_nas_count >> 24),
                                 static_cast<std::uint8_t>(uplink_nas_count >> 16),
                                 static_cast<std::uint8_t>(uplink_nas_count >> 8),
                                 static_cast<std::uint8_t>(uplink_nas_count)};
  return crypto::kdf(kasme, 0x11, {ByteView(count, 4)});
}

namespace {
// Bits 7..5 of the octet (EEA1/EIA1, EEA2/EIA2, EEA3/EIA3) become bits 15..13 of the S1AP bit string.
std::uint16_t s1ap_bits(std::uint8_t octet) { return static_cast<std::uint16_t>((octet & 0x70) << 9); }
}  // namespace

std::uint16_t s1ap_encryption_algorithms(ByteView cap) { return cap.size() >= 1 ? s1ap_bits(cap[0]) : 0; }
std::uint16_t s1ap_integrity_algorithms(ByteView cap) { return cap.size() >= 2 ? s1ap_bits(cap[1]) : 0; }

ContextSetup::Erab erab_for(std::uint8_t ebi, const diameter::ApnConfiguration& apn) {
  ContextSetup::Erab e;
  e.ebi = ebi;
  e.qci = static_cast<std::uint8_t>(apn.qci);
  e.arp_priority = static_cast<std::uint8_t>(apn.priority_level & 0x0f);
  e.may_pre_empt = apn.pre_emption_capability == 0;   // PRE-EMPTION_CAPABILITY_ENABLED (0)
  e.pre_emptable = apn.pre_emption_vulnerability == 0;  // PRE-EMPTION_VULNERABILITY_ENABLED (0)
  return e;
}

}  // namespace simbind::mme
