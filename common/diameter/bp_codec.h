// Bp structs <-> Diameter messages (both ends: simbind-hss and simbind-prov). Requests name the peer with
// Destination-Host: HSS and prov share a realm. Decoders refuse malformed values with an Error naming the AVP.
#pragma once

#include <string_view>

#include "common/diameter/bp_messages.h"
#include "common/diameter/message.h"

namespace simbind::diameter {

Message encode_kme_establishment(const KmeEstablishmentRequest& r, std::string_view destination_realm,
                                 std::string_view destination_host, std::uint32_t binding_vendor);
Result<KmeEstablishmentRequest> decode_kme_establishment(const Message& m);
void fill_kme_establishment_answer(Message& answer, const KmeEstablishmentAnswer& a, std::uint32_t binding_vendor);
Result<KmeEstablishmentAnswer> decode_kme_establishment_answer(const Message& m, std::uint32_t binding_vendor);

Message encode_binding_activation(const BindingActivationRequest& r, std::string_view destination_realm,
                                  std::string_view destination_host, std::uint32_t binding_vendor);
Result<BindingActivationRequest> decode_binding_activation(const Message& m, std::uint32_t binding_vendor);
void fill_binding_activation_answer(Message& answer, const BindingActivationAnswer& a);
Result<BindingActivationAnswer> decode_binding_activation_answer(const Message& m);

}  // namespace simbind::diameter
