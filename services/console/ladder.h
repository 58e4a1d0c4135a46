// The ladder diagram of the console: what simbind-ue's events and simbind-hss's audit records mean as messages
// between the lanes UE, MME, HSS, prov and keydir (and the lab's own actions). The same reading as the testbed's
// text report (deploy/testbed/lab-demo.sh); pure functions, so that the mapping is tested without daemons.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace simbind::console {

// One event of simbind-ue's StreamEvents.
struct UeEventRecord {
  std::int64_t us = 0;  // microseconds since the epoch
  std::string imei, imsi, kind, text;
};

// One row of simbind-hss's audit log (ListAuditEvents).
struct AuditRecord {
  std::int64_t id = 0;
  std::int64_t us = 0;
  std::string imsi, event, decision, imei, reason;
};

struct LadderStep {
  // The page orders steps by time. Microseconds, not milliseconds: on a fast host a whole re-attach (DETACH, ATTACH
  // REQUEST, AIR/AIA, ATTACH ACCEPT) fits in one millisecond, and within one millisecond the sources' own orders
  // cannot be merged (the UE's events and the HSS's audit come from two processes).
  std::int64_t us = 0;
  // Order among steps of the same microsecond, in practice only a UE event's several steps or a lab action: 0 a
  // lab action, 1 what a UE sent, 2 the network (HSS audit), 3 what a UE received. An audit record is written
  // before the answer that carries its decision reaches the UE.
  int rank = 0;
  std::string imei, imsi;
  std::string from, to;  // lanes: UE MME HSS prov keydir lab; `to` empty: a note on the lane `from`
  std::string text;
  std::string tone;      // "" plain, "ok" success, "bad" a refusal or failure, "bind" the binding procedure
};

std::vector<LadderStep> steps_of(const UeEventRecord& e);
std::vector<LadderStep> steps_of(const AuditRecord& a);

// "KME-Id 1234" -> "1234"; the hex after "RAND on air " ...: the value after `label` up to the next character
// outside [0-9a-f]; empty when `label` is absent.
std::string value_after(const std::string& text, const std::string& label);

}  // namespace simbind::console
