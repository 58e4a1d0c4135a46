// S6a I/O of the HSS: registers the AIR, ULR and PUR handlers with freeDiameter, decodes requests into structs,
// runs S6aHandler and sends the answers (and a CLR to the previous MME when a UE moved).
#pragma once

#include "services/hss/binding_provisioner.h"
#include "services/hss/hss_s6a_handler.h"

namespace simbind::hss {

// Call inside DiameterStack::start's setup, after define_dictionary.
// `provisioner` (may be null: no over-the-air provisioning) runs the ULRs that must wait for a KME.
Result<void> register_s6a_handlers(S6aHandler& handler, std::uint32_t binding_vendor, BindingProvisioner* provisioner);

}  // namespace simbind::hss
