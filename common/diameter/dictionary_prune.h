// Why and how the stock dictionaries are trimmed before the S6a and Bp commands are defined (DESIGN 10).
//
// freeDiameter 1.2.1 finds an AVP definition by walking its vendor's list in code order (dictionary.c,
// search_avp): it does so for every AVP of every message it parses. dict_dcca_3gpp puts 732 AVPs under vendor
// 10415, 440 of them below code 1400 (Gx, Rx, Sh, Cx and charging), so every S6a AVP (TS 29.272 numbers its own
// from 1400) walks past those 440 first. Profiles of simbind-hss under AIR load put that walk (search_avp) at the
// top of freeDiameter's share. Removing the 3GPP AVPs that no S6a or Bp message can carry makes the walk short
// without defining a single AVP by hand: every definition that stays is the stock one.
#pragma once

#include <cstdint>
#include <span>

#include "common/util/error.h"


namespace simbind::diameter {

// The 3GPP AVPs with codes below 1400 that TS 29.272's messages carry (clause 7.3's ABNF names them; they are
// defined in the specifications in brackets).
inline constexpr std::uint32_t kS6aImported3gppAvpsBelow1400[] = {
    13,    // 3GPP-Charging-Characteristics (TS 29.061)
    515,   // Max-Requested-Bandwidth-DL (TS 29.214)
    516,   // Max-Requested-Bandwidth-UL (TS 29.214)
    554,   // Extended-Max-Requested-BW-DL (TS 29.214; newer than dict_dcca_3gpp 1.2.1, which lacks it)
    555,   // Extended-Max-Requested-BW-UL (TS 29.214; likewise)
    600,   // Visited-Network-Identifier (TS 29.229)
    625,   // Confidentiality-Key (TS 29.229)
    626,   // Integrity-Key (TS 29.229)
    628,   // Supported-Features (TS 29.229)
    629,   // Feature-List-ID (TS 29.229)
    630,   // Feature-List (TS 29.229)
    701,   // MSISDN (TS 29.329)
    848,   // Served-Party-IP-Address (TS 32.299)
    1028,  // QoS-Class-Identifier (TS 29.212)
    1032,  // RAT-Type (TS 29.212)
    1034,  // Allocation-Retention-Priority (TS 29.212)
    1046,  // Priority-Level (TS 29.212)
    1047,  // Pre-emption-Capability (TS 29.212)
    1048,  // Pre-emption-Vulnerability (TS 29.212)
    1227,  // PDP-Address (TS 32.299)
};

struct PruneOutcome {
  int removed = 0;       // 3GPP AVP definitions removed
  int kept_below = 0;    // 3GPP AVPs below 1400 that stay: the list above, and what a kept group's rules name
  int rules_removed = 0;  // rules of other commands (the stock DCCA ones) that named a removed AVP
};

// Removes every 3GPP (10415) AVP below code 1400 that is neither in `imported` nor named by a rule of a grouped
// AVP that stays (the closure), with the rules that name them. Every other vendor's AVPs stay. Call before any
// command or rule of ours names a 3GPP AVP below 1400 (define_dictionary does), before the stack starts. Works on
// freeDiameter's dictionary (fd_g_config->cnf_dict).
Result<PruneOutcome> prune_3gpp_avps_outside_s6a(std::span<const std::uint32_t> imported);

}  // namespace simbind::diameter
