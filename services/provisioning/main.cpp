// simbind-prov: wires the configuration to the key directory client, the KME-Establishment procedure and Bp.
#include <CLI/CLI.hpp>
#include <iostream>

#include "common/diameter/stack.h"
#include "common/log/log.h"
#include "common/util/secure.h"
#include "common/util/signals.h"
#include "services/provisioning/keydir_client.h"
#include "services/provisioning/kme_establishment.h"
#include "services/provisioning/prov_bp_path.h"
#include "services/provisioning/prov_config.h"

using namespace simbind;

namespace {

int config_error(const std::string& message) {
  std::cerr << "simbind-prov: configuration error:\n" << message << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"simbind-prov: the operator's provisioning server (Bp over freeDiameter, key directory client)"};
  std::string config_path;
  bool print_config = false;
  app.add_option("-c,--config", config_path, "YAML configuration file")->required();
  app.add_flag("--print-config", print_config, "print the effective configuration and exit");
  CLI11_PARSE(app, argc, argv);

  auto config = prov::load_prov_config(config_path);
  if (!config) return config_error(config.error().message);
  if (print_config) {
    prov::print_effective(std::cout, *config);
    return 0;
  }
  auto tls = prov::read_keydir_tls(*config);
  if (!tls) return config_error(tls.error().message);
  auto kek = prov::read_kek(*config);
  if (!kek) return config_error(kek.error().message);

  log::init("simbind-prov", *log::parse_level(config->log_level));
  block_termination_signals();

  auto directory = prov::GrpcKeyDirectory::create(config->keydir, *tls);
  prov::KmeEstablishment kme_establishment(*directory, *kek);
  secure_wipe(*kek);
  log::info("key directory at {} (timeout {} ms)", config->keydir.address, config->keydir.timeout.count());

  auto stack = diameter::DiameterStack::start(config->diameter, [&]() -> Result<void> {
    auto dict = diameter::define_dictionary(config->dictionary);
    if (!dict) return std::unexpected(dict.error());
    return prov::register_bp_handlers(kme_establishment, config->dictionary.vendor_id);
  });
  if (!stack) {
    log::error("diameter: {}", stack.error().message);
    return 1;
  }
  log::info("Bp on port {} as {}", config->diameter.port, config->diameter.identity);
  log::info("simbind-prov ready");

  const int sig = wait_for_termination_signal();
  log::info("signal {}: shutting down", sig);
  kme_establishment.drain();  // answers still owed go out while the stack runs
  stack->reset();
  return 0;
}
