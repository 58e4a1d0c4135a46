// The command ABNF of every Diameter command simbind sends or receives, transcribed from TS 29.272 clause 7.2 (S6a)
// and from docs/DIAMETER.md (Bp). define_dictionary() turns it into freeDiameter rules, so that a peer's message
// that breaks it is refused as a stock peer (Open5GS) refuses ours: a request gets 5005/5009 and Failed-AVP from
// freeDiameter, an answer is dropped. explain_rule_violation() says, for the log, which AVP broke which rule.
//
// Only the AVPs whose count the ABNF bounds are listed: the fixed Session-Id, the required `{ }` AVPs and the
// optional `[ ]` AVPs (at most once). `*[ ]` AVPs and `*[ AVP ]` (every S6a and Bp command has it) need no rule.
#pragma once

#include <cstdint>
#include <span>
#include <string>

struct msg;

namespace simbind::diameter {

enum class Occurs : std::uint8_t {
  fixed_first,  // < X >: the first AVP of the message
  required,     // { X }: exactly once
  optional,     // [ X ]: at most once
};

struct AbnfElement {
  std::uint32_t vendor;
  std::uint32_t code;
  const char* name;
  Occurs occurs;
};

// Stands for the configured binding vendor id (DESIGN 5.2) in the tables.
inline constexpr std::uint32_t kBindingVendorPlaceholder = 0xffffffff;

enum class BpCommand : std::uint8_t { none, kme_establishment, binding_activation };

struct CommandAbnf {
  std::uint32_t code;  // S6a; 0 for Bp, whose codes are configured (bp)
  BpCommand bp;
  const char* name;
  bool request;
  std::span<const AbnfElement> elements;
};

// Every command, S6a then Bp. Bp's vendor for the binding AVPs is filled in at dictionary time.
std::span<const CommandAbnf> s6a_command_abnf();
std::span<const CommandAbnf> bp_command_abnf();

// For a received message that failed freeDiameter's rule check: "missing Auth-Session-State", "Origin-Host 2 times
// (at most once)", "Session-Id is not the first AVP"; empty when the top level is fine (the fault is deeper, inside
// a grouped AVP, and freeDiameter's own text says it). Reads only the message's AVP headers.
std::string explain_rule_violation(struct msg* m);

// The command's name from the dictionary, e.g. "Authentication-Information-Answer"; "command N" when unknown.
std::string command_name(struct msg* m);

}  // namespace simbind::diameter
