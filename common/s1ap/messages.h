// The S1AP messages simbind speaks (TS 36.413, DESIGN 6.1), as plain structs, with their ALIGNED PER encoding
// (common/s1ap/aper.h underneath). Only the IEs simbind uses are modelled; an IE of any other id is skipped on
// decoding and reported with its criticality (DecodedPdu::unknown_ies) so that the receiver can act on it
// (TS 36.413 10.3.4.1: ignore, ignore and notify, or reject).
//
// PLMN identities are the 3 TBCD octets of TS 36.413 9.2.3.8 (the same octets as NAS and S6a).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/util/bytes.h"
#include "common/util/error.h"

namespace simbind::s1ap {

using PlmnOctets = std::array<std::uint8_t, 3>;

// TS 36.413 9.1 procedure codes (the subset above, plus the ones named in diagnostics).
enum class ProcedureCode : std::uint8_t {
  initial_context_setup = 9,
  downlink_nas_transport = 11,
  initial_ue_message = 12,
  uplink_nas_transport = 13,
  reset = 14,
  error_indication = 15,
  nas_non_delivery_indication = 16,
  s1_setup = 17,
  ue_context_release_request = 18,
  ue_capability_info_indication = 22,
  ue_context_release = 23,
};

enum class Criticality : std::uint8_t { reject = 0, ignore = 1, notify = 2 };
enum class MessageType : std::uint8_t { initiating = 0, successful_outcome = 1, unsuccessful_outcome = 2 };

// TS 36.413 9.2.1.3 Cause: the CHOICE branch and the value's index in that branch's ENUMERATED (root values).
struct Cause {
  enum class Group : std::uint8_t { radio_network = 0, transport = 1, nas = 2, protocol = 3, misc = 4 };
  Group group = Group::misc;
  std::uint8_t value = 0;
  bool operator==(const Cause&) const = default;
};
namespace cause {
// The values simbind uses (index in the ASN.1 ENUMERATED of the group).
inline constexpr Cause kUnspecifiedRadio{Cause::Group::radio_network, 0};
inline constexpr Cause kUserInactivity{Cause::Group::radio_network, 20};
inline constexpr Cause kRadioConnectionWithUeLost{Cause::Group::radio_network, 21};
inline constexpr Cause kUnknownMmeUeId{Cause::Group::radio_network, 13};
inline constexpr Cause kUnknownEnbUeId{Cause::Group::radio_network, 14};
inline constexpr Cause kUnknownPairUeId{Cause::Group::radio_network, 15};
inline constexpr Cause kNasNormalRelease{Cause::Group::nas, 0};
inline constexpr Cause kNasAuthenticationFailure{Cause::Group::nas, 1};
inline constexpr Cause kNasDetach{Cause::Group::nas, 2};
inline constexpr Cause kNasUnspecified{Cause::Group::nas, 3};
inline constexpr Cause kTransportResourceUnavailable{Cause::Group::transport, 0};
inline constexpr Cause kProtocolTransferSyntaxError{Cause::Group::protocol, 0};
inline constexpr Cause kProtocolAbstractSyntaxReject{Cause::Group::protocol, 1};
inline constexpr Cause kProtocolAbstractSyntaxIgnoreNotify{Cause::Group::protocol, 2};
inline constexpr Cause kProtocolMessageNotCompatible{Cause::Group::protocol, 3};
inline constexpr Cause kProtocolSemanticError{Cause::Group::protocol, 4};
inline constexpr Cause kProtocolAbstractSyntaxFalselyConstructed{Cause::Group::protocol, 5};
inline constexpr Cause kProtocolUnspecified{Cause::Group::protocol, 6};
inline constexpr Cause kMiscControlProcessingOverload{Cause::Group::misc, 0};
inline constexpr Cause kMiscNotEnoughUserPlaneResources{Cause::Group::misc, 1};
inline constexpr Cause kMiscHardwareFailure{Cause::Group::misc, 2};
inline constexpr Cause kMiscOmIntervention{Cause::Group::misc, 3};
inline constexpr Cause kMiscUnspecified{Cause::Group::misc, 4};
inline constexpr Cause kMiscUnknownPlmn{Cause::Group::misc, 5};
}  // namespace cause
// "radio-network: user-inactivity (20)" and the like, for logs.
std::string to_string(const Cause& c);

struct Tai {
  PlmnOctets plmn{};
  std::uint16_t tac = 0;
  bool operator==(const Tai&) const = default;
};
struct Ecgi {
  PlmnOctets plmn{};
  std::uint32_t cell_id = 0;  // 28 bits
  bool operator==(const Ecgi&) const = default;
};
struct GlobalEnbId {
  PlmnOctets plmn{};
  std::uint32_t macro_enb_id = 0;  // 20 bits (macroENB-ID); other eNB-ID kinds are not modelled
  bool operator==(const GlobalEnbId&) const = default;
};
struct SupportedTa {
  std::uint16_t tac = 0;
  std::vector<PlmnOctets> broadcast_plmns;  // 1..6
  bool operator==(const SupportedTa&) const = default;
};
struct ServedGummei {
  std::vector<PlmnOctets> plmns;             // 1..32
  std::vector<std::uint16_t> mme_group_ids;  // 1..65535 entries
  std::vector<std::uint8_t> mme_codes;
  bool operator==(const ServedGummei&) const = default;
};
struct Gummei {
  PlmnOctets plmn{};
  std::uint16_t mme_group_id = 0;
  std::uint8_t mme_code = 0;
  bool operator==(const Gummei&) const = default;
};
struct STmsi {
  std::uint8_t mme_code = 0;
  std::uint32_t m_tmsi = 0;
  bool operator==(const STmsi&) const = default;
};

// One IE of a protocol IE container that this codec does not model, or a modelled IE that was missing or could
// not be decoded (CriticalityDiagnostics-IE-Item, TS 36.413 9.2.1.21).
struct IeProblem {
  enum class Kind : std::uint8_t { not_understood = 0, missing = 1 };
  std::uint16_t id = 0;
  Criticality criticality = Criticality::ignore;
  Kind kind = Kind::not_understood;
  bool operator==(const IeProblem&) const = default;
};
struct CriticalityDiagnostics {
  std::optional<std::uint8_t> procedure_code;
  std::optional<MessageType> triggering_message;
  std::optional<Criticality> procedure_criticality;
  std::vector<IeProblem> ies;
  bool operator==(const CriticalityDiagnostics&) const = default;
};

// ---- the messages -------------------------------------------------------------------------------------------
struct S1SetupRequest {
  GlobalEnbId global_enb_id;
  std::optional<std::string> enb_name;  // PrintableString 1..150
  std::vector<SupportedTa> supported_tas;
  std::uint8_t default_paging_drx = 1;  // ENUMERATED {v32, v64, v128, v256}: index
  bool operator==(const S1SetupRequest&) const = default;
};
struct S1SetupResponse {
  std::optional<std::string> mme_name;
  std::vector<ServedGummei> served_gummeis;
  std::uint8_t relative_mme_capacity = 255;
  bool operator==(const S1SetupResponse&) const = default;
};
struct S1SetupFailure {
  Cause cause;
  std::optional<std::uint8_t> time_to_wait;  // ENUMERATED {v1s, v2s, v5s, v10s, v20s, v60s}: index
  std::optional<CriticalityDiagnostics> diagnostics;
  bool operator==(const S1SetupFailure&) const = default;
};
// ENBname and MMEname are PrintableString (SIZE (1..150, ...)): letters, digits, space and '()+,-./:=? (X.680 41.4).
bool is_printable_name(const std::string& name);

// Seconds of a TimeToWait index (1, 2, 5, 10, 20, 60).
unsigned time_to_wait_seconds(std::uint8_t index);

struct InitialUeMessage {
  std::uint32_t enb_ue_id = 0;  // 24 bits
  Bytes nas_pdu;
  Tai tai;
  Ecgi ecgi;
  std::uint8_t rrc_establishment_cause = 3;  // ENUMERATED: emergency 0, highPriorityAccess 1, mt-Access 2,
                                             // mo-Signalling 3, mo-Data 4 (root values)
  std::optional<STmsi> s_tmsi;
  std::optional<Gummei> gummei;  // GUMMEI-ID: the MME the UE's GUTI names (TS 36.413 8.6.2.1)
  bool operator==(const InitialUeMessage&) const = default;
};
struct DownlinkNasTransport {
  std::uint32_t mme_ue_id = 0;
  std::uint32_t enb_ue_id = 0;
  Bytes nas_pdu;
  bool operator==(const DownlinkNasTransport&) const = default;
};
struct UplinkNasTransport {
  std::uint32_t mme_ue_id = 0;
  std::uint32_t enb_ue_id = 0;
  Bytes nas_pdu;
  Ecgi ecgi;
  Tai tai;
  bool operator==(const UplinkNasTransport&) const = default;
};
struct NasNonDeliveryIndication {
  std::uint32_t mme_ue_id = 0;
  std::uint32_t enb_ue_id = 0;
  Bytes nas_pdu;
  Cause cause;
  bool operator==(const NasNonDeliveryIndication&) const = default;
};

struct ErabToBeSetup {
  std::uint8_t erab_id = 5;  // 0..15
  std::uint8_t qci = 9;
  std::uint8_t arp_priority = 9;             // 0..15
  bool pre_emption_capability = false;       // ENUMERATED shall-not-trigger-pre-emption (0) / may-trigger (1)
  bool pre_emption_vulnerability = false;    // not-pre-emptable (0) / pre-emptable (1)
  Bytes transport_layer_address;             // BIT STRING 1..160, whole octets here: 4 (IPv4) or 16 (IPv6)
  std::uint32_t gtp_teid = 0;
  std::optional<Bytes> nas_pdu;
  bool operator==(const ErabToBeSetup&) const = default;
};
struct InitialContextSetupRequest {
  std::uint32_t mme_ue_id = 0;
  std::uint32_t enb_ue_id = 0;
  std::uint64_t ue_ambr_dl = 0;  // bit/s, 0..10,000,000,000
  std::uint64_t ue_ambr_ul = 0;
  std::vector<ErabToBeSetup> erabs;  // 1..256
  std::uint16_t encryption_algorithms = 0;  // BIT STRING (SIZE(16,...)): bit 15 (MSB) = 128-EEA1, 14 = EEA2, 13 = EEA3
  std::uint16_t integrity_algorithms = 0;   // the same for EIA1..EIA3
  Octets<32> security_key{};                // K_eNB, BIT STRING (SIZE(256))
  bool operator==(const InitialContextSetupRequest&) const = default;
};
struct ErabSetupItem {
  std::uint8_t erab_id = 0;
  Bytes transport_layer_address;
  std::uint32_t gtp_teid = 0;
  bool operator==(const ErabSetupItem&) const = default;
};
struct ErabFailedItem {
  std::uint8_t erab_id = 0;
  Cause cause;
  bool operator==(const ErabFailedItem&) const = default;
};
struct InitialContextSetupResponse {
  std::uint32_t mme_ue_id = 0;
  std::uint32_t enb_ue_id = 0;
  std::vector<ErabSetupItem> setup;    // 1..256
  std::vector<ErabFailedItem> failed;  // absent when empty
  bool operator==(const InitialContextSetupResponse&) const = default;
};
struct InitialContextSetupFailure {
  std::uint32_t mme_ue_id = 0;
  std::uint32_t enb_ue_id = 0;
  Cause cause;
  bool operator==(const InitialContextSetupFailure&) const = default;
};
struct UeContextReleaseRequest {
  std::uint32_t mme_ue_id = 0;
  std::uint32_t enb_ue_id = 0;
  Cause cause;
  bool operator==(const UeContextReleaseRequest&) const = default;
};
// UE-S1AP-IDs: the pair, or the MME id alone.
struct UeContextReleaseCommand {
  std::uint32_t mme_ue_id = 0;
  std::optional<std::uint32_t> enb_ue_id;
  Cause cause;
  bool operator==(const UeContextReleaseCommand&) const = default;
};
struct UeContextReleaseComplete {
  std::uint32_t mme_ue_id = 0;
  std::uint32_t enb_ue_id = 0;
  bool operator==(const UeContextReleaseComplete&) const = default;
};
struct UeCapabilityInfoIndication {
  std::uint32_t mme_ue_id = 0;
  std::uint32_t enb_ue_id = 0;
  Bytes ue_radio_capability;  // OCTET STRING (the UECapabilityInformation of TS 36.331, opaque here)
  bool operator==(const UeCapabilityInfoIndication&) const = default;
};
struct ErrorIndication {
  std::optional<std::uint32_t> mme_ue_id;
  std::optional<std::uint32_t> enb_ue_id;
  std::optional<Cause> cause;
  std::optional<CriticalityDiagnostics> diagnostics;
  bool operator==(const ErrorIndication&) const = default;
};
struct UeAssociatedLogicalConnection {  // UE-associatedLogicalS1-ConnectionItem
  std::optional<std::uint32_t> mme_ue_id;
  std::optional<std::uint32_t> enb_ue_id;
  bool operator==(const UeAssociatedLogicalConnection&) const = default;
};
struct Reset {
  Cause cause;
  std::vector<UeAssociatedLogicalConnection> part;  // empty = s1-Interface (reset all)
  bool operator==(const Reset&) const = default;
};
struct ResetAcknowledge {
  std::vector<UeAssociatedLogicalConnection> part;  // absent when empty
  bool operator==(const ResetAcknowledge&) const = default;
};

using Message = std::variant<S1SetupRequest, S1SetupResponse, S1SetupFailure, InitialUeMessage, DownlinkNasTransport,
                             UplinkNasTransport, NasNonDeliveryIndication, InitialContextSetupRequest,
                             InitialContextSetupResponse, InitialContextSetupFailure, UeContextReleaseRequest,
                             UeContextReleaseCommand, UeContextReleaseComplete, UeCapabilityInfoIndication,
                             ErrorIndication, Reset, ResetAcknowledge>;

// The procedure and message type a Message is sent as.
ProcedureCode procedure_of(const Message& m);
MessageType message_type_of(const Message& m);
const char* name_of(const Message& m);  // "S1SetupRequest", ... (as tshark names them)
// Non-UE-associated signalling goes on stream 0 (TS 36.412 7): S1 SETUP, RESET, and an ERROR INDICATION with no
// UE ids.
bool is_ue_associated(const Message& m);

// The whole S1AP-PDU.
Result<Bytes> encode(const Message& m);

struct DecodedPdu {
  Message message;
  std::vector<IeProblem> unknown_ies;  // IEs of ids this codec does not model, in order of appearance
};
// Why a PDU could not be turned into a Message, with what TS 36.413 10.3 needs to answer it.
struct DecodeError {
  enum class Kind : std::uint8_t {
    transfer_syntax,      // not decodable as an S1AP-PDU at all (truncated, bad lengths): ERROR INDICATION with
                          // cause protocol/transfer-syntax-error
    unknown_procedure,    // a procedure code or message type this codec does not handle
    abstract_syntax,      // a mandatory IE missing, a known IE undecodable, or an unknown IE with criticality
                          // reject: answer per procedure_criticality/ies (unsuccessful outcome or ERROR INDICATION)
  };
  Kind kind = Kind::transfer_syntax;
  std::string message;  // human-readable: "InitialUEMessage: mandatory IE id-NAS-PDU (26) missing"
  CriticalityDiagnostics diagnostics;  // procedure code, triggering message and criticality when they were read
  std::optional<std::uint32_t> mme_ue_id;  // the UE ids if they were readable, for a UE-associated answer
  std::optional<std::uint32_t> enb_ue_id;
};
std::expected<DecodedPdu, DecodeError> decode(ByteView pdu);

}  // namespace simbind::s1ap
