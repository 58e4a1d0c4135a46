#include "services/provisioning/keydir_client.h"

#include "common/rpc/credentials.h"

namespace simbind::prov {
namespace {

// One lookup in flight: gRPC needs the context, request and response to live until the callback.
struct Call {
  grpc::ClientContext context;
  keydir::v1::GetDevicePublicKeyRequest request;
  keydir::v1::DeviceKey response;
  DeviceKeyDirectory::Done done;
};

Result<DeviceKey> to_device_key(const keydir::v1::DeviceKey& k) {
  const int scheme = k.scheme();
  if (scheme < 1 || scheme > 3) {
    return fail(ErrorCode::io_error, "the key directory returned key scheme " + std::to_string(scheme));
  }
  if (k.public_key().empty()) return fail(ErrorCode::io_error, "the key directory returned an empty public key");
  return DeviceKey{static_cast<crypto::KeyWrapScheme>(scheme), Bytes(k.public_key().begin(), k.public_key().end()),
                   k.fingerprint()};
}

}  // namespace

Result<DeviceKey> GrpcKeyDirectory::outcome(const grpc::Status& status, const keydir::v1::DeviceKey& response) const {
  if (status.ok()) return to_device_key(response);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) return fail(ErrorCode::not_found, status.error_message());
  return fail(ErrorCode::io_error, "key directory " + config_.address + ": " + status.error_message() +
                                       " (gRPC status " + std::to_string(status.error_code()) + ")");
}

std::unique_ptr<GrpcKeyDirectory> GrpcKeyDirectory::create(const KeydirClientConfig& config, rpc::TlsFiles& pem) {
  auto credentials = rpc::channel_credentials(pem);

  grpc::ChannelArguments args;
  // After keydir restarts, reconnect within a second rather than gRPC's default backoff of up to two minutes.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  auto channel = grpc::CreateCustomChannel(config.address, credentials, args);
  return std::unique_ptr<GrpcKeyDirectory>(new GrpcKeyDirectory(config, std::move(channel)));
}

GrpcKeyDirectory::GrpcKeyDirectory(KeydirClientConfig config, std::shared_ptr<grpc::Channel> channel)
    : config_(std::move(config)),
      channel_(std::move(channel)),
      stub_(keydir::v1::KeyDirectory::NewStub(channel_)) {}

GrpcKeyDirectory::~GrpcKeyDirectory() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return in_flight_ == 0; });
}

void GrpcKeyDirectory::finished() {
  std::lock_guard lock(mutex_);
  if (--in_flight_ == 0) idle_.notify_all();
}

void GrpcKeyDirectory::lookup(const std::string& imei, Done done) {
  auto* call = new Call;
  call->done = std::move(done);
  call->request.set_imei(imei);
  call->context.set_deadline(std::chrono::system_clock::now() + config_.timeout);
  // Wait for the channel to (re)connect within the deadline instead of failing at once while keydir restarts.
  call->context.set_wait_for_ready(true);
  {
    std::lock_guard lock(mutex_);
    ++in_flight_;
  }
  stub_->async()->GetDevicePublicKey(&call->context, &call->request, &call->response,
                                     [this, call](grpc::Status status) {
                                       std::unique_ptr<Call> owned(call);
                                       owned->done(outcome(status, owned->response));
                                       owned.reset();
                                       finished();
                                     });
}

}  // namespace simbind::prov
