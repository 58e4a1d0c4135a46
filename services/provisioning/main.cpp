// simbind-prov: wires the configuration to the key directory client, the KME-Establishment procedure and Bp.
#include <CLI/CLI.hpp>
#include <grpcpp/grpcpp.h>
#include <iostream>

#include "common/diameter/peer_metrics.h"
#include "common/diameter/stack.h"
#include "common/diameter/stack_supervision.h"
#include "common/log/log.h"
#include "common/metrics/http_server.h"
#include "common/rpc/credentials.h"
#include "common/util/secure.h"
#include "common/util/signals.h"
#include "services/provisioning/factory_kme_store.h"
#include "services/provisioning/keydir_client.h"
#include "services/provisioning/kme_establishment.h"
#include "services/provisioning/prov_admin_service.h"
#include "services/provisioning/prov_bp_path.h"
#include "services/provisioning/prov_config.h"
#include "services/provisioning/prov_counters.h"

using namespace simbind;

namespace {

int config_error(const std::string& message) {
  std::cerr << "simbind-prov: configuration error:\n" << message << "\n";
  return 2;
}

crypto::MasterKey to_master_key(Bytes& bytes) {
  crypto::MasterKey key{};
  std::copy(bytes.begin(), bytes.end(), key.begin());
  secure_wipe(bytes);
  return key;
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

  // The back office (optional): the factory KME store and the keys of the admin API.
  crypto::MasterKey master_key{}, import_key{};
  std::optional<rpc::TlsFiles> admin_tls;
  if (config->back_office() && config->admin_tls.enabled()) {
    auto files = prov::read_admin_tls(*config);
    if (!files) return config_error(files.error().message);
    admin_tls = std::move(*files);
  }
  if (config->back_office()) {
    auto m = prov::read_back_office_key(*config, "store.master_key_file", config->master_key_file);
    if (!m) return config_error(m.error().message);
    master_key = to_master_key(*m);
    auto i = prov::read_back_office_key(*config, "import_key_file", config->import_key_file);
    if (!i) return config_error(i.error().message);
    import_key = to_master_key(*i);
  }

  log::init("simbind-prov", *log::parse_level(config->log_level));
  block_termination_signals();

  // First, so that /healthz answers 503 while the rest starts. Every exposure below is declared after what it
  // reads, so it is withdrawn before that goes.
  metrics::Registry registry("prov");
  metrics::Health health;
  auto metrics_server = metrics::MetricsServer::start_if_configured(config->metrics, registry, health.checker());
  if (!metrics_server) {
    log::error("{}", metrics_server.error().message);
    return 1;
  }
  if (*metrics_server) log::info("metrics on {} (/metrics, /healthz)", config->metrics.listen);
  prov::ProvCounters counters;
  std::vector<metrics::Exposure> counter_metrics;
  for (const metrics::Family* f : counters.families()) counter_metrics.push_back(registry.expose(*f));

  auto directory = prov::GrpcKeyDirectory::create(config->keydir, *tls);
  prov::CountingKeyDirectory counted_directory(*directory, counters);
  prov::KmeEstablishment kme_establishment(counted_directory, *kek);

  std::unique_ptr<prov::FactoryKmeStore> factory_store;
  std::unique_ptr<prov::ProvAdminService> admin;
  if (config->back_office()) {
    auto opened = prov::FactoryKmeStore::open(config->store_path, master_key);
    secure_wipe(master_key);
    if (!opened) {
      log::error("store: {}", opened.error().message);
      return 1;
    }
    factory_store = std::move(*opened);
    const std::string hss = config->diameter.peers.front().identity;
    admin = std::make_unique<prov::ProvAdminService>(
        *factory_store, import_key, *kek,
        prov::counting_activation_sender(prov::diameter_activation_sender(hss, config->diameter.realm,
                                                                          config->dictionary.vendor_id,
                                                                          config->hss_timeout),
                                         counters));
    secure_wipe(import_key);
  }
  secure_wipe(*kek);
  log::info("key directory at {} (timeout {} ms)", config->keydir.address, config->keydir.timeout.count());

  auto stack = diameter::DiameterStack::start(config->diameter, [&]() -> Result<void> {
    auto dict = diameter::define_dictionary(config->dictionary);
    if (!dict) return std::unexpected(dict.error());
    return prov::register_bp_handlers(kme_establishment, config->dictionary.vendor_id, counters);
  });
  if (!stack) {
    log::error("diameter: {}", stack.error().message);
    return 1;
  }
  log::info("Bp on port {} as {}", config->diameter.port, config->diameter.identity);
  const auto peer_metrics = diameter::expose_peer_states(registry, **stack);
  std::unique_ptr<grpc::Server> admin_server;
  if (admin) {
    grpc::ServerBuilder builder;
    int admin_port = 0;
    builder.AddListeningPort(config->admin_listen,
                             rpc::api_credentials("simbind-prov admin API", "admin.listen", config->admin_listen,
                                                  admin_tls, prov::kAdminRole),
                             &admin_port);
    builder.RegisterService(admin.get());
    admin_server = builder.BuildAndStart();
    if (!admin_server || admin_port == 0) {
      log::error("admin.listen: cannot listen on {}", config->admin_listen);
      metrics_server->reset();
      kme_establishment.drain();
      stack->reset();
      return 1;
    }
    log::info("back office: factory KMEs in {}, admin API on {} (port {}, {}), activations to {}", config->store_path,
              config->admin_listen, admin_port,
              config->admin_tls.enabled() ? "mTLS, clients need OU admin" : "plaintext",
              config->diameter.peers.front().identity);
  }
  log::info("simbind-prov ready");
  health.set_ready();
  diameter::exit_when_stack_stops(**stack, health);

  const int sig = wait_for_termination_signal();
  diameter::log_shutdown("simbind-prov", sig);
  metrics_server->reset();  // no scrape from here on reads a part being torn down
  if (admin_server) admin_server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  kme_establishment.drain();  // answers still owed go out while the stack runs
  stack->reset();
  return termination_exit_code();
}
