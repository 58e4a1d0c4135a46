// simbind-hss: wires the configuration to the store, the S6a path and the admin API.
#include <grpcpp/grpcpp.h>

#include "common/config/key_file.h"
#include "common/daemon/daemon_runner.h"
#include "common/diameter/peer_metrics.h"
#include "common/diameter/stack.h"
#include "common/diameter/stack_supervision.h"
#include "common/rpc/credentials.h"
#include "common/util/secure.h"
#include "services/hss/hss_admin_service.h"
#include "services/hss/hss_binding_path.h"
#include "services/hss/hss_config.h"
#include "services/hss/hss_s6a_path.h"
#include "services/hss/sqlite_subscriber_store.h"
#include "services/hss/store_metrics.h"

using namespace simbind;

namespace {

// The admin API's TLS files, when admin.tls is set: read before anything starts.
Result<std::optional<rpc::TlsFiles>> read_admin_tls(const hss::HssConfig& config) {
  return rpc::read_optional_tls_files(config.source_file, "admin.tls", config.admin_tls);
}

int run(const hss::HssConfig& config, std::optional<rpc::TlsFiles>& admin_tls, daemon::Runtime& runtime) {
  // Every exposure below is declared after what it reads, so it is withdrawn before that goes.
  hss::HssCounters counters;
  std::vector<metrics::Exposure> counter_metrics;
  for (const metrics::Family* f : counters.families()) counter_metrics.push_back(runtime.registry().expose(*f));

  auto master_key = config::read_256_bit_key_file(config.master_key_file);
  if (!master_key) {
    // A configuration error, like the others: names the file and the key.
    return runtime.configuration_error(runtime.config_path() + ": store.master_key_file: " +
                                       master_key.error().message);
  }

  auto store = hss::SqliteSubscriberStore::open(config.store_path, *master_key, config.sqn, config.store_preload);
  secure_wipe(*master_key);
  if (!store) return runtime.fail("store: " + store.error().message);
  const auto store_metrics = hss::expose_store_metrics(runtime.registry(), **store);

  // The key-encryption key shared with simbind-prov (DESIGN 3.3 step 8, 3.4): 16 or 32 octets, hex, mode 0600.
  Bytes kek;
  if (config.provisioning.enabled()) {
    auto kek_bytes = config::read_key_file(config.provisioning.kek_file, 16);
    if (!kek_bytes) kek_bytes = config::read_key_file(config.provisioning.kek_file, 32);
    if (!kek_bytes) {
      return runtime.configuration_error(runtime.config_path() + ": binding.kek_file: " + kek_bytes.error().message +
                                         " (or 32 hex digits for a 128-bit key)");
    }
    kek = std::move(*kek_bytes);
  }

  hss::S6aHandler handler(**store, config, counters);
  hss::DiameterProvLink prov_link(config);
  hss::DiameterMmeLink mme_link(config);
  std::unique_ptr<hss::BindingProvisioner> provisioner;
  if (config.provisioning.enabled()) {
    provisioner = std::make_unique<hss::BindingProvisioner>(**store, config, prov_link, mme_link, kek, counters);
  }
  auto stack = diameter::DiameterStack::start(config.diameter, [&]() -> Result<void> {
    auto dict = diameter::define_dictionary(config.dictionary);
    if (!dict) return std::unexpected(dict.error());
    if (auto bp = hss::register_bp_handlers(**store, config, kek, counters); !bp) return bp;
    return hss::register_s6a_handlers(handler, config.dictionary.vendor_id, provisioner.get());
  });
  if (!stack) return runtime.fail("diameter: " + stack.error().message);
  const auto peer_metrics = diameter::expose_peer_states(runtime.registry(), **stack);

  hss::HssAdminService admin(**store);
  grpc::ServerBuilder builder;
  int admin_port = 0;
  builder.AddListeningPort(config.admin_listen,
                           rpc::api_credentials("simbind-hss admin API", "admin.listen", config.admin_listen,
                                                admin_tls, hss::kAdminRole),
                           &admin_port);
  builder.RegisterService(&admin);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || admin_port == 0) return runtime.fail("admin.listen: cannot listen on " + config.admin_listen);
  log::info("admin API on {} (port {}, {})", config.admin_listen, admin_port,
            config.admin_tls.enabled() ? "mTLS, clients need OU admin" : "plaintext");

  runtime.serve([&] { diameter::exit_when_stack_stops(**stack, runtime.health()); });
  server->Shutdown();
  stack->reset();
  return runtime.exit_code();
}

}  // namespace

int main(int argc, char** argv) {
  return daemon::run(argc, argv, daemon::Definition<hss::HssConfig, std::optional<rpc::TlsFiles>>{
      .name = "simbind-hss",
      .about = "simbind-hss: HSS with ME binding (S6a over freeDiameter, gRPC admin)",
      .metrics_namespace = "hss",
      .load = hss::load_hss_config,
      .print = hss::print_effective,
      .prepare = read_admin_tls,
      .run = run,
  });
}
