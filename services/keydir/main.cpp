// simbind-keydir: wires the configuration to the key store and the mTLS gRPC service.
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "common/log/log.h"
#include "common/metrics/http_server.h"
#include "common/rpc/credentials.h"
#include "common/util/signals.h"
#include "services/keydir/keydir_config.h"
#include "services/keydir/keydir_service.h"
#include "services/keydir/sqlite_device_key_store.h"

using namespace simbind;

int main(int argc, char** argv) {
  CLI::App app{"simbind-keydir: the device key directory, IMEI -> device public key (gRPC over mTLS)"};
  std::string config_path;
  bool print_config = false;
  app.add_option("-c,--config", config_path, "YAML configuration file")->required();
  app.add_flag("--print-config", print_config, "print the effective configuration and exit");
  CLI11_PARSE(app, argc, argv);

  auto config = keydir::load_keydir_config(config_path);
  if (!config) {
    std::cerr << "simbind-keydir: configuration error:\n" << config.error().message << "\n";
    return 2;
  }
  if (print_config) {
    keydir::print_effective(std::cout, *config);
    return 0;
  }
  auto tls = keydir::read_tls_files(*config);
  if (!tls) {
    std::cerr << "simbind-keydir: configuration error:\n" << tls.error().message << "\n";
    return 2;
  }
  log::init("simbind-keydir", *log::parse_level(config->log_level));
  block_termination_signals();

  // First, so that /healthz answers 503 while the rest starts.
  metrics::Registry registry("keydir");
  metrics::Health health;
  auto metrics_server = metrics::MetricsServer::start_if_configured(config->metrics, registry, health.checker());
  if (!metrics_server) {
    log::error("{}", metrics_server.error().message);
    return 1;
  }
  if (*metrics_server) log::info("metrics on {} (/metrics, /healthz)", config->metrics.listen);
  keydir::KeydirCounters counters;
  std::vector<metrics::Exposure> counter_metrics;
  for (const metrics::Family* f : counters.families()) counter_metrics.push_back(registry.expose(*f));

  auto store = keydir::SqliteDeviceKeyStore::open(config->store_path);
  if (!store) {
    log::error("store: {}", store.error().message);
    return 1;
  }

  keydir::KeyDirectoryService service(**store, counters);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config->listen, rpc::server_credentials(*tls), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    log::error("listen: cannot listen on {} (or tls.cert / tls.key are not a matching certificate and key)",
               config->listen);
    return 1;
  }
  log::info("key directory on {} (port {}), mTLS with client certificates from {}", config->listen, port,
            config->tls.ca);
  log::info("simbind-keydir ready");
  health.set_ready();

  const int sig = wait_for_termination_signal();
  log::info("signal {}: shutting down", sig);
  metrics_server->reset();
  server->Shutdown();
  return 0;
}
