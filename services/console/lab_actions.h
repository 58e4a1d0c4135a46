// The lab actions of the demo, each through the APIs the CLI uses: a new subscriber and device (binding required or
// not, key scheme), attach, detach, move the UICC to another device, authorize a device change, factory reset,
// activate a factory KME. Every action answers a JSON object {ok, message, ...}; keys (K, OPc, KME) are made
// here, handed to the daemons and wiped, never part of an answer or a log line.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/crypto/secret_box.h"
#include "services/console/backends.h"

namespace simbind::console {

class LabActions {
 public:
  LabActions(Backends& backends, std::string plmn, std::optional<crypto::MasterKey> transfer_key);
  ~LabActions();

  // Runs action `name` with the request's fields; an unknown name or a missing field: ok false and why.
  nlohmann::json run(const std::string& name, const nlohmann::json& request);
  static bool known(const std::string& name);  // one of the actions below
  bool factory_kmes() const { return transfer_key_.has_value(); }

  // The individual actions (fields as in docs/CONSOLE.md).
  nlohmann::json new_device(const std::string& binding, const std::string& scheme, bool with_uicc);
  nlohmann::json attach(const std::string& imei);
  nlohmann::json detach(const std::string& imei);
  nlohmann::json move_uicc(const std::string& imsi, const std::string& to_imei);
  nlohmann::json authorize(const std::string& imsi, const std::string& imei);
  nlohmann::json factory_reset(const std::string& imei);
  nlohmann::json factory_kme(const std::string& imsi, const std::string& imei);

 private:
  Backends& backends_;
  std::string plmn_;
  std::optional<crypto::MasterKey> transfer_key_;
};

}  // namespace simbind::console
