// `simbind keydir ...`: the client end of simbind-keydir (proto/keydir.proto) over mutual TLS: `register` (a
// manufacturer's certificate; one device, or a file of them in batches) and `get` (an operator's certificate).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "common/crypto/key_wrap.h"

namespace simbind::cli {

void add_keydir_commands(CLI::App& parent);

// Where and as whom to reach simbind-keydir (the options every `keydir` command takes).
struct KeydirTarget {
  std::string address = "127.0.0.1:9443";
  std::string cert, key, ca, server_name;
  unsigned timeout_s = 5;
};
struct DevicePublicKey {
  std::string imei;
  crypto::KeyWrapScheme scheme;
  Bytes public_key;
};
// Registers the keys with RegisterDevices over one channel (a manufacturer certificate), 1,000 per call, each call
// all or nothing. An unusable --cert/--key/--ca throws UsageError; a refused or failed call throws
// OperationError (exit 1) naming `command`, the gRPC code and keydir's reason (the IMEI it refused), and saying
// how many devices earlier calls had registered.
struct RegisteredCount {
  std::size_t created = 0;
  std::size_t already_registered = 0;
};
RegisteredCount register_device_keys(const KeydirTarget& target, const std::vector<DevicePublicKey>& devices,
                                     const std::string& command);

}  // namespace simbind::cli
