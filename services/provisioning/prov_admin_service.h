// simbind-prov's back office API (proto/prov_admin.proto, DESIGN 3.4): import a factory KME export, activate
// (IMSI, IMEI) by sending the factory KME to the HSS in a Bp Binding-Activation.
#pragma once

#include <functional>

#include "common/diameter/bp_messages.h"
#include "prov_admin.grpc.pb.h"
#include "services/provisioning/factory_kme_store.h"

namespace simbind::prov {

// Sends one Binding-Activation to the HSS and waits for its answer (never called on a freeDiameter thread).
// Error (io_error) when no answer came in time or the answer could not be read.
using ActivationSender = std::function<Result<diameter::BindingActivationAnswer>(const diameter::BindingActivationRequest&)>;

// The Diameter sender: Destination-Host the HSS, Destination-Realm `realm`; the answer must come from the HSS.
ActivationSender diameter_activation_sender(std::string hss_identity, std::string realm, std::uint32_t binding_vendor,
                                            std::chrono::milliseconds timeout);

class ProvAdminService final : public v1::ProvAdmin::Service {
 public:
  // `import_key` opens factory exports; `kek` wraps KME for the HSS (RFC 5649). Both are copied and wiped later.
  ProvAdminService(FactoryKmeStore& store, const crypto::MasterKey& import_key, ByteView kek, ActivationSender send);
  ~ProvAdminService() override;

  grpc::Status ImportFactoryKmes(grpc::ServerContext* context, const v1::ImportRequest* request,
                                 v1::ImportResponse* response) override;
  grpc::Status Activate(grpc::ServerContext* context, const v1::ActivateRequest* request,
                        v1::ActivateResponse* response) override;

 private:
  FactoryKmeStore& store_;
  crypto::MasterKey import_key_;
  Bytes kek_;
  ActivationSender send_;
};

}  // namespace simbind::prov
