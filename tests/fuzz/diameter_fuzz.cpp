// S6a and Bp messages from a hostile peer, from raw bytes through freeDiameter's own parser (fd_msg_parse_buffer,
// the dictionary and the command rules, as the stack does on receipt) into simbind's decoders and the rule
// explanation the stack logs. The stack is started once, with simbind's dictionary, as in every daemon.

#include <cstddef>
#include <cstdint>
#include <memory>

#include "common/diameter/avp_codes.h"
#include "common/diameter/bp_codec.h"
#include "common/diameter/command_abnf.h"
#include "common/diameter/dictionary.h"
#include "common/diameter/fd.h"
#include "common/diameter/message.h"
#include "common/diameter/s6a_codec.h"
#include "common/diameter/stack.h"
#include "tests/fuzz/diameter_input.h"

using namespace simbind;
using namespace simbind::diameter;

namespace {

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
  fuzz::start_diameter_stack("fuzz.simbind.lab");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto input = fuzz::parse_as_received(data, size);
  if (!input) return 0;
  (void)command_name(input->message.get());
  (void)explain_rule_violation(input->message.get());
  if (input->rules_ok) decode(input->message, input->message.command_code(), input->message.is_request());
  return 0;
}
