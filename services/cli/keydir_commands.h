// `simbind keydir ...`: the client end of simbind-keydir (proto/keydir.proto) over mutual TLS: `register` (a
// manufacturer's certificate) and `get` (an operator's certificate).
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
// Registers each key with RegisterDevice (a manufacturer certificate). An unusable --cert/--key/--ca throws
// UsageError; a refused or failed call throws OperationError (exit 1) naming `command`, the IMEI and the gRPC code.
void register_device_keys(const KeydirTarget& target, const std::vector<DevicePublicKey>& devices,
                          const std::string& command);

}  // namespace simbind::cli
