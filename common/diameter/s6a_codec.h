// S6a structs <-> Diameter messages. Encoders build requests (client side) and fill answers (server side);
// decoders read what a peer sent and refuse malformed values with an Error naming the AVP (the caller answers
// 5004 DIAMETER_INVALID_AVP_VALUE). Missing mandatory AVPs never reach a decoder: the dictionary rules make
// freeDiameter answer 5005 itself.
#pragma once

#include <string_view>

#include "common/diameter/message.h"
#include "common/diameter/s6a_messages.h"

namespace simbind::diameter {

// Requests (MME side). `binding_vendor` is where the binding AVPs live.
Message encode_air(const AuthInfoRequest& r, std::string_view destination_realm, std::uint32_t binding_vendor);
Message encode_ulr(const UpdateLocationRequest& r, std::string_view destination_realm);
Message encode_pur(const PurgeUeRequest& r, std::string_view destination_realm);
Message encode_clr(const CancelLocationRequest& r, std::string_view destination_realm, std::string_view destination_host);

Result<AuthInfoRequest> decode_air(const Message& m, std::uint32_t binding_vendor);
Result<UpdateLocationRequest> decode_ulr(const Message& m);
Result<PurgeUeRequest> decode_pur(const Message& m);
Result<CancelLocationRequest> decode_clr(const Message& m);
// IDR goes from the HSS to the MME that holds the UE (Destination-Host), with Binding-Provisioning-Info.
Message encode_idr(const InsertSubscriberDataRequest& r, std::string_view destination_realm,
                   std::string_view destination_host, std::uint32_t binding_vendor);
Result<InsertSubscriberDataRequest> decode_idr(const Message& m, std::uint32_t binding_vendor);

// Answers (HSS side): fill an answer made with Message::answer_to.
void fill_aia(Message& answer, const AuthInfoAnswer& a, std::uint32_t binding_vendor);
void fill_ula(Message& answer, const UpdateLocationAnswer& a, std::uint32_t binding_vendor);
void fill_pua(Message& answer, const PurgeUeAnswer& a);
void fill_cla(Message& answer, const CancelLocationAnswer& a);
void fill_ida(Message& answer, const InsertSubscriberDataAnswer& a, std::uint32_t binding_vendor);
void fill_result(Message& answer, const ResultCode& result);

Result<AuthInfoAnswer> decode_aia(const Message& m, std::uint32_t binding_vendor);
Result<UpdateLocationAnswer> decode_ula(const Message& m, std::uint32_t binding_vendor);
Result<PurgeUeAnswer> decode_pua(const Message& m);
Result<CancelLocationAnswer> decode_cla(const Message& m);
Result<InsertSubscriberDataAnswer> decode_ida(const Message& m, std::uint32_t binding_vendor);

// MSISDN as TBCD (TS 29.329 6.3.2 / TS 23.003): digits in nibbles, low nibble first, 0xF filler.
Bytes encode_tbcd(std::string_view digits);
std::string decode_tbcd(ByteView octets);

}  // namespace simbind::diameter
