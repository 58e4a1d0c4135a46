// simbind-keydir: wires the configuration to the key store and the mTLS gRPC service.
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "common/log/log.h"
#include "common/util/secure.h"
#include "common/util/signals.h"
#include "services/keydir/keydir_config.h"
#include "services/keydir/keydir_service.h"
#include "services/keydir/sqlite_device_key_store.h"

using namespace simbind;

namespace {

void wipe(std::string& text) {
  secure_wipe(MutableByteView(reinterpret_cast<std::uint8_t*>(text.data()), text.size()));
}

// mTLS only: a client must present a certificate from tls.ca, or the handshake fails.
std::shared_ptr<grpc::ServerCredentials> server_credentials(keydir::TlsFiles& files) {
  grpc::SslServerCredentialsOptions options(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = files.ca;
  options.pem_key_cert_pairs.push_back({files.key, files.cert});
  auto credentials = grpc::SslServerCredentials(options);
  wipe(files.key);
  wipe(options.pem_key_cert_pairs.front().private_key);
  return credentials;
}

}  // namespace

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

  auto store = keydir::SqliteDeviceKeyStore::open(config->store_path);
  if (!store) {
    log::error("store: {}", store.error().message);
    return 1;
  }

  keydir::KeyDirectoryService service(**store);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config->listen, server_credentials(*tls), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    log::error("listen: cannot listen on {} (or tls.cert / tls.key are not a matching certificate and key)",
               config->listen);
    return 1;
  }
  log::info("key directory on {} (port {}), mTLS with client certificates from {}", config->listen, port,
            config->tls_ca);
  log::info("simbind-keydir ready");

  const int sig = wait_for_termination_signal();
  log::info("signal {}: shutting down", sig);
  server->Shutdown();
  return 0;
}
