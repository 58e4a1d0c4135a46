// simbind-ue: wires the configuration to the device store, the NAS transport and its UEs, and the control API.
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <future>
#include <iostream>

#include "common/config/key_file.h"
#include "common/log/log.h"
#include "common/metrics/http_server.h"
#include "common/rpc/credentials.h"
#include "common/util/secure.h"
#include "common/util/signals.h"
#include "services/ue/device_persister.h"
#include "services/ue/event_hub.h"
#include "services/ue/nas_client.h"
#include "services/ue/s1ap_enbs.h"
#include "services/ue/ue_config.h"
#include "services/ue/ue_control_service.h"
#include "services/ue/ue_fleet.h"

using namespace simbind;

int main(int argc, char** argv) {
  CLI::App app{"simbind-ue: emulated UEs (ME with KME store + software UICC) attaching over NAS/TCP to simbind-mme or over S1AP to any MME"};
  std::string config_path;
  bool print_config = false;
  app.add_option("-c,--config", config_path, "YAML configuration file")->required();
  app.add_flag("--print-config", print_config, "print the effective configuration and exit");
  CLI11_PARSE(app, argc, argv);

  auto config = ue::load_ue_config(config_path);
  if (!config) {
    std::cerr << "simbind-ue: configuration error:\n" << config.error().message << "\n";
    return 2;
  }
  if (print_config) {
    ue::print_effective(std::cout, *config);
    return 0;
  }
  std::optional<rpc::TlsFiles> control_tls;
  if (config->control_tls.enabled()) {
    auto files = rpc::read_tls_files(config->source_file, "control.tls", config->control_tls);
    if (!files) {
      std::cerr << "simbind-ue: configuration error:\n" << files.error().message << "\n";
      return 2;
    }
    control_tls = std::move(*files);
  }
  log::init("simbind-ue", *log::parse_level(config->log_level));
  block_termination_signals();

  // First, so that /healthz answers 503 while the rest starts. Every exposure below is declared after what it
  // reads, so it is withdrawn before that goes.
  metrics::Registry registry("ue");
  metrics::Health health;
  auto metrics_server = metrics::MetricsServer::start_if_configured(config->metrics, registry, health.checker());
  if (!metrics_server) {
    log::error("{}", metrics_server.error().message);
    return 1;
  }
  if (*metrics_server) log::info("metrics on {} (/metrics, /healthz)", config->metrics.listen);

  auto key_bytes = config::read_key_file(config->storage_key_file, 32);
  if (!key_bytes) {
    log::error("{}: store.storage_key_file: {}", config_path, key_bytes.error().message);
    return 2;  // a configuration error: names the file and the key
  }
  crypto::MasterKey storage_key{};
  std::copy(key_bytes->begin(), key_bytes->end(), storage_key.begin());
  secure_wipe(*key_bytes);
  auto store = ue::DeviceStore::open(config->store_directory, storage_key);
  secure_wipe(storage_key);
  if (!store) {
    log::error("store.directory: {}", store.error().message);
    return 1;
  }

  // The UEs' way to the MME: NAS over our TCP framing, or S1AP as emulated eNBs (any standard MME).
  Result<std::unique_ptr<ue::UeTransport>> client = std::unique_ptr<ue::UeTransport>();
  if (config->transport == ue::UeDaemonConfig::Transport::s1ap) {
    auto enbs = ue::S1apEnbs::create(config->s1ap);
    if (enbs) client = std::unique_ptr<ue::UeTransport>(std::move(*enbs)); else client = std::unexpected(enbs.error());
  } else {
    auto tcp = ue::NasClient::create(config->mme_address, config->mme_port, config->reconnect);
    if (tcp) client = std::unique_ptr<ue::UeTransport>(std::move(*tcp)); else client = std::unexpected(tcp.error());
  }
  if (!client) {
    log::error("mme: {}", client.error().message);
    return 1;
  }
  ue::EventHub events;
  std::optional<ue::DevicePersister> persister(std::in_place, *store);
  ue::UeFleet fleet(**client, *store, *persister, events, config->nas);
  std::vector<metrics::Exposure> fleet_metrics;
  for (const metrics::Family* f : fleet.metrics().families()) fleet_metrics.push_back(registry.expose(*f));
  auto loaded = fleet.load_all();
  if (!loaded) {
    log::error("store: {}", loaded.error().message);
    return 1;
  }
  log::info("{} UE(s) loaded from {}", *loaded, config->store_directory);

  // The control port is bound before the loop thread starts: on failure nothing runs yet that could outlive the
  // objects it uses. Calls that come in before the loop starts wait in its queue.
  ue::UeControlService control(**client, fleet, events);
  grpc::ServerBuilder builder;
  int control_port = 0;
  builder.AddListeningPort(config->control_listen,
                           rpc::api_credentials("simbind-ue control API", "control.listen", config->control_listen,
                                                control_tls, ue::kControlRole),
                           &control_port);
  builder.RegisterService(&control);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || control_port == 0) {
    log::error("control.listen: cannot listen on {}", config->control_listen);
    return 1;
  }
  (*client)->start([&fleet](nas::Frame f) { fleet.on_frame(std::move(f)); },
                   [&fleet](bool up) { fleet.on_connection(up); });
  log::info("control API on {} (port {}, {}); UEs reach the MME by {}", config->control_listen, control_port,
            config->control_tls.enabled() ? "mTLS, clients need OU admin" : "plaintext", (*client)->peer());
  log::info("simbind-ue ready");
  health.set_ready();

  const int sig = wait_for_termination_signal();
  log::info("signal {}: shutting down", sig);
  metrics_server->reset();  // no scrape from here on reads a part being torn down
  // The API first (open calls answer UNAVAILABLE, no new request reaches the loop), then the loads and the
  // pending procedures on the loop, then the loop itself, and the disk writes last.
  control.stop();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  std::promise<void> aborted;
  (*client)->post([&] {
    control.stop_loads();
    fleet.shutdown("simbind-ue is shutting down");
    aborted.set_value();
  });
  aborted.get_future().wait();
  client->reset();
  persister.reset();
  return 0;
}
