// PEM files named by a configuration (TLS certificates and keys for gRPC): read once at start, with errors that
// name the configuration file and the key ("keydir.yaml: tls.cert: cannot read certs/x.crt (No such file ...)").
// The content is never part of an error.
#pragma once

#include <string>

#include "common/util/error.h"

namespace simbind::config {

Result<std::string> read_pem_file(const std::string& config_file, const std::string& key, const std::string& path);

}  // namespace simbind::config
