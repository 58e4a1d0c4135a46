#include "services/console/ladder.h"

namespace simbind::console {
namespace {

std::string short_hex(const std::string& hex) { return hex.size() > 12 ? hex.substr(0, 12) + "…" : hex; }

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }
bool contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

// The text between the first '(' and the following ')'.
std::string in_parentheses(const std::string& s) {
  const auto open = s.find('(');
  const auto close = s.find(')', open == std::string::npos ? 0 : open);
  if (open == std::string::npos || close == std::string::npos) return {};
  return s.substr(open + 1, close - open - 1);
}

struct Steps {
  std::vector<LadderStep> out;
  std::int64_t us;
  int rank;
  std::string imei, imsi;
  void add(std::string from, std::string to, std::string text, std::string tone = "") {
    out.push_back(LadderStep{us, rank, imei, imsi, std::move(from), std::move(to), std::move(text), std::move(tone)});
  }
};

}  // namespace

std::string value_after(const std::string& text, const std::string& label) {
  const auto at = text.find(label);
  if (at == std::string::npos) return {};
  std::size_t end = at + label.size();
  while (end < text.size() && ((text[end] >= '0' && text[end] <= '9') || (text[end] >= 'a' && text[end] <= 'f'))) ++end;
  return text.substr(at + label.size(), end - at - label.size());
}

std::vector<LadderStep> steps_of(const UeEventRecord& e) {
  const std::string& k = e.kind;
  const std::string& t = e.text;
  // What the UE received from the network comes after the HSS's decision of the same microsecond.
  const bool received = k == "auth-accepted" || k == "auth-reject" || k == "attached" || k == "attached-without-pdn" ||
                        k == "attach-failed";
  Steps s{{}, e.us, received ? 3 : 1, e.imei, e.imsi};
  if (k == "attach-request") {
    const std::string attempt = value_after(t, "attempt ");
    s.add("UE", "MME", "ATTACH REQUEST (IMSI, PDN CONNECTIVITY REQUEST)" +
                           (attempt.empty() || attempt == "1" ? std::string() : ", attempt " + attempt));
  } else if (k == "reattach") {
    s.add("UE", "", "re-attach required: attaching again");
  } else if (k == "auth-accepted") {
    if (starts_with(t, "pre-processed")) {
      const std::string id = value_after(t, "KME-Id ");
      s.add("MME", "UE", "AUTHENTICATION REQUEST: RAND* " + short_hex(value_after(t, "RAND on air ")) +
                             " (binding bit in AMF)", "bind");
      s.add("UE", "", "ME: RAND* decrypted with KME-Id " + id + " → RAND " +
                          short_hex(value_after(t, "RAND to UICC ")) + "; the UICC accepts", "bind");
    } else {
      s.add("MME", "UE", "AUTHENTICATION REQUEST: RAND " + short_hex(value_after(t, "RAND ")) + " (regular)");
    }
    s.add("UE", "MME", "AUTHENTICATION RESPONSE (RES)");
  } else if (k == "auth-failure") {
    s.add("MME", "UE", std::string("AUTHENTICATION REQUEST (") +
                           (contains(t, "pre-processed") ? "pre-processed: RAND*" : "regular") + ")",
          contains(t, "pre-processed") ? "bind" : "");
    s.add("UE", "MME", "AUTHENTICATION FAILURE, " + t, "bad");
  } else if (k == "auth-reject") {
    s.add("MME", "UE", "AUTHENTICATION REJECT", "bad");
  } else if (k == "security-mode") {
    if (contains(t, "with IMEISV")) s.add("UE", "MME", "SECURITY MODE COMPLETE with IMEISV (" + in_parentheses(t) + ")");
  } else if (k == "kme-established") {
    const std::string id = value_after(t, "KME-Id ");
    s.add("MME", "HSS", "ULR (Terminal-Information: IMEI " + e.imei + ")", "bind");
    s.add("HSS", "prov", "KME-Establishment (IMSI, IMEI)", "bind");
    s.add("prov", "keydir", "GetDevicePublicKey (IMEI " + e.imei + ")", "bind");
    s.add("keydir", "prov", "the device's public key", "bind");
    s.add("prov", "HSS", "KME-Id " + id + ": KME wrapped for the device and for the HSS", "bind");
    s.add("HSS", "MME", "IDR Binding-Provisioning-Info (KME wrapped for the device, nonce)", "bind");
    s.add("MME", "UE", "binding container (DOWNLINK GENERIC NAS TRANSPORT): KME-Id " + id, "bind");
    s.add("UE", "MME", "binding response: KME unwrapped with the device private key, Rsp", "bind");
  } else if (k == "kme-unwrap-failed") {
    s.add("UE", "MME", "binding response: unwrap failed (" + t + ")", "bad");
  } else if (k == "attached-without-pdn") {
    s.add("MME", "UE", "ATTACH ACCEPT without PDN: PDN CONNECTIVITY REJECT ESM #33 (provisioning only)", "bind");
  } else if (k == "attached") {
    const std::string prefix = "attached: default bearer ";
    s.add("MME", "UE", "ATTACH ACCEPT + default bearer (" + (starts_with(t, prefix.c_str()) ? t.substr(prefix.size()) : t) + ")",
          "ok");
  } else if (k == "network-detach") {
    s.add("MME", "UE", "DETACH REQUEST (" + in_parentheses(t) + ")");
  } else if (k == "attach-failed") {
    const auto at = t.find("attach rejected: EMM cause ");
    if (at != std::string::npos) {
      s.add("MME", "UE", "ATTACH REJECT " + t.substr(at + std::string("attach rejected: EMM cause ").size()), "bad");
    } else {
      s.add("UE", "", t, "bad");
    }
  } else if (k == "detached") {
    s.add("UE", "MME", "DETACH REQUEST → DETACH ACCEPT");
  } else if (k == "uicc-moved") {
    s.rank = 0;
    s.add("lab", "UE", "the UICC is inserted into this device " + (t.find("IMEI ") != std::string::npos ? "(" + in_parentheses(t) + ")" : std::string()));
  } else if (k == "kme-set" || k == "factory-reset") {
    s.rank = 0;
    s.add("lab", "UE", t);
  } else if (k == "bearer" || k == "generic-transport" || k == "attach-waiting" || k == "emm-information" ||
             k == "identity" || k == "bearer-retransmit") {
    // Detail the ladder does not draw: the attach's own steps already show it.
  } else {
    s.add("UE", "", k + ": " + t);
  }
  return std::move(s.out);
}

