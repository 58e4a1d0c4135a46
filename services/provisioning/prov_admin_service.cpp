#include "services/provisioning/prov_admin_service.h"

#include "common/crypto/key_wrap.h"
#include "common/diameter/avp_codes.h"
#include "common/diameter/bp_codec.h"
#include "common/diameter/exchange.h"
#include "common/log/log.h"
#include "common/util/secure.h"

namespace simbind::prov {
namespace {

std::string peer_of(const grpc::ServerContext* context) { return context ? context->peer() : "?"; }

std::string result_text(std::uint32_t code) {
  switch (code) {
    case 2001: return "binding established in the HSS";
    case diameter::bp_result::device_unknown: return "the HSS does not know the subscriber";
    case diameter::result::unable_to_comply: return "the HSS refused (unable to comply: see its log)";
    case diameter::result::invalid_avp_value: return "the HSS refused a value (invalid AVP value)";
    default: return "the HSS answered Result-Code " + std::to_string(code);
  }
}

}  // namespace

ActivationSender diameter_activation_sender(std::string hss_identity, std::string realm, std::uint32_t binding_vendor,
                                            std::chrono::milliseconds timeout) {
  return [hss_identity = std::move(hss_identity), realm = std::move(realm), binding_vendor,
          timeout](const diameter::BindingActivationRequest& r) -> Result<diameter::BindingActivationAnswer> {
    // The answer must come from the HSS asked (diameter::exchange checks its Origin-Host).
    auto answer = diameter::exchange_and_wait<diameter::BindingActivationAnswer>(
        diameter::encode_binding_activation(r, realm, hss_identity, binding_vendor), timeout, hss_identity,
        "Binding-Activation answer",
        [](const diameter::Message& m) { return diameter::decode_binding_activation_answer(m); });
    if (!answer) return fail(ErrorCode::io_error, answer.error().message);
    return std::move(*answer);
  };
}

ProvAdminService::ProvAdminService(FactoryKmeStore& store, const crypto::MasterKey& import_key, ByteView kek,
                                   ActivationSender send)
    : store_(store), import_key_(import_key), kek_(kek.begin(), kek.end()), send_(std::move(send)) {}

ProvAdminService::~ProvAdminService() {
  secure_wipe(import_key_);
  secure_wipe(kek_);
}

grpc::Status ProvAdminService::ImportFactoryKmes(grpc::ServerContext* context, const v1::ImportRequest* request,
                                                 v1::ImportResponse* response) {
  const auto& raw = request->sealed_export();
  auto entries = open_factory_export(import_key_, ByteView(reinterpret_cast<const std::uint8_t*>(raw.data()), raw.size()));
  if (!entries) {
    log::warn("factory KME import by {}: refused, nothing imported: {}", peer_of(context), entries.error().message);
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, entries.error().message + "; nothing was imported");
  }
  auto counts = store_.import(*entries);
  const std::size_t total = entries->size();
  wipe(*entries);
  if (!counts) {
    log::error("factory KME import by {}: store failed, nothing imported: {}", peer_of(context), counts.error().message);
    return grpc::Status(grpc::StatusCode::INTERNAL, "store: " + counts.error().message);
  }
  log::info("factory KME import by {}: {} entries, {} imported, {} already known", peer_of(context), total,
            counts->imported, counts->already_known);
  response->set_imported(counts->imported);
  response->set_already_known(counts->already_known);
  return grpc::Status::OK;
}

grpc::Status ProvAdminService::Activate(grpc::ServerContext* context, const v1::ActivateRequest* request,
                                        v1::ActivateResponse* response) {
  auto imsi = Imsi::create(request->imsi());
  if (!imsi) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "imsi: " + imsi.error().message);
  auto imei = Imei::create(request->imei());
  if (!imei) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "imei: " + imei.error().message);

  auto found = store_.find(*imei);
  if (!found) {
    log::error("activation IMSI {} IMEI {} by {}: store: {}", imsi->str(), imei->str(), peer_of(context),
               found.error().message);
    return grpc::Status(grpc::StatusCode::INTERNAL, "store: " + found.error().message);
  }
  if (!*found) {
    log::info("activation IMSI {} IMEI {} by {}: refused, no factory KME for the IMEI", imsi->str(), imei->str(),
              peer_of(context));
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "no factory KME for IMEI " + imei->str() + " (import the factory's export first)");
  }
  FactoryKme& f = **found;
  auto wrapped = crypto::aes_key_wrap_pad(kek_, f.kme);
  secure_wipe(f.kme);
  if (!wrapped) {
    log::error("activation IMSI {} IMEI {}: cannot wrap the KME for the HSS: {}", imsi->str(), imei->str(),
               wrapped.error().message);
    return grpc::Status(grpc::StatusCode::INTERNAL, "cannot wrap the KME for the HSS");
  }
  diameter::BindingActivationRequest bar{imsi->str(), imei->str(), std::move(*wrapped), f.kme_id};
  auto answer = send_(bar);
  if (!answer) {
    log::warn("activation IMSI {} IMEI {} KME-Id {} by {}: {}", imsi->str(), imei->str(), f.kme_id, peer_of(context),
              answer.error().message);
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, answer.error().message);
  }
  const std::uint32_t code = answer->result.code;
  log::info("activation IMSI {} IMEI {} KME-Id {} by {}: HSS answered {} ({})", imsi->str(), imei->str(), f.kme_id,
            peer_of(context), code, result_text(code));
  response->set_result_code(code);
  response->set_message(result_text(code));
  response->set_kme_id(f.kme_id);
  response->set_imei(imei->str());
  return grpc::Status::OK;
}

}  // namespace simbind::prov
