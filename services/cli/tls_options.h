// `simbind --tls-cert C --tls-key K --tls-ca CA [--tls-server-name N] hss|ue|prov ...` (or SIMBIND_TLS_CERT,
// SIMBIND_TLS_KEY, SIMBIND_TLS_CA; an option beats its variable): mTLS to the admin and control APIs of
// simbind-hss, simbind-ue and simbind-prov (their admin.tls / control.tls). None given: plaintext, as those
// daemons speak without it. The options are global (given before or after the subcommand).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "services/cli/grpc_client.h"

namespace simbind::cli {

struct ApiTlsOptions {
  std::string cert, key, ca, server_name;

  // Adds the options to the root app; call before the subcommands are added (they inherit fallthrough, so the
  // options may also follow the subcommand).
  void add_to(CLI::App& root);
  bool enabled() const { return !cert.empty() || !key.empty() || !ca.empty(); }

  // How to reach `daemon` at `address`, whose API is protected by `tls_key` ("admin.tls"). A partial set of
  // options (a certificate without --tls-ca, a key without its certificate) or an unreadable file is a UsageError
  // naming the option. --tls-ca alone is allowed: the daemon then refuses the handshake, as it should.
  GrpcTarget target(const std::string& daemon, const std::string& address, const std::string& tls_key) const;
};

// The content of a PEM file named by `option`; UsageError when it cannot be read.
std::string read_pem_option(const std::string& option, const std::string& path);

}  // namespace simbind::cli