std::vector<LadderStep> steps_of(const AuditRecord& a) {
  Steps s{{}, a.us, 2, a.imei, a.imsi};
  const std::string& ev = a.event;
  const std::string& d = a.decision;
  const std::string& r = a.reason;
  if (ev == "air") {
    if (d == "pre-processed") {
      s.add("MME", "HSS", "AIR");
      s.add("HSS", "MME", "AIA pre-processed vector: RAND* = AES(KME, RAND), KME-Id in the AMF", "bind");
    } else if (d == "provisioning-only") {
      s.add("MME", "HSS", "AIR");
      s.add("HSS", "MME", "AIA regular vector + Binding-Restriction PROVISIONING_ONLY", "bind");
    } else if (d == "regular") {
      s.add("MME", "HSS", "AIR");
      s.add("HSS", "MME", "AIA regular vector");
    } else if (d == "fallback") {
      s.add("HSS", "", "policy: " + r, "bad");
    } else {
      s.add("HSS", "MME", "AIA " + d + ": " + r, "bad");
    }
  } else if (ev == "binding-failure-report") {
    s.add("MME", "HSS", "AIR with Binding-Failure-Report (the UE's #20 on a pre-processed vector): " + r, "bad");
  } else if (ev == "kme-established") {
    if (starts_with(r, "activation")) {
      const auto colon = r.find(": ");
      s.add("prov", "HSS", "Bp Binding-Activation (IMSI, IMEI, factory KME wrapped under the KEK)", "bind");
      s.add("HSS", "prov", "answer 2001" + (colon == std::string::npos ? std::string() : ": " + r.substr(colon + 2)) +
                               ", bound to IMEI " + a.imei, "ok");
    } else {
      const auto colon = r.find(": ");
      s.add("MME", "HSS", "IDA with the UE's Rsp: verified; KME stored, bound to IMEI " + a.imei + " (" +
                              r.substr(0, colon) + ")", "bind");
      s.add("HSS", "MME", "ULA (PROVISIONING_ONLY: the UE attaches without PDN, then re-attaches)", "bind");
    }
  } else if (ev == "ulr" && d == "rejected") {
    s.add("MME", "HSS", "ULR (Terminal-Information: IMEI " + a.imei + ")");
    s.add("HSS", "MME", "ULA Experimental-Result 5420: " + r, "bad");
  } else if (ev == "device-change-authorized") {
    s.rank = 0;
    s.add("lab", "HSS", "authorize device change: next device IMEI " + a.imei);
  } else if (ev == "kme-establishment") {
    s.add("HSS", "", "KME establishment " + d + ": " + r, d == "failed" ? "bad" : "");
  } else {
    s.add("HSS", "", ev + " " + d + (r.empty() ? std::string() : ": " + r));
  }
  return std::move(s.out);
}

}  // namespace simbind::console
