// The TLS material of a gRPC endpoint, named by a configuration section `tls: {cert, key, ca}`: the paths as
// configured (TlsPaths, printable) and the PEM texts read from them once at start (TlsFiles, never printed).
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "common/config/config_reader.h"
#include "common/util/error.h"

namespace simbind::rpc {

struct TlsPaths {
  std::string cert;  // PEM: this end's certificate (chain); empty = no TLS
  std::string key;   // PEM: its private key
  std::string ca;    // PEM: the CA(s) whose certificates the other end must present
  bool enabled() const { return !cert.empty(); }
};

struct TlsFiles {
  std::string cert;
  std::string key;  // secret: the credentials functions wipe it once gRPC has its copy
  std::string ca;
};

// `parent.<key>` when TLS is mandatory: each of cert, key and ca is required ("tls.cert: is required").
TlsPaths read_required_tls(const config::ConfigReader::Section& parent, const std::string& key = "tls");
// `parent.<key>` when TLS is optional: absent = plaintext (TlsPaths{}); present, it needs cert, key and ca
// together, and a missing one is a problem naming it ("admin.tls.ca: is required with cert and key").
TlsPaths read_optional_tls(const config::ConfigReader::Section& parent, const std::string& key = "tls");

// Reads the three PEM files. A missing, unreadable or non-PEM file is a config_error naming the configuration
// file, the key (`<key_path>.cert` ...) and the path; the file content is never part of an error.
Result<TlsFiles> read_tls_files(const std::string& config_file, const std::string& key_path, const TlsPaths& paths);
// The same for an optional section: nothing when it is off (plaintext).
Result<std::optional<TlsFiles>> read_optional_tls_files(const std::string& config_file, const std::string& key_path,
                                                        const TlsPaths& paths);

// The `tls` line of --print-config for an optional section: "tls: off" or "tls: on" with the paths and the role
// clients need in a comment (paths only: never key material).
void print_optional_tls(std::ostream& out, const std::string& indent, const TlsPaths& paths,
                        const std::string& client_role);

}  // namespace simbind::rpc
