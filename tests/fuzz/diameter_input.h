// What the Diameter fuzz targets share: one stack per process with simbind's dictionary (as every daemon starts
// it), and raw bytes turned into a message the way the stack does on receipt.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "common/diameter/dictionary.h"
#include "common/diameter/fd.h"
#include "common/diameter/message.h"
#include "common/diameter/stack.h"

namespace simbind::fuzz {

// Started once, never destroyed: a stack shut down by a static destructor at exit would log through a logger that
// is gone.
inline void start_diameter_stack(const char* identity) {
  diameter::StackConfig c;
  c.identity = identity;
  c.port = static_cast<std::uint16_t>(40000 + ::getpid() % 20000);
  auto stack = diameter::DiameterStack::start(c, [] {
    auto dict = diameter::define_dictionary(diameter::BindingDictionaryConfig{});
    return dict ? Result<void>{} : Result<void>(std::unexpected(dict.error()));
  });
  if (!stack) std::abort();
  // Reachable from a static, so LeakSanitizer does not count it.
  [[maybe_unused]] static diameter::DiameterStack* const kept = stack->release();
}

struct ParsedInput {
  diameter::Message message;
  bool rules_ok;  // false: the stack would have answered (or dropped) it by itself; no handler would see it
};

// fd_msg_parse_buffer, then the dictionary, then the command rules, as freeDiameter does with what a peer sends.
// Nothing when the bytes are no Diameter message the dictionary can read.
inline std::optional<ParsedInput> parse_as_received(const std::uint8_t* data, std::size_t size) {
  if (size < 20) return std::nullopt;
  auto* buffer = static_cast<std::uint8_t*>(std::malloc(size));
  std::memcpy(buffer, data, size);
  struct msg* raw = nullptr;
  if (fd_msg_parse_buffer(&buffer, size, &raw) != 0) {
    std::free(buffer);
    return std::nullopt;
  }
  diameter::Message m = diameter::Message::adopt(raw);
  struct fd_pei pei{};
  const bool parsed = fd_msg_parse_dict(raw, fd_g_config->cnf_dict, &pei) == 0;
  if (pei.pei_avp_free) fd_msg_free(pei.pei_avp);
  if (!parsed) return std::nullopt;
  struct fd_pei rules{};
  const bool ruled = fd_msg_parse_rules(raw, fd_g_config->cnf_dict, &rules) == 0;
  if (rules.pei_avp_free) fd_msg_free(rules.pei_avp);
  return ParsedInput{std::move(m), ruled};
}

}  // namespace simbind::fuzz
