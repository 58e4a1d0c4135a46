// `simbind factory make`: the device factory of DESIGN 3.4. Makes devices (IMEI with its Luhn digit, IMEISV, a
// device key pair), writes them as a UE profile file that simbind-ue loads, optionally registers their public
// keys in simbind-keydir, and for scenario 1 gives each a factory KME and exports the IMEI -> KME database,
// sealed under a transfer key, for the trusted third party and the operator's back office (simbind-prov).
#pragma once

#include <CLI/CLI.hpp>

namespace simbind::cli {

void add_factory_commands(CLI::App& parent);

}  // namespace simbind::cli
