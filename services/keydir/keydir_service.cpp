#include "services/keydir/keydir_service.h"

#include <chrono>

#include "common/log/log.h"
#include "common/rpc/peer_identity.h"
#include "common/rpc/status_name.h"

namespace simbind::keydir {
namespace {

using grpc::Status;
using rpc::PeerIdentity;
using rpc::peer_identity;
using grpc::StatusCode;

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Request text as it may appear in a log line: printable ASCII only, at most 32 characters.
std::string loggable(std::string_view text) {
  std::string out;
  for (const char ch : text.substr(0, 32)) out += (ch >= 0x20 && ch < 0x7f) ? ch : '?';
  if (text.size() > 32) out += "...";
  return out.empty() ? "(empty)" : out;
}

std::string caller(const PeerIdentity& id) {
  return id.roles() + " CN=" + (id.common_name.empty() ? "(none)" : id.common_name);
}

void to_proto(const DeviceKey& key, v1::DeviceKey* out) {
  out->set_imei(key.imei.str());
  out->set_scheme(static_cast<v1::KeyScheme>(key.scheme));
  out->set_public_key(std::string(key.public_key.begin(), key.public_key.end()));
  out->set_fingerprint(key.fingerprint);
  out->set_registered_unix_ms(key.registered_unix_ms);
}

// The caller when it has `role`; otherwise the status to answer with (the call is logged here).
std::expected<PeerIdentity, Status> authorize(const grpc::ServerContext& context, const char* rpc,
                                              const std::string& imei, const char* role) {
  auto id = peer_identity(context);
  if (!id) {
    log::warn("{} IMEI {} from {}: refused: {}", rpc, loggable(imei), context.peer(), id.error().message);
    return std::unexpected(Status(StatusCode::UNAUTHENTICATED, id.error().message));
  }
  if (!id->has_role(role)) {
    log::info("{} IMEI {} by {} : denied (needs role {})", rpc, loggable(imei), caller(*id), role);
    return std::unexpected(Status(StatusCode::PERMISSION_DENIED,
                                  std::string(rpc) + " needs role " + role + "; the caller (CN=" +
                                      id->common_name + ") has role " + id->roles()));
  }
  return std::move(*id);
}

}  // namespace

Status KeyDirectoryService::register_device(grpc::ServerContext* context, const v1::RegisterDeviceRequest* request,
                                            v1::DeviceKey* response) {
  constexpr const char* rpc = "RegisterDevice";
  auto id = authorize(*context, rpc, request->imei(), kManufacturerRole);
  if (!id) return id.error();

  const std::string& pk = request->public_key();
  auto key = make_device_key(request->imei(), static_cast<std::uint32_t>(request->scheme()),
                             ByteView(reinterpret_cast<const std::uint8_t*>(pk.data()), pk.size()), now_ms());
  if (!key) {
    log::info("{} IMEI {} by {} : invalid ({})", rpc, loggable(request->imei()), caller(*id), key.error().message);
    return Status(StatusCode::INVALID_ARGUMENT, key.error().message);
  }
  auto result = store_.register_device(*key);
  if (!result) {
    log::error("{} IMEI {} by {} : store error: {}", rpc, key->imei.str(), caller(*id), result.error().message);
    return Status(StatusCode::INTERNAL, "the key store failed; see the keydir log");
  }
  const DeviceKey& stored = result->stored;
  switch (result->outcome) {
    case RegisterOutcome::created:
      log::info("{} IMEI {} by {} : registered {} key, fingerprint {}", rpc, stored.imei.str(), caller(*id),
                crypto::to_string(stored.scheme), stored.fingerprint);
      break;
    case RegisterOutcome::already_registered:
      log::info("{} IMEI {} by {} : already registered with this key, fingerprint {}", rpc, stored.imei.str(),
                caller(*id), stored.fingerprint);
      break;
    case RegisterOutcome::conflict:
      log::warn("{} IMEI {} by {} : refused: another key is registered (fingerprint {}, offered {})", rpc,
                stored.imei.str(), caller(*id), stored.fingerprint, key->fingerprint);
      return Status(StatusCode::ALREADY_EXISTS, "IMEI " + stored.imei.str() + " already has another " +
                                                    crypto::to_string(stored.scheme) + " key (fingerprint " +
                                                    stored.fingerprint + "); a registered key is never replaced");
  }
  to_proto(stored, response);
  return Status::OK;
}

// A factory's batch: every entry checked first, then one transaction; all are stored or none. An IMEI already
// registered with the same key counts as done (as for RegisterDevice); another key for one refuses the batch.
Status KeyDirectoryService::register_devices(grpc::ServerContext* context, const v1::RegisterDevicesRequest* request,
                                             v1::RegisteredDevices* response) {
  constexpr const char* rpc = "RegisterDevices";
  const int n = request->devices_size();
  auto id = authorize(*context, rpc, n > 0 ? request->devices(0).imei() : std::string(), kManufacturerRole);
  if (!id) return id.error();
  if (n < 1 || n > kMaxBatch) {
    log::info("{} by {} : refused, {} devices (1..{})", rpc, caller(*id), n, kMaxBatch);
    return Status(StatusCode::INVALID_ARGUMENT,
                  "devices: " + std::to_string(n) + " in one call; 1.." + std::to_string(kMaxBatch) + " are accepted");
  }
  std::vector<DeviceKey> keys;
  keys.reserve(static_cast<std::size_t>(n));
  const std::int64_t now = now_ms();
  for (int i = 0; i < n; ++i) {
    const auto& d = request->devices(i);
    const std::string& pk = d.public_key();
    auto key = make_device_key(d.imei(), static_cast<std::uint32_t>(d.scheme()),
                               ByteView(reinterpret_cast<const std::uint8_t*>(pk.data()), pk.size()), now);
    if (!key) {
      log::info("{} by {} : devices[{}] IMEI {} invalid ({}); nothing stored", rpc, caller(*id), i, loggable(d.imei()),
                key.error().message);
      return Status(StatusCode::INVALID_ARGUMENT, "devices[" + std::to_string(i) + "] (IMEI " + loggable(d.imei()) +
                                                      "): " + key.error().message + "; nothing of the batch was stored");
    }
    keys.push_back(std::move(*key));
  }
  auto results = store_.register_devices(keys);
  if (!results) {
    log::error("{} by {} : store error: {}", rpc, caller(*id), results.error().message);
    return Status(StatusCode::INTERNAL, "the key store failed; see the keydir log");
  }
  std::uint32_t created = 0, again = 0;
  for (std::size_t i = 0; i < results->size(); ++i) {
    const RegisterResult& r = (*results)[i];
    if (r.outcome == RegisterOutcome::conflict) {
      log::warn("{} by {} : refused, IMEI {} already has another key (fingerprint {}); nothing of {} stored", rpc,
                caller(*id), r.stored.imei.str(), r.stored.fingerprint, n);
      return Status(StatusCode::ALREADY_EXISTS, "IMEI " + r.stored.imei.str() + " already has another " +
                                                    crypto::to_string(r.stored.scheme) + " key (fingerprint " +
                                                    r.stored.fingerprint + "); nothing of the batch was stored");
    }
    (r.outcome == RegisterOutcome::created ? created : again) += 1;
    to_proto(r.stored, response->add_devices());
  }
  response->set_created(created);
  response->set_already_registered(again);
  log::info("{} by {} : {} registered, {} already registered with the same key", rpc, caller(*id), created, again);
  return Status::OK;
}

Status KeyDirectoryService::get_device_public_key(grpc::ServerContext* context,
                                                  const v1::GetDevicePublicKeyRequest* request,
                                                  v1::DeviceKey* response) {
  constexpr const char* rpc = "GetDevicePublicKey";
  auto id = authorize(*context, rpc, request->imei(), kOperatorRole);
  if (!id) return id.error();

  auto imei = Imei::create(request->imei());
  if (!imei) {
    log::info("{} IMEI {} by {} : invalid IMEI", rpc, loggable(request->imei()), caller(*id));
    return Status(StatusCode::INVALID_ARGUMENT, "imei: " + imei.error().message);
  }
  auto key = store_.get(*imei);
  if (!key) {
    if (key.error().code == ErrorCode::not_found) {
      log::info("{} IMEI {} by {} : not found", rpc, imei->str(), caller(*id));
      return Status(StatusCode::NOT_FOUND, key.error().message);
    }
    log::error("{} IMEI {} by {} : store error: {}", rpc, imei->str(), caller(*id), key.error().message);
    return Status(StatusCode::INTERNAL, "the key store failed; see the keydir log");
  }
  log::info("{} IMEI {} by {} : found, {} key, fingerprint {}", rpc, imei->str(), caller(*id),
            crypto::to_string(key->scheme), key->fingerprint);
  to_proto(*key, response);
  return Status::OK;
}

Status KeyDirectoryService::RegisterDevice(grpc::ServerContext* context, const v1::RegisterDeviceRequest* request,
                                           v1::DeviceKey* response) {
  Status status = register_device(context, request, response);
  counters_.registrations.inc({rpc::status_code_name(status.error_code())});
  return status;
}

Status KeyDirectoryService::RegisterDevices(grpc::ServerContext* context, const v1::RegisterDevicesRequest* request,
                                            v1::RegisteredDevices* response) {
  Status status = register_devices(context, request, response);
  counters_.registrations.inc({rpc::status_code_name(status.error_code())});
  return status;
}

Status KeyDirectoryService::GetDevicePublicKey(grpc::ServerContext* context,
                                               const v1::GetDevicePublicKeyRequest* request, v1::DeviceKey* response) {
  Status status = get_device_public_key(context, request, response);
  if (status.ok()) {
    counters_.lookups_ok.inc();
  } else {
    counters_.lookups.inc({rpc::status_code_name(status.error_code())});
  }
  return status;
}

}  // namespace simbind::keydir
