// S6a and Bp messages from a hostile peer, from raw bytes through freeDiameter's own parser (fd_msg_parse_buffer,
// the dictionary and the command rules, as the stack does on receipt) into simbind's decoders and the rule
// explanation the stack logs. The stack is started once, with simbind's dictionary, as in every daemon.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "common/diameter/avp_codes.h"
#include "common/diameter/bp_codec.h"
#include "common/diameter/command_abnf.h"
#include "common/diameter/dictionary.h"
#include "common/diameter/fd.h"
#include "common/diameter/message.h"
#include "common/diameter/s6a_codec.h"
#include "common/diameter/stack.h"

using namespace simbind;
using namespace simbind::diameter;

namespace {

// Never destroyed: a stack shut down by a static destructor at exit would log through a logger that is gone.
DiameterStack* g_stack = nullptr;

void decode(const Message& m, std::uint32_t code, bool request) {
  const std::uint32_t v = kDefaultBindingVendor;
  const Dictionary& d = diameter::dictionary();
  if (m.application_id() == d.bp_application_id) {
    if (code == d.bp_kme_establishment_code) {
      request ? (void)decode_kme_establishment(m) : (void)decode_kme_establishment_answer(m, v);
    } else if (code == d.bp_binding_activation_code) {
      request ? (void)decode_binding_activation(m, v) : (void)decode_binding_activation_answer(m);
    }
    return;
  }
  switch (code) {
    case cmd::authentication_information: request ? (void)decode_air(m, v) : (void)decode_aia(m, v); break;
    case cmd::update_location: request ? (void)decode_ulr(m) : (void)decode_ula(m, v); break;
    case cmd::purge_ue: request ? (void)decode_pur(m) : (void)decode_pua(m); break;
    case cmd::cancel_location: request ? (void)decode_clr(m) : (void)decode_cla(m); break;
    case cmd::insert_subscriber_data: request ? (void)decode_idr(m, v) : (void)decode_ida(m, v); break;
    default: break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  StackConfig c;
  c.identity = "fuzz.simbind.lab";
  c.port = static_cast<std::uint16_t>(40000 + ::getpid() % 20000);
  auto stack = DiameterStack::start(c, [] {
    auto dict = define_dictionary(BindingDictionaryConfig{});
    return dict ? Result<void>{} : Result<void>(std::unexpected(dict.error()));
  });
  if (!stack) std::abort();
  g_stack = stack->release();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 20) return 0;
  auto* buffer = static_cast<std::uint8_t*>(std::malloc(size));
  std::memcpy(buffer, data, size);
  struct msg* raw = nullptr;
  if (fd_msg_parse_buffer(&buffer, size, &raw) != 0) {
    std::free(buffer);
    return 0;
  }
  Message m = Message::adopt(raw);
  struct fd_pei pei{};
  const bool parsed = fd_msg_parse_dict(raw, fd_g_config->cnf_dict, &pei) == 0;
  if (pei.pei_avp_free) fd_msg_free(pei.pei_avp);
  if (!parsed) return 0;
  struct fd_pei rules{};
  const bool ruled = fd_msg_parse_rules(raw, fd_g_config->cnf_dict, &rules) == 0;
  if (rules.pei_avp_free) fd_msg_free(rules.pei_avp);
  (void)command_name(raw);
  (void)explain_rule_violation(raw);
  if (ruled) decode(m, m.command_code(), m.is_request());
  return 0;
}
