// The HSS's subscriber record: authentication data, subscription profile, binding state and location.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/crypto/binding.h"
#include "common/subscription/apn_config.h"
#include "common/util/identifiers.h"

namespace simbind::hss {

// The EPS subscription: several APN configurations with one default, and the subscriber-level data
// (common/subscription/apn_config.h, shared with the command line that checks it before sending).
using SubscriptionProfile = subscription::Profile;

enum class BindingPolicy { off = 0, required = 1 };
enum class BindingState { none = 0, pending = 1, established = 2 };

const char* to_string(BindingPolicy p);
const char* to_string(BindingState s);

struct BindingRecord {
  BindingPolicy policy = BindingPolicy::off;
  BindingState state = BindingState::none;
  std::optional<crypto::Kme> kme;
  std::optional<KmeId> kme_id;
  std::string bound_imei;       // proven by the device (over-the-air) or reported at activation
  std::string authorized_imei;  // a device change the back office allowed
  std::uint32_t failure_reports = 0;
};

struct LocationRecord {
  std::string mme_host;
  std::string mme_realm;
  std::string last_imei;  // last Terminal-Information seen: informative, never proof of anything
  bool purged = false;
};

struct Subscriber {
  explicit Subscriber(Imsi id) : imsi(std::move(id)) {}
  Imsi imsi;
  crypto::Key128 k{};
  crypto::Opc opc{};
  std::uint16_t amf = 0x8000;  // separation bit set (TS 33.401 6.1.2)
  SubscriptionProfile profile;
  BindingRecord binding;
  LocationRecord location;
  std::uint64_t sqn_reserved = 0;  // informative copy of the durable SQN reservation
};

struct AuditEvent {
  std::int64_t id = 0;
  std::int64_t time_us = 0;  // microseconds since the epoch; 0 when written: now
  std::string imsi;
  std::string event;     // e.g. "air", "binding-failure-report", "device-change-authorized"
  std::string decision;  // e.g. "pre-processed", "provisioning-only", "rejected"
  std::string reason;
  std::string imei;
};

}  // namespace simbind::hss
