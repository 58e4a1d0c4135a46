// simbind-hss: wires the configuration to the store, the S6a path and the admin API.
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "common/config/key_file.h"
#include "common/diameter/peer_metrics.h"
#include "common/diameter/stack.h"
#include "common/diameter/stack_supervision.h"
#include "common/log/log.h"
#include "common/metrics/http_server.h"
#include "common/rpc/credentials.h"
#include "common/util/secure.h"
#include "common/util/signals.h"
#include "services/hss/hss_admin_service.h"
#include "services/hss/hss_config.h"
#include "services/hss/hss_binding_path.h"
#include "services/hss/hss_s6a_path.h"
#include "services/hss/sqlite_subscriber_store.h"

using namespace simbind;

int main(int argc, char** argv) {
  CLI::App app{"simbind-hss: HSS with ME binding (S6a over freeDiameter, gRPC admin)"};
  std::string config_path;
  bool print_config = false;
  app.add_option("-c,--config", config_path, "YAML configuration file")->required();
  app.add_flag("--print-config", print_config, "print the effective configuration and exit");
  CLI11_PARSE(app, argc, argv);

  auto config = hss::load_hss_config(config_path);
  if (!config) {
    std::cerr << "simbind-hss: configuration error:\n" << config.error().message << "\n";
    return 2;
  }
  if (print_config) {
    hss::print_effective(std::cout, *config);
    return 0;
  }
  std::optional<rpc::TlsFiles> admin_tls;
  if (config->admin_tls.enabled()) {
    auto files = rpc::read_tls_files(config->source_file, "admin.tls", config->admin_tls);
    if (!files) {
      std::cerr << "simbind-hss: configuration error:\n" << files.error().message << "\n";
      return 2;
    }
    admin_tls = std::move(*files);
  }
  log::init("simbind-hss", *log::parse_level(config->log_level));
  block_termination_signals();

  // First, so that /healthz answers 503 while the rest starts. Every exposure below is declared after what it
  // reads, so it is withdrawn before that goes.
  metrics::Registry registry("hss");
  metrics::Health health;
  auto metrics_server = metrics::MetricsServer::start_if_configured(config->metrics, registry, health.checker());
  if (!metrics_server) {
    log::error("{}", metrics_server.error().message);
    return 1;
  }
  if (*metrics_server) log::info("metrics on {} (/metrics, /healthz)", config->metrics.listen);
  hss::HssCounters counters;
  std::vector<metrics::Exposure> counter_metrics;
  for (const metrics::Family* f : counters.families()) counter_metrics.push_back(registry.expose(*f));

  auto key_bytes = config::read_key_file(config->master_key_file, 32);
  if (!key_bytes) {
    log::error("{}: store.master_key_file: {}", config_path, key_bytes.error().message);
    return 2;  // a configuration error, like the others: names the file and the key
  }
  crypto::MasterKey master_key{};
  std::copy(key_bytes->begin(), key_bytes->end(), master_key.begin());
  secure_wipe(*key_bytes);

  auto store = hss::SqliteSubscriberStore::open(config->store_path, master_key, config->sqn);
  secure_wipe(master_key);
  if (!store) {
    log::error("store: {}", store.error().message);
    return 1;
  }

  // The key-encryption key shared with simbind-prov (DESIGN 3.3 step 8, 3.4): 16 or 32 octets, hex, mode 0600.
  Bytes kek;
  if (config->provisioning.enabled()) {
    auto kek_bytes = config::read_key_file(config->provisioning.kek_file, 16);
    if (!kek_bytes) kek_bytes = config::read_key_file(config->provisioning.kek_file, 32);
    if (!kek_bytes) {
      log::error("{}: binding.kek_file: {} (or 32 hex digits for a 128-bit key)", config_path,
                 kek_bytes.error().message);
      return 2;
    }
    kek = std::move(*kek_bytes);
  }

  hss::S6aHandler handler(**store, *config, counters);
  hss::DiameterProvLink prov_link(*config);
  hss::DiameterMmeLink mme_link(*config);
  std::unique_ptr<hss::BindingProvisioner> provisioner;
  if (config->provisioning.enabled()) {
    provisioner = std::make_unique<hss::BindingProvisioner>(**store, *config, prov_link, mme_link, kek, counters);
  }
  auto stack = diameter::DiameterStack::start(config->diameter, [&]() -> Result<void> {
    auto dict = diameter::define_dictionary(config->dictionary);
    if (!dict) return std::unexpected(dict.error());
    if (auto bp = hss::register_bp_handlers(**store, *config, kek, counters); !bp) return bp;
    return hss::register_s6a_handlers(handler, config->dictionary.vendor_id, provisioner.get());
  });
  if (!stack) {
    log::error("diameter: {}", stack.error().message);
    return 1;
  }
  const auto peer_metrics = diameter::expose_peer_states(registry, **stack);

  hss::HssAdminService admin(**store);
  grpc::ServerBuilder builder;
  int admin_port = 0;
  builder.AddListeningPort(config->admin_listen,
                           rpc::api_credentials("simbind-hss admin API", "admin.listen", config->admin_listen,
                                                admin_tls, hss::kAdminRole),
                           &admin_port);
  builder.RegisterService(&admin);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || admin_port == 0) {
    log::error("admin.listen: cannot listen on {}", config->admin_listen);
    return 1;
  }
  log::info("admin API on {} (port {}, {})", config->admin_listen, admin_port,
            config->admin_tls.enabled() ? "mTLS, clients need OU admin" : "plaintext");
  log::info("simbind-hss ready");
  health.set_ready();
  diameter::exit_when_stack_stops(**stack, health);

  const int sig = wait_for_termination_signal();
  diameter::log_shutdown("simbind-hss", sig);
  metrics_server->reset();  // no scrape from here on reads a part being torn down
  server->Shutdown();
  stack->reset();
  return termination_exit_code();
}
