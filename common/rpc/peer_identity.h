// Who is calling a gRPC server over mTLS: the subject of the client certificate that the TLS handshake verified.
// The CN names the caller (for logs), the OU carries its role ("manufacturer", "operator", "admin"); what a role
// may do is the service's business.
#pragma once

#include <grpcpp/grpcpp.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/util/error.h"

namespace simbind::rpc {

struct PeerIdentity {
  std::string common_name;                     // empty when the subject has no CN
  std::vector<std::string> organizational_units;  // every OU of the subject, in order

  bool has_role(std::string_view role) const;
  // "operator" / "manufacturer,operator" / "no role": what the caller is, for messages and logs.
  std::string roles() const;
};

// The subject of a PEM certificate.
Result<PeerIdentity> peer_identity_from_pem(std::string_view pem);

// The subject of the verified client certificate of a call (property "x509_pem_cert" of the auth context).
// Fails when there is none, which the server's TLS settings make impossible for a call that got this far.
Result<PeerIdentity> peer_identity(const grpc::ServerContext& context);

}  // namespace simbind::rpc
