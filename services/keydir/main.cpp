// simbind-keydir: wires the configuration to the key store and the mTLS gRPC service.
#include <grpcpp/grpcpp.h>

#include "common/daemon/daemon_runner.h"
#include "common/rpc/credentials.h"
#include "services/keydir/keydir_config.h"
#include "services/keydir/keydir_service.h"
#include "services/keydir/sqlite_device_key_store.h"

using namespace simbind;

namespace {

int run(const keydir::KeydirConfig& config, rpc::TlsFiles& tls, daemon::Runtime& runtime) {
  keydir::KeydirCounters counters;
  std::vector<metrics::Exposure> counter_metrics;
  for (const metrics::Family* f : counters.families()) counter_metrics.push_back(runtime.registry().expose(*f));

  auto store = keydir::SqliteDeviceKeyStore::open(config.store_path);
  if (!store) return runtime.fail("store: " + store.error().message);

  keydir::KeyDirectoryService service(**store, counters);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config.listen, rpc::server_credentials(tls), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    return runtime.fail("listen: cannot listen on " + config.listen +
                        " (or tls.cert / tls.key are not a matching certificate and key)");
  }
  log::info("key directory on {} (port {}), mTLS with client certificates from {}", config.listen, port,
            config.tls.ca);

  runtime.serve();
  server->Shutdown();
  return runtime.exit_code();
}

}  // namespace

int main(int argc, char** argv) {
  return daemon::run(argc, argv, daemon::Definition<keydir::KeydirConfig, rpc::TlsFiles>{
      .name = "simbind-keydir",
      .about = "simbind-keydir: the device key directory, IMEI -> device public key (gRPC over mTLS)",
      .metrics_namespace = "keydir",
      .load = keydir::load_keydir_config,
      .print = keydir::print_effective,
      .prepare = keydir::read_tls_files,
      .run = run,
  });
}
