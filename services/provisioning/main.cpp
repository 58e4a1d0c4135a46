// simbind-prov: wires the configuration to the key directory client, the KME-Establishment procedure and Bp.
#include <grpcpp/grpcpp.h>

#include "common/daemon/daemon_runner.h"
#include "common/diameter/peer_metrics.h"
#include "common/diameter/stack.h"
#include "common/diameter/stack_supervision.h"
#include "common/rpc/credentials.h"
#include "common/util/secure.h"
#include "services/provisioning/factory_kme_store.h"
#include "services/provisioning/keydir_client.h"
#include "services/provisioning/kme_establishment.h"
#include "services/provisioning/prov_admin_service.h"
#include "services/provisioning/prov_bp_path.h"
#include "services/provisioning/prov_config.h"
#include "services/provisioning/prov_counters.h"

using namespace simbind;

namespace {

// What the configuration names and must be readable before anything starts; an error is a configuration error.
struct Secrets {
  rpc::TlsFiles keydir_tls;
  Bytes kek;
  // The back office (optional): the keys of the factory KME store and of the import, and the admin API's TLS.
  crypto::MasterKey master_key{};
  crypto::MasterKey import_key{};
  std::optional<rpc::TlsFiles> admin_tls;

  Secrets() = default;
  Secrets(Secrets&&) = default;
  ~Secrets() {
    secure_wipe(kek);
    secure_wipe(master_key);
    secure_wipe(import_key);
  }
};

Result<Secrets> read_secrets(const prov::ProvConfig& config) {
  Secrets s;
  auto tls = prov::read_keydir_tls(config);
  if (!tls) return std::unexpected(tls.error());
  s.keydir_tls = std::move(*tls);
  auto kek = prov::read_kek(config);
  if (!kek) return std::unexpected(kek.error());
  s.kek = std::move(*kek);
  if (!config.back_office()) return s;
  auto admin_tls = rpc::read_optional_tls_files(config.source_file, "admin.tls", config.admin_tls);
  if (!admin_tls) return std::unexpected(admin_tls.error());
  s.admin_tls = std::move(*admin_tls);
  auto m = prov::read_back_office_key(config, "store.master_key_file", config.master_key_file);
  if (!m) return std::unexpected(m.error());
  s.master_key = *m;
  secure_wipe(*m);
  auto i = prov::read_back_office_key(config, "import_key_file", config.import_key_file);
  if (!i) return std::unexpected(i.error());
  s.import_key = *i;
  secure_wipe(*i);
  return s;
}

int run(const prov::ProvConfig& config, Secrets& secrets, daemon::Runtime& runtime) {
  // Every exposure below is declared after what it reads, so it is withdrawn before that goes.
  prov::ProvCounters counters;
  std::vector<metrics::Exposure> counter_metrics;
  for (const metrics::Family* f : counters.families()) counter_metrics.push_back(runtime.registry().expose(*f));

  auto directory = prov::GrpcKeyDirectory::create(config.keydir, secrets.keydir_tls);
  prov::CountingKeyDirectory counted_directory(*directory, counters);
  prov::KmeEstablishment kme_establishment(counted_directory, secrets.kek);

  std::unique_ptr<prov::FactoryKmeStore> factory_store;
  std::unique_ptr<prov::ProvAdminService> admin;
  if (config.back_office()) {
    auto opened = prov::FactoryKmeStore::open(config.store_path, secrets.master_key);
    secure_wipe(secrets.master_key);
    if (!opened) return runtime.fail("store: " + opened.error().message);
    factory_store = std::move(*opened);
    const std::string hss = config.diameter.peers.front().identity;
    admin = std::make_unique<prov::ProvAdminService>(
        *factory_store, secrets.import_key, secrets.kek,
        prov::counting_activation_sender(prov::diameter_activation_sender(hss, config.diameter.realm,
                                                                          config.dictionary.vendor_id,
                                                                          config.hss_timeout),
                                         counters));
    secure_wipe(secrets.import_key);
  }
  secure_wipe(secrets.kek);
  log::info("key directory at {} (timeout {} ms)", config.keydir.address, config.keydir.timeout.count());

  auto stack = diameter::DiameterStack::start(config.diameter, [&]() -> Result<void> {
    auto dict = diameter::define_dictionary(config.dictionary);
    if (!dict) return std::unexpected(dict.error());
    return prov::register_bp_handlers(kme_establishment, config.dictionary.vendor_id, counters);
  });
  if (!stack) return runtime.fail("diameter: " + stack.error().message);
  log::info("Bp on port {} as {}", config.diameter.port, config.diameter.identity);
  const auto peer_metrics = diameter::expose_peer_states(runtime.registry(), **stack);
  std::unique_ptr<grpc::Server> admin_server;
  if (admin) {
    grpc::ServerBuilder builder;
    int admin_port = 0;
    builder.AddListeningPort(config.admin_listen,
                             rpc::api_credentials("simbind-prov admin API", "admin.listen", config.admin_listen,
                                                  secrets.admin_tls, prov::kAdminRole),
                             &admin_port);
    builder.RegisterService(admin.get());
    admin_server = builder.BuildAndStart();
    if (!admin_server || admin_port == 0) {
      const int status = runtime.fail("admin.listen: cannot listen on " + config.admin_listen);
      kme_establishment.drain();  // answers still owed go out while the stack runs
      stack->reset();
      return status;
    }
    log::info("back office: factory KMEs in {}, admin API on {} (port {}, {}), activations to {}", config.store_path,
              config.admin_listen, admin_port,
              config.admin_tls.enabled() ? "mTLS, clients need OU admin" : "plaintext",
              config.diameter.peers.front().identity);
  }

  runtime.serve([&] { diameter::exit_when_stack_stops(**stack, runtime.health()); });
  if (admin_server) admin_server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  kme_establishment.drain();  // answers still owed go out while the stack runs
  stack->reset();
  return runtime.exit_code();
}

}  // namespace

int main(int argc, char** argv) {
  return daemon::run(argc, argv, daemon::Definition<prov::ProvConfig, Secrets>{
      .name = "simbind-prov",
      .about = "simbind-prov: the operator's provisioning server (Bp over freeDiameter, key directory client)",
      .metrics_namespace = "prov",
      .load = prov::load_prov_config,
      .print = prov::print_effective,
      .prepare = read_secrets,
      .run = run,
  });
}
