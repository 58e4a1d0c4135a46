// Names of EMM and ESM causes (TS 24.301 Annex A, 9.9.3.9 and 9.9.4.4), so that logs, events and the CLI say
// "#3 Illegal UE" rather than a bare number.
#pragma once

#include <cstdint>
#include <string>

namespace simbind::nas {

const char* emm_cause_name(std::uint8_t cause);
const char* esm_cause_name(std::uint8_t cause);

// "#20 MAC failure", "#33 requested service option not subscribed".
std::string describe_emm_cause(std::uint8_t cause);
std::string describe_esm_cause(std::uint8_t cause);

}  // namespace simbind::nas
