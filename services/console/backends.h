// The console's clients of the other daemons: the same gRPC APIs the CLI uses (HSS admin, UE control, prov back
// office, keydir as the device factory), one channel each for the console's lifetime.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "hss_admin.grpc.pb.h"
#include "keydir.grpc.pb.h"
#include "prov_admin.grpc.pb.h"
#include "services/console/console_config.h"
#include "ue_control.grpc.pb.h"

namespace simbind::console {

struct Backends {
  std::unique_ptr<hss::v1::HssAdmin::Stub> hss;
  std::unique_ptr<ue::v1::UeControl::Stub> ue;
  std::unique_ptr<prov::v1::ProvAdmin::Stub> prov;
  std::unique_ptr<keydir::v1::KeyDirectory::Stub> keydir;

  // Wipes the private keys in `secrets` once gRPC holds its copies.
  static Backends connect(const ConsoleConfig& config, ConsoleSecrets& secrets);
};

// A client context whose call ends after `timeout`.
std::unique_ptr<grpc::ClientContext> call_context(std::chrono::milliseconds timeout);

// "UNAVAILABLE: <message>": what a failed call says on the page.
std::string describe(const grpc::Status& status);

}  // namespace simbind::console
