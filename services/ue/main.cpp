// simbind-ue: wires the configuration to the device store, the NAS transport and its UEs, and the control API.
#include <grpcpp/grpcpp.h>

#include <future>

#include "common/config/key_file.h"
#include "common/daemon/daemon_runner.h"
#include "common/rpc/credentials.h"
#include "common/util/secure.h"
#include "services/ue/device_persister.h"
#include "services/ue/event_hub.h"
#include "services/ue/nas_client.h"
#include "services/ue/s1ap_enbs.h"
#include "services/ue/ue_config.h"
#include "services/ue/ue_control_service.h"
#include "services/ue/ue_fleet.h"

using namespace simbind;

namespace {

int run(const ue::UeDaemonConfig& config, std::optional<rpc::TlsFiles>& control_tls, daemon::Runtime& runtime) {
  // Every exposure below is declared after what it reads, so it is withdrawn before that goes.
  auto storage_key = config::read_256_bit_key_file(config.storage_key_file);
  if (!storage_key) {
    // A configuration error: names the file and the key.
    return runtime.configuration_error(runtime.config_path() + ": store.storage_key_file: " +
                                       storage_key.error().message);
  }
  auto store = ue::DeviceStore::open(config.store_directory, *storage_key);
  secure_wipe(*storage_key);
  if (!store) return runtime.fail("store.directory: " + store.error().message);

  // The UEs' way to the MME: NAS over our TCP framing, or S1AP as emulated eNBs (any standard MME).
  Result<std::unique_ptr<ue::UeTransport>> client = std::unique_ptr<ue::UeTransport>();
  if (config.transport == ue::UeDaemonConfig::Transport::s1ap) {
    auto enbs = ue::S1apEnbs::create(config.s1ap);
    if (enbs) client = std::unique_ptr<ue::UeTransport>(std::move(*enbs)); else client = std::unexpected(enbs.error());
  } else {
    auto tcp = ue::NasClient::create(config.mme_address, config.mme_port, config.reconnect);
    if (tcp) client = std::unique_ptr<ue::UeTransport>(std::move(*tcp)); else client = std::unexpected(tcp.error());
  }
  if (!client) return runtime.fail("mme: " + client.error().message);
  ue::EventHub events;
  std::optional<ue::DevicePersister> persister(std::in_place, *store);
  ue::UeFleet fleet(**client, *store, *persister, events, config.nas);
  std::vector<metrics::Exposure> fleet_metrics;
  for (const metrics::Family* f : fleet.metrics().families()) fleet_metrics.push_back(runtime.registry().expose(*f));
  auto loaded = fleet.load_all();
  if (!loaded) return runtime.fail("store: " + loaded.error().message);
  log::info("{} UE(s) loaded from {}", *loaded, config.store_directory);

  // The control port is bound before the loop thread starts: on failure nothing runs yet that could outlive the
  // objects it uses. Calls that come in before the loop starts wait in its queue.
  ue::UeControlService control(**client, fleet, events);
  grpc::ServerBuilder builder;
  int control_port = 0;
  builder.AddListeningPort(config.control_listen,
                           rpc::api_credentials("simbind-ue control API", "control.listen", config.control_listen,
                                                control_tls, ue::kControlRole),
                           &control_port);
  builder.RegisterService(&control);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || control_port == 0) return runtime.fail("control.listen: cannot listen on " + config.control_listen);
  (*client)->start([&fleet](nas::Frame f) { fleet.on_frame(std::move(f)); },
                   [&fleet](bool up) { fleet.on_connection(up); });
  log::info("control API on {} (port {}, {}); UEs reach the MME by {}", config.control_listen, control_port,
            config.control_tls.enabled() ? "mTLS, clients need OU admin" : "plaintext", (*client)->peer());

  runtime.serve();
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
  return runtime.exit_code();
}

Result<std::optional<rpc::TlsFiles>> read_control_tls(const ue::UeDaemonConfig& config) {
  return rpc::read_optional_tls_files(config.source_file, "control.tls", config.control_tls);
}

}  // namespace

int main(int argc, char** argv) {
  return daemon::run(argc, argv, daemon::Definition<ue::UeDaemonConfig, std::optional<rpc::TlsFiles>>{
      .name = "simbind-ue",
      .about = "simbind-ue: emulated UEs (ME with KME store + software UICC) attaching over NAS/TCP to simbind-mme "
               "or over S1AP to any MME",
      .metrics_namespace = "ue",
      .load = ue::load_ue_config,
      .print = ue::print_effective,
      .prepare = read_control_tls,
      .run = run,
  });
}
