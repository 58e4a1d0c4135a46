// Profiles for `CreateUes`: the YAML that describes emulated UEs (an ME with its IMEI, software version, device
// key scheme and KMEs, and the UICC inserted in it), either one entry per UE under `ues:` or many at once under
// `generate:` for load tests. Every problem names the entry and key: "load.yaml: ues[2].uicc.k: expected 32
// hex digits, got 30". Keys are inputs only and never appear in a message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/crypto/binding.h"
#include "common/crypto/key_wrap.h"
#include "services/ue/mobile_equipment.h"

namespace simbind::ue {

struct UiccSpec {
  UsimProfile profile;
  std::optional<std::uint64_t> sqn;  // highest SQN the UICC has accepted (48 bits)
};
struct KmeSpec {
  Plmn home;
  KmeId id;
  crypto::Kme kme;
};
struct DeviceSpec {
  std::string entry;  // "ues[3]" or "generate#17", for messages
  Imei imei;
  std::string software_version = "01";
  crypto::KeyWrapScheme key_scheme = crypto::KeyWrapScheme::ecies_profile_a;
  // The device key made at the factory (`device_key: {scheme, private_key}`); absent: a fresh pair is generated.
  std::optional<crypto::DeviceKeyPair> device_key;
  std::optional<UiccSpec> uicc;
  std::vector<KmeSpec> kmes;
  std::uint8_t pdn_type = 3;  // `pdn_type: ipv4 | ipv6 | ipv4v6` (default ipv4v6): TS 24.301 9.9.4.10 value
};

// Checks the whole text; every problem is reported (one per line), nothing is half-read.
Result<std::vector<DeviceSpec>> parse_profiles(const std::string& yaml, const std::string& name);

// The ME (the profile's device key, or a fresh pair of the chosen scheme; the KMEs) and the UICC of one spec.
struct NewDevice {
  MobileEquipment me;
  std::optional<Usim> usim;
};
Result<NewDevice> build_device(const DeviceSpec& spec);

// "ecies-a", "ecies-b", "rsa-2048".
const char* profile_key_scheme_name(crypto::KeyWrapScheme s);

}  // namespace simbind::ue
