#include "common/rpc/credentials.h"

#include "common/log/log.h"
#include "common/rpc/peer_identity.h"
#include "common/util/secure.h"

namespace simbind::rpc {
namespace {

grpc::SslServerCredentialsOptions mtls_options(TlsFiles& files) {
  grpc::SslServerCredentialsOptions options(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = files.ca;
  options.pem_key_cert_pairs.push_back({files.key, files.cert});
  return options;
}

// Runs for every call on a connection whose client certificate was verified by the handshake; a call from a
// certificate without the OU never reaches the service.
class RequireRole final : public grpc::AuthMetadataProcessor {
 public:
  RequireRole(std::string role, std::string api) : role_(std::move(role)), api_(std::move(api)) {}

  bool IsBlocking() const override { return false; }  // parsing one certificate: no need for a thread of its own

  grpc::Status Process(const InputMetadata&, grpc::AuthContext* context, OutputMetadata*, OutputMetadata*) override {
    const auto pems = context->FindPropertyValues("x509_pem_cert");
    if (pems.empty()) {
      log::warn("{}: refused a call without a client certificate", api_);
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, api_ + " needs a client certificate");
    }
    auto id = peer_identity_from_pem(std::string_view(pems.front().data(), pems.front().size()));
    if (!id) {
      log::warn("{}: refused a call: {}", api_, id.error().message);
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, api_ + ": unreadable client certificate");
    }
    if (!id->has_role(role_)) {
      const std::string cn = id->common_name.empty() ? "(none)" : id->common_name;
      log::warn("{}: refused a call by CN={} (OU {}): needs OU {}", api_, cn, id->roles(), role_);
      return grpc::Status(grpc::StatusCode::PERMISSION_DENIED, api_ + " needs a client certificate with OU " + role_ +
                                                                   "; the caller (CN=" + cn + ") has " + id->roles());
    }
    return grpc::Status::OK;
  }

 private:
  std::string role_, api_;
};

}  // namespace

std::shared_ptr<grpc::ServerCredentials> server_credentials(TlsFiles& files) {
  auto options = mtls_options(files);
  auto credentials = grpc::SslServerCredentials(options);
  secure_wipe(files.key);
  secure_wipe(options.pem_key_cert_pairs.front().private_key);
  return credentials;
}

std::shared_ptr<grpc::ServerCredentials> server_credentials(TlsFiles& files, const std::string& role,
                                                            const std::string& api) {
  auto credentials = server_credentials(files);
  credentials->SetAuthMetadataProcessor(std::make_shared<RequireRole>(role, api));
  return credentials;
}

std::shared_ptr<grpc::ChannelCredentials> channel_credentials(TlsFiles& files) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = files.ca;
  options.pem_private_key = files.key;
  options.pem_cert_chain = files.cert;
  auto credentials = grpc::SslCredentials(options);
  secure_wipe(options.pem_private_key);
  secure_wipe(files.key);
  return credentials;
}

bool is_loopback_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  std::string host = colon == std::string::npos ? listen : listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

std::shared_ptr<grpc::ServerCredentials> api_credentials(const std::string& api, const std::string& listen_key,
                                                         const std::string& listen, std::optional<TlsFiles>& files,
                                                         const std::string& role) {
  if (files) return server_credentials(*files, role, api);
  if (!is_loopback_listen(listen)) {
    log::warn("{}: {} is not a loopback address and the API is plaintext without client authentication: anyone "
              "who reaches the port may use it (configure tls: {{cert, key, ca}} beside listen)",
              listen_key, listen);
  }
  return grpc::InsecureServerCredentials();
}

}  // namespace simbind::rpc
