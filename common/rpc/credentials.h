// gRPC credentials made from TlsFiles. Servers always require a client certificate from `ca` and verify it (there
// is no "TLS without client authentication" mode); a server may also require a role, the OU of that certificate.
// Each function wipes files.key once gRPC holds its own copy.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <string>

#include "common/rpc/tls_files.h"

namespace simbind::rpc {

// mTLS: a client must present a certificate issued by files.ca, or the handshake fails. What the caller may do is
// left to the service (it reads the certificate with peer_identity()).
std::shared_ptr<grpc::ServerCredentials> server_credentials(TlsFiles& files);

// The same, and every call must come from a certificate whose subject has OU `role`; any other caller gets
// PERMISSION_DENIED before the service sees the call (and a warning naming `api` and the caller in the log).
std::shared_ptr<grpc::ServerCredentials> server_credentials(TlsFiles& files, const std::string& role,
                                                            const std::string& api);

// For a client: trust files.ca for the server's certificate, present files.cert/key (both empty: no client
// certificate, which an mTLS server refuses).
std::shared_ptr<grpc::ChannelCredentials> channel_credentials(TlsFiles& files);

// An admin or control API (`api` names it in messages, `listen_key` is its config key, e.g. "admin.listen"):
// mTLS with `role` when `files` is set; otherwise plaintext, with a warning in the log when `listen` is not a
// loopback address, since anyone who reaches the port may then use the API.
std::shared_ptr<grpc::ServerCredentials> api_credentials(const std::string& api, const std::string& listen_key,
                                                         const std::string& listen, std::optional<TlsFiles>& files,
                                                         const std::string& role);

// True when HOST of HOST:PORT is a loopback address (127.0.0.0/8, ::1, localhost).
bool is_loopback_listen(const std::string& listen);

}  // namespace simbind::rpc
