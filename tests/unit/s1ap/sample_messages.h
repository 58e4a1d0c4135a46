// One or two instances of every S1AP message simbind models, with optional parts present and absent and values at
// the edges of their ranges: the round-trip test and the tshark check of our encodings (s1ap_sample_pdus) share it.
#pragma once

#include <vector>

#include "common/s1ap/messages.h"

namespace simbind::s1ap {

// A NAS PDU as S1AP carries it after SECURITY MODE: security header type 2 (integrity protected and ciphered), MAC,
// sequence number, ciphertext; tshark shows it as ciphered (the check does not let it guess EEA0).
inline Bytes ciphered_nas(std::size_t size, std::uint8_t sqn) {
  Bytes b{0x27, 0x11, 0x22, 0x33, 0x44, sqn};
  while (b.size() < size) b.push_back(static_cast<std::uint8_t>(b.size() * 37));
  return b;
}

inline std::vector<Message> every_message() {
  const PlmnOctets p{0x00, 0xf1, 0x10};
  CriticalityDiagnostics diag{17, MessageType::initiating, Criticality::reject,
                              {IeProblem{64, Criticality::reject, IeProblem::Kind::missing},
                               IeProblem{999, Criticality::notify, IeProblem::Kind::not_understood}}};
  return {
      S1SetupRequest{{p, 0xABCDE}, "enb-1", {{7, {p, {0x21, 0xf3, 0x54}}}, {8, {p}}}, 2},
      S1SetupRequest{{p, 1}, std::nullopt, {{1, {p}}}, 0},
      S1SetupResponse{"simbind-mme", {{{p}, {1, 0x8001}, {1, 2, 255}}}, 128},
      S1SetupResponse{std::nullopt, {{{p}, {1}, {1}}}, 255},
      S1SetupFailure{cause::kMiscUnknownPlmn, 2, diag},
      S1SetupFailure{cause::kMiscUnspecified, std::nullopt, std::nullopt},
      InitialUeMessage{0xFFFFFF, Bytes{0x07, 0x60, 0x61} /* plain EMM STATUS #97 */, {p, 1}, {p, 0xFFFFFFF}, 4, STmsi{1, 0xdeadbeef},
                       Gummei{p, 1, 1}},
      InitialUeMessage{0, ciphered_nas(300, 1), {p, 65535}, {p, 0}, 0, std::nullopt, std::nullopt},
      DownlinkNasTransport{4294967295u, 7, ciphered_nas(12, 2)},
      UplinkNasTransport{1, 2, ciphered_nas(9, 3), {p, 256}, {p, 9}},
      NasNonDeliveryIndication{1, 2, ciphered_nas(20, 4), cause::kRadioConnectionWithUeLost},
      InitialContextSetupRequest{
          1, 2, 10'000'000'000ull, 0,
          {ErabToBeSetup{5, 9, 8, false, true, Bytes{127, 0, 0, 1}, 0x01020304, ciphered_nas(40, 5)},
           ErabToBeSetup{6, 5, 1, true, false, Bytes(16, 0x20), 7, std::nullopt}},
          0xc000, 0x4000, Octets<32>{1, 2, 3}},
      InitialContextSetupResponse{1, 2, {{5, Bytes{10, 0, 0, 1}, 99}}, {{6, cause::kUnspecifiedRadio}}},
      InitialContextSetupResponse{1, 2, {{5, Bytes{10, 0, 0, 1}, 99}}, {}},
      InitialContextSetupFailure{1, 2, cause::kUnknownEnbUeId},
      UeContextReleaseRequest{1, 2, cause::kUserInactivity},
      UeContextReleaseCommand{1, 2, cause::kNasDetach},
      UeContextReleaseCommand{1, std::nullopt, cause::kNasNormalRelease},
      UeContextReleaseComplete{1, 2},
      UeCapabilityInfoIndication{1, 2, Bytes{0x00, 0x00}},
      ErrorIndication{1, 2, cause::kProtocolTransferSyntaxError, diag},
      ErrorIndication{std::nullopt, std::nullopt, std::nullopt, std::nullopt},
      Reset{cause::kMiscOmIntervention, {}},
      Reset{cause::kMiscOmIntervention, {{1, std::nullopt}, {std::nullopt, 2}, {3, 4}}},
      ResetAcknowledge{{}},
      ResetAcknowledge{{{1, 2}}},
  };
}

}  // namespace simbind::s1ap
