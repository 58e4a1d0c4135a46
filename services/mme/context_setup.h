// What the access side needs when the ATTACH ACCEPT goes out with a default bearer: over S1AP it becomes an
// INITIAL CONTEXT SETUP REQUEST (TS 36.413 8.3.1) carrying K_eNB, the UE security capabilities, the UE-AMBR and
// the E-RABs; NAS over TCP has no access stratum and sends the NAS PDU alone.
#pragma once

#include <cstdint>
#include <vector>

#include "common/crypto/kdf.h"
#include "common/diameter/s6a_messages.h"
#include "common/nas/emm_messages.h"

namespace simbind::mme {

struct ContextSetup {
  Octets<32> k_enb{};
  std::uint16_t encryption_algorithms = 0;  // S1AP bit strings: MSB = 128-EEA1/EIA1, then EEA2/EIA2, EEA3/EIA3
  std::uint16_t integrity_algorithms = 0;
  std::uint64_t ue_ambr_ul = 0;  // bit/s
  std::uint64_t ue_ambr_dl = 0;
  struct Erab {
    std::uint8_t ebi = 5;
    std::uint8_t qci = 9;
    std::uint8_t arp_priority = 8;
    bool may_pre_empt = false;
    bool pre_emptable = true;
  };
  std::vector<Erab> erabs;
};

// K_eNB = KDF(KASME, FC 0x11, uplink NAS COUNT) (TS 33.401 A.3).
Octets<32> derive_k_enb(const crypto::Kasme& kasme, std::uint32_t uplink_nas_count);
// The S1AP UE security capabilities from the UE network capability of the ATTACH REQUEST (TS 24.301 9.9.3.34:
// octet 1 EEA0..EEA7 from bit 8 down, octet 2 EIA0..EIA7).
std::uint16_t s1ap_encryption_algorithms(ByteView ue_network_capability);
std::uint16_t s1ap_integrity_algorithms(ByteView ue_network_capability);
// The E-RAB parameters of a bearer from its APN configuration (QCI, ARP; TS 29.272 7.3.40).
ContextSetup::Erab erab_for(std::uint8_t ebi, const diameter::ApnConfiguration& apn);

}  // namespace simbind::mme
