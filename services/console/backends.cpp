#include "services/console/backends.h"

#include "common/rpc/credentials.h"
#include "common/rpc/status_name.h"

namespace simbind::console {
namespace {

std::shared_ptr<grpc::Channel> channel(const Endpoint& e, std::optional<rpc::TlsFiles>& tls) {
  grpc::ChannelArguments args;
  // The event stream is long-lived: keepalive notices a daemon that went away without closing.
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 20000);
  if (!tls) return grpc::CreateCustomChannel(e.address, grpc::InsecureChannelCredentials(), args);
  if (!e.server_name.empty()) args.SetSslTargetNameOverride(e.server_name);
  return grpc::CreateCustomChannel(e.address, rpc::channel_credentials(*tls), args);
}

}  // namespace

Backends Backends::connect(const ConsoleConfig& config, ConsoleSecrets& secrets) {
  Backends b;
  b.hss = hss::v1::HssAdmin::NewStub(channel(config.hss, secrets.hss_tls));
  b.ue = ue::v1::UeControl::NewStub(channel(config.ue, secrets.ue_tls));
  b.prov = prov::v1::ProvAdmin::NewStub(channel(config.prov, secrets.prov_tls));
  std::optional<rpc::TlsFiles> keydir_tls = std::move(secrets.keydir_tls);
  b.keydir = keydir::v1::KeyDirectory::NewStub(channel(config.keydir, keydir_tls));
  return b;
}

std::unique_ptr<grpc::ClientContext> call_context(std::chrono::milliseconds timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  return context;
}

std::string describe(const grpc::Status& status) {
  return std::string(rpc::status_code_name(status.error_code())) + ": " + status.error_message();
}

}  // namespace simbind::console
