#include "common/nas/cause_names.h"

namespace simbind::nas {

const char* emm_cause_name(std::uint8_t cause) {
  switch (cause) {  // TS 24.301 9.9.3.9
    case 2: return "IMSI unknown in HSS";
    case 3: return "Illegal UE";
    case 5: return "IMEI not accepted";
    case 6: return "Illegal ME";
    case 7: return "EPS services not allowed";
    case 8: return "EPS services and non-EPS services not allowed";
    case 9: return "UE identity cannot be derived by the network";
    case 10: return "Implicitly detached";
    case 11: return "PLMN not allowed";
    case 12: return "Tracking area not allowed";
    case 13: return "Roaming not allowed in this tracking area";
    case 14: return "EPS services not allowed in this PLMN";
    case 15: return "No suitable cells in tracking area";
    case 17: return "Network failure";
    case 19: return "ESM failure";
    case 20: return "MAC failure";
    case 21: return "Synch failure";
    case 22: return "Congestion";
    case 23: return "UE security capabilities mismatch";
    case 24: return "Security mode rejected, unspecified";
    case 25: return "Not authorized for this CSG";
    case 26: return "Non-EPS authentication unacceptable";
    case 35: return "Requested service option not authorized in this PLMN";
    case 95: return "Semantically incorrect message";
    case 96: return "Invalid mandatory information";
    case 97: return "Message type non-existent or not implemented";
    case 98: return "Message type not compatible with the protocol state";
    case 99: return "Information element non-existent or not implemented";
    case 100: return "Conditional IE error";
    case 101: return "Message not compatible with the protocol state";
    case 111: return "Protocol error, unspecified";
    default: return "unknown EMM cause";
  }
}

const char* esm_cause_name(std::uint8_t cause) {
  switch (cause) {  // TS 24.301 9.9.4.4
    case 8: return "operator determined barring";
    case 26: return "insufficient resources";
    case 27: return "missing or unknown APN";
    case 28: return "unknown PDN type";
    case 29: return "user authentication failed";
    case 30: return "request rejected by Serving GW or PDN GW";
    case 31: return "request rejected, unspecified";
    case 32: return "service option not supported";
    case 33: return "requested service option not subscribed";
    case 34: return "service option temporarily out of order";
    case 35: return "PTI already in use";
    case 38: return "network failure";
    case 43: return "invalid EPS bearer identity";
    case 50: return "PDN type IPv4 only allowed";
    case 51: return "PDN type IPv6 only allowed";
    case 52: return "single address bearers only allowed";
    case 54: return "PDN connection does not exist";
    case 55: return "multiple PDN connections for a given APN not allowed";
    case 81: return "invalid PTI value";
    case 95: return "semantically incorrect message";
    case 96: return "invalid mandatory information";
    case 97: return "message type non-existent or not implemented";
    case 98: return "message type not compatible with the protocol state";
    case 111: return "protocol error, unspecified";
    default: return "unknown ESM cause";
  }
}

std::string describe_emm_cause(std::uint8_t cause) {
  return "#" + std::to_string(cause) + " " + emm_cause_name(cause);
}

std::string describe_esm_cause(std::uint8_t cause) {
  return "#" + std::to_string(cause) + " " + esm_cause_name(cause);
}

}  // namespace simbind::nas
