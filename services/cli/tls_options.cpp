#include "services/cli/tls_options.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace simbind::cli {

std::string read_pem_option(const std::string& option, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(option, "cannot read " + path + " (" + std::strerror(errno) + ")");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void ApiTlsOptions::add_to(CLI::App& root) {
  root.fallthrough();
  const std::string group = "mTLS to the admin/control APIs (simbind hss, ue, prov)";
  root.add_option("--tls-cert", cert, "this client's certificate (PEM, OU admin); with --tls-key and --tls-ca")
      ->envname("SIMBIND_TLS_CERT")
      ->group(group);
  root.add_option("--tls-key", key, "this client's private key (PEM)")->envname("SIMBIND_TLS_KEY")->group(group);
  root.add_option("--tls-ca", ca, "the CA that issued the daemon's certificate (PEM)")
      ->envname("SIMBIND_TLS_CA")
      ->group(group);
  root.add_option("--tls-server-name", server_name,
                  "the name to expect in the daemon's certificate (default: HOST of the address)")
      ->group(group);
}

GrpcTarget ApiTlsOptions::target(const std::string& daemon, const std::string& address,
                                 const std::string& tls_key) const {
  GrpcTarget t;
  t.daemon = daemon;
  t.address = address;
  t.server_name = server_name;
  t.plaintext_hint = "If it has " + tls_key + ", give --tls-ca, --tls-cert and --tls-key (or SIMBIND_TLS_*).";
  if (!enabled()) {
    if (!server_name.empty()) throw UsageError("--tls-server-name", "needs --tls-ca (and --tls-cert, --tls-key)");
    return t;
  }
  if (ca.empty()) throw UsageError("--tls-ca", "required with --tls-cert and --tls-key (or SIMBIND_TLS_CA)");
  if (cert.empty() != key.empty()) {
    throw UsageError(cert.empty() ? "--tls-cert" : "--tls-key", "--tls-cert and --tls-key go together");
  }
  rpc::TlsFiles files;
  files.ca = read_pem_option("--tls-ca", ca);
  if (!cert.empty()) {
    files.cert = read_pem_option("--tls-cert", cert);
    files.key = read_pem_option("--tls-key", key);
  }
  t.tls_hint = cert.empty() ? "Is it running? It needs a client certificate: give --tls-cert and --tls-key."
                             : "Is it running with TLS, does its certificate come from the CA in --tls-ca, and does it "
                               "accept the CA of --tls-cert?";
  t.tls = std::move(files);
  return t;
}

}  // namespace simbind::cli
