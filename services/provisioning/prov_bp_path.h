// Bp I/O of simbind-prov (DESIGN 5.3): the Diameter side of KME-Establishment. Decodes the request, hands it to
// the procedure and sends the answer when the procedure is done (from whichever thread finishes it), so no
// freeDiameter thread waits for the key directory.
#pragma once

#include <cstdint>

#include "common/util/error.h"
#include "services/provisioning/kme_establishment.h"
#include "services/provisioning/prov_counters.h"

namespace simbind::prov {

// Advertises Bp in capabilities exchange and registers the KME-Establishment handler. Call inside
// DiameterStack::start's setup, after define_dictionary.
// Every answer sent is counted in `counters`.
Result<void> register_bp_handlers(KmeEstablishment& procedure, std::uint32_t binding_vendor, ProvCounters& counters);

}  // namespace simbind::prov
