// S1AP-PDU framing and the messages of messages.h (TS 36.413 9.1 tables, ASN.1 in 9.3.2/9.3.3): which IEs each
// carries, in which order, with which criticality and presence. The IE encodings are in ies.cpp.
#include "common/s1ap/messages.h"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <functional>
#include <map>
#include <set>

#include "common/s1ap/aper.h"
#include "common/s1ap/ies.h"

namespace simbind::s1ap {
namespace {

using C = Criticality;

// ProtocolIE-IDs (TS 36.413 9.3.6, S1AP-Constants).
enum Id : std::uint16_t {
  kMmeUeId = 0, kCause = 2, kEnbUeId = 8, kErabToBeSetupListCtxtSUReq = 24, kNasPdu = 26, kErabItem = 35,
  kErabFailedToSetupListCtxtSURes = 48, kErabSetupItemCtxtSURes = 50, kErabSetupListCtxtSURes = 51,
  kErabToBeSetupItemCtxtSUReq = 52, kCriticalityDiagnostics = 58, kGlobalEnbId = 59, kEnbName = 60, kMmeName = 61,
  kSupportedTas = 64, kTimeToWait = 65, kUeAmbr = 66, kTai = 67, kSecurityKey = 73, kUeRadioCapability = 74,
  kGummeiId = 75, kRelativeMmeCapacity = 87, kLogicalConnectionItem = 91, kResetType = 92, kLogicalConnectionListResAck = 93,
  kSTmsi = 96, kUeS1apIds = 99, kEutranCgi = 100, kServedGummeis = 105, kUeSecurityCapabilities = 107,
  kRrcEstablishmentCause = 134, kDefaultPagingDrx = 137, kGummeiType = 170,
};

// ---- encoding ---------------------------------------------------------------------------------------------------

class IeList {
 public:
  template <typename Put>
  void add(std::uint16_t id, C criticality, Put put) {
    AperWriter w;
    put(w);
    if (w.problem() && !problem_) problem_ = "IE " + std::to_string(id) + ": " + *w.problem();
    ies_.push_back({id, criticality, w.finish()});
  }
  // The message value: SEQUENCE { protocolIEs ProtocolIE-Container, ... }, or the first IE or length that did not
  // fit its field.
  Result<Bytes> value() const {
    if (problem_) return fail(ErrorCode::invalid_argument, *problem_);
    AperWriter w;
    w.bit(false);
    w.length(ies_.size(), 0, 65535);
    for (const auto& ie : ies_) ie::put_field(w, ie.id, ie.criticality, ie.value);
    if (w.problem()) return fail(ErrorCode::invalid_argument, *w.problem());
    return w.finish();
  }

 private:
  struct Ie {
    std::uint16_t id;
    C criticality;
    Bytes value;
  };
  std::vector<Ie> ies_;
  std::optional<std::string> problem_;  // the first IE that did not fit
};

// A ProtocolIE-ContainerList of single containers, all items of one id and criticality.
template <typename T, typename Put>
void put_item_list(AperWriter& w, const std::vector<T>& items, std::uint16_t id, C criticality, std::size_t ub, Put put) {
  w.length(items.size(), 1, ub);
  for (const auto& item : items) {
    AperWriter inner;
    put(inner, item);
    w.adopt_problem(inner);
    ie::put_field(w, id, criticality, inner.finish());
  }
}

// ---- decoding ---------------------------------------------------------------------------------------------------

// The IEs of one received message: takes the ones it knows, in any order, and reports the rest by criticality.
class IeSet {
 public:
  explicit IeSet(std::vector<ie::Field> fields) : fields_(std::move(fields)) {}

  // Decodes IE `id` with `get`; nullopt when absent (a problem when mandatory) or undecodable (always a problem).
  template <typename T, typename Get>
  std::optional<T> take(std::uint16_t id, C criticality, bool mandatory, Get get) {
    known_.insert(id);
    const auto it = std::find_if(fields_.begin(), fields_.end(), [id](const ie::Field& f) { return f.id == id; });
    if (it == fields_.end()) {
      if (mandatory) problem(IeProblem{id, criticality, IeProblem::Kind::missing}, "mandatory IE " + std::to_string(id) + " missing");
      return std::nullopt;
    }
    AperReader r(it->value);
    T value = get(r);
    if (!r.ok()) {
      problem(IeProblem{id, it->criticality, IeProblem::Kind::not_understood},
              "IE " + std::to_string(id) + " undecodable: " + r.problem());
      return std::nullopt;
    }
    return value;
  }
  // IEs of ids this message does not model: skipped when their criticality allows it.
  void finish(std::vector<IeProblem>& unknown) {
    for (const auto& f : fields_) {
      if (known_.count(f.id)) continue;
      IeProblem p{f.id, f.criticality, IeProblem::Kind::not_understood};
      if (f.criticality == C::reject) {
        problem(p, "IE " + std::to_string(f.id) + " not comprehended, criticality reject");
      } else {
        unknown.push_back(p);
      }
    }
  }
  bool ok() const { return problems_.empty(); }
  const std::vector<IeProblem>& problems() const { return problems_; }
  const std::string& first_problem() const { return first_; }

 private:
  void problem(IeProblem p, const std::string& why) {
    if (problems_.empty()) first_ = why;
    problems_.push_back(p);
  }
  std::vector<ie::Field> fields_;
  std::set<std::uint16_t> known_;
  std::vector<IeProblem> problems_;
  std::string first_;
};

// Decodes a message of type M from its IEs; `build` fills it with IeSet::take calls and reports the UE ids read.
struct Ids {
  std::optional<std::uint32_t> mme, enb;
};

std::uint32_t get_mme(AperReader& r) { return ie::get_mme_ue_id(r); }
std::uint32_t get_enb(AperReader& r) { return ie::get_enb_ue_id(r); }
Bytes get_octets(AperReader& r) { return r.octet_string(); }
Cause get_cause(AperReader& r) { return ie::get_cause(r); }
Tai get_tai(AperReader& r) { return ie::get_tai(r); }
Ecgi get_ecgi(AperReader& r) { return ie::get_ecgi(r); }
CriticalityDiagnostics get_diag(AperReader& r) { return ie::get_criticality_diagnostics(r); }

template <typename T, typename Get>
std::vector<T> get_item_list(AperReader& r, std::uint16_t id, std::size_t ub, Get get) {
  std::vector<T> out;
  const std::size_t n = r.length(1, ub);
  for (std::size_t i = 0; i < n && r.ok(); ++i) {
    const ie::Field f = ie::get_field(r);
    if (!r.ok()) break;
    if (f.id != id) {
      r.fail("list item of IE id " + std::to_string(f.id) + " where " + std::to_string(id) + " belongs");
      break;
    }
    AperReader inner(f.value);
    T item = get(inner);
    if (!inner.ok()) {
      r.fail(inner.problem());
      break;
    }
    out.push_back(std::move(item));
  }
  return out;
}

// ---- per message: encode and decode -------------------------------------------------------------------------------

struct Descriptor {
  ProcedureCode procedure;
  MessageType type;
  C criticality;  // the procedure's (S1AP-PDU-Descriptions)
  const char* name;
};

Descriptor describe(const Message& m) {
  using P = ProcedureCode;
  using T = MessageType;
  return std::visit(
      [](const auto& x) -> Descriptor {
        using M = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<M, S1SetupRequest>) return {P::s1_setup, T::initiating, C::reject, "S1SetupRequest"};
        if constexpr (std::is_same_v<M, S1SetupResponse>) return {P::s1_setup, T::successful_outcome, C::reject, "S1SetupResponse"};
        if constexpr (std::is_same_v<M, S1SetupFailure>) return {P::s1_setup, T::unsuccessful_outcome, C::reject, "S1SetupFailure"};
        if constexpr (std::is_same_v<M, InitialUeMessage>) return {P::initial_ue_message, T::initiating, C::ignore, "InitialUEMessage"};
        if constexpr (std::is_same_v<M, DownlinkNasTransport>) return {P::downlink_nas_transport, T::initiating, C::ignore, "DownlinkNASTransport"};
        if constexpr (std::is_same_v<M, UplinkNasTransport>) return {P::uplink_nas_transport, T::initiating, C::ignore, "UplinkNASTransport"};
        if constexpr (std::is_same_v<M, NasNonDeliveryIndication>) return {P::nas_non_delivery_indication, T::initiating, C::ignore, "NASNonDeliveryIndication"};
        if constexpr (std::is_same_v<M, InitialContextSetupRequest>) return {P::initial_context_setup, T::initiating, C::reject, "InitialContextSetupRequest"};
        if constexpr (std::is_same_v<M, InitialContextSetupResponse>) return {P::initial_context_setup, T::successful_outcome, C::reject, "InitialContextSetupResponse"};
        if constexpr (std::is_same_v<M, InitialContextSetupFailure>) return {P::initial_context_setup, T::unsuccessful_outcome, C::reject, "InitialContextSetupFailure"};
        if constexpr (std::is_same_v<M, UeContextReleaseRequest>) return {P::ue_context_release_request, T::initiating, C::ignore, "UEContextReleaseRequest"};
        if constexpr (std::is_same_v<M, UeContextReleaseCommand>) return {P::ue_context_release, T::initiating, C::reject, "UEContextReleaseCommand"};
        if constexpr (std::is_same_v<M, UeContextReleaseComplete>) return {P::ue_context_release, T::successful_outcome, C::reject, "UEContextReleaseComplete"};
        if constexpr (std::is_same_v<M, UeCapabilityInfoIndication>) return {P::ue_capability_info_indication, T::initiating, C::ignore, "UECapabilityInfoIndication"};
        if constexpr (std::is_same_v<M, ErrorIndication>) return {P::error_indication, T::initiating, C::ignore, "ErrorIndication"};
        if constexpr (std::is_same_v<M, Reset>) return {P::reset, T::initiating, C::reject, "Reset"};
        if constexpr (std::is_same_v<M, ResetAcknowledge>) return {P::reset, T::successful_outcome, C::reject, "ResetAcknowledge"};
        return {P::error_indication, T::initiating, C::ignore, "?"};  // not reached: every alternative is above
      },
      m);
}

void put_octets(AperWriter& w, const Bytes& b) { w.octet_string(b); }

IeList ies_of(const S1SetupRequest& m) {
  IeList l;
  l.add(kGlobalEnbId, C::reject, [&](AperWriter& w) { ie::put_global_enb_id(w, m.global_enb_id); });
  if (m.enb_name) l.add(kEnbName, C::ignore, [&](AperWriter& w) { ie::put_name(w, *m.enb_name); });
  l.add(kSupportedTas, C::reject, [&](AperWriter& w) { ie::put_supported_tas(w, m.supported_tas); });
  l.add(kDefaultPagingDrx, C::ignore, [&](AperWriter& w) {
    w.bit(false);  // PagingDRX ::= ENUMERATED { v32, v64, v128, v256, ... }
    w.constrained(m.default_paging_drx & 3, 0, 3);
  });
  return l;
}
IeList ies_of(const S1SetupResponse& m) {
  IeList l;
  if (m.mme_name) l.add(kMmeName, C::ignore, [&](AperWriter& w) { ie::put_name(w, *m.mme_name); });
  l.add(kServedGummeis, C::reject, [&](AperWriter& w) { ie::put_served_gummeis(w, m.served_gummeis); });
  l.add(kRelativeMmeCapacity, C::ignore, [&](AperWriter& w) { w.constrained(m.relative_mme_capacity, 0, 255); });
  return l;
}
IeList ies_of(const S1SetupFailure& m) {
  IeList l;
  l.add(kCause, C::ignore, [&](AperWriter& w) { ie::put_cause(w, m.cause); });
  if (m.time_to_wait) l.add(kTimeToWait, C::ignore, [&](AperWriter& w) {
    w.bit(false);  // TimeToWait ::= ENUMERATED { v1s, v2s, v5s, v10s, v20s, v60s, ... }
    w.constrained(std::min<unsigned>(*m.time_to_wait, 5), 0, 5);
  });
  if (m.diagnostics) l.add(kCriticalityDiagnostics, C::ignore, [&](AperWriter& w) { ie::put_criticality_diagnostics(w, *m.diagnostics); });
  return l;
}
IeList ies_of(const InitialUeMessage& m) {
  IeList l;
  l.add(kEnbUeId, C::reject, [&](AperWriter& w) { ie::put_enb_ue_id(w, m.enb_ue_id); });
  l.add(kNasPdu, C::reject, [&](AperWriter& w) { put_octets(w, m.nas_pdu); });
  l.add(kTai, C::reject, [&](AperWriter& w) { ie::put_tai(w, m.tai); });
  l.add(kEutranCgi, C::ignore, [&](AperWriter& w) { ie::put_ecgi(w, m.ecgi); });
  l.add(kRrcEstablishmentCause, C::ignore, [&](AperWriter& w) {
    w.bit(false);  // RRC-Establishment-Cause: five root values and an extension marker
    w.constrained(std::min<unsigned>(m.rrc_establishment_cause, 4), 0, 4);
  });
  if (m.s_tmsi) l.add(kSTmsi, C::reject, [&](AperWriter& w) { ie::put_s_tmsi(w, *m.s_tmsi); });
  if (m.gummei) l.add(kGummeiId, C::reject, [&](AperWriter& w) { ie::put_gummei(w, *m.gummei); });
  return l;
}
IeList ies_of(const DownlinkNasTransport& m) {
  IeList l;
  l.add(kMmeUeId, C::reject, [&](AperWriter& w) { ie::put_mme_ue_id(w, m.mme_ue_id); });
  l.add(kEnbUeId, C::reject, [&](AperWriter& w) { ie::put_enb_ue_id(w, m.enb_ue_id); });
  l.add(kNasPdu, C::reject, [&](AperWriter& w) { put_octets(w, m.nas_pdu); });
  return l;
}
IeList ies_of(const UplinkNasTransport& m) {
  IeList l;
  l.add(kMmeUeId, C::reject, [&](AperWriter& w) { ie::put_mme_ue_id(w, m.mme_ue_id); });
  l.add(kEnbUeId, C::reject, [&](AperWriter& w) { ie::put_enb_ue_id(w, m.enb_ue_id); });
  l.add(kNasPdu, C::reject, [&](AperWriter& w) { put_octets(w, m.nas_pdu); });
  l.add(kEutranCgi, C::ignore, [&](AperWriter& w) { ie::put_ecgi(w, m.ecgi); });
  l.add(kTai, C::ignore, [&](AperWriter& w) { ie::put_tai(w, m.tai); });
  return l;
}
IeList ies_of(const NasNonDeliveryIndication& m) {
  IeList l;
  l.add(kMmeUeId, C::reject, [&](AperWriter& w) { ie::put_mme_ue_id(w, m.mme_ue_id); });
  l.add(kEnbUeId, C::reject, [&](AperWriter& w) { ie::put_enb_ue_id(w, m.enb_ue_id); });
  l.add(kNasPdu, C::ignore, [&](AperWriter& w) { put_octets(w, m.nas_pdu); });
  l.add(kCause, C::ignore, [&](AperWriter& w) { ie::put_cause(w, m.cause); });
  return l;
}
IeList ies_of(const InitialContextSetupRequest& m) {
  IeList l;
  l.add(kMmeUeId, C::reject, [&](AperWriter& w) { ie::put_mme_ue_id(w, m.mme_ue_id); });
  l.add(kEnbUeId, C::reject, [&](AperWriter& w) { ie::put_enb_ue_id(w, m.enb_ue_id); });
  l.add(kUeAmbr, C::reject, [&](AperWriter& w) { ie::put_ue_ambr(w, m.ue_ambr_dl, m.ue_ambr_ul); });
  l.add(kErabToBeSetupListCtxtSUReq, C::reject, [&](AperWriter& w) {
    put_item_list(w, m.erabs, kErabToBeSetupItemCtxtSUReq, C::reject, 256, ie::put_erab_to_be_setup_item);
  });
  l.add(kUeSecurityCapabilities, C::reject,
        [&](AperWriter& w) { ie::put_security_capabilities(w, m.encryption_algorithms, m.integrity_algorithms); });
  l.add(kSecurityKey, C::reject, [&](AperWriter& w) { w.octets(m.security_key); });  // BIT STRING (SIZE(256)): aligned
  return l;
}
IeList ies_of(const InitialContextSetupResponse& m) {
  IeList l;
  l.add(kMmeUeId, C::ignore, [&](AperWriter& w) { ie::put_mme_ue_id(w, m.mme_ue_id); });
  l.add(kEnbUeId, C::ignore, [&](AperWriter& w) { ie::put_enb_ue_id(w, m.enb_ue_id); });
  l.add(kErabSetupListCtxtSURes, C::ignore, [&](AperWriter& w) {
    put_item_list(w, m.setup, kErabSetupItemCtxtSURes, C::ignore, 256, ie::put_erab_setup_item);
  });
  if (!m.failed.empty()) l.add(kErabFailedToSetupListCtxtSURes, C::ignore, [&](AperWriter& w) {
    put_item_list(w, m.failed, kErabItem, C::ignore, 256, ie::put_erab_failed_item);
  });
  return l;
}
IeList ies_of(const InitialContextSetupFailure& m) {
  IeList l;
  l.add(kMmeUeId, C::ignore, [&](AperWriter& w) { ie::put_mme_ue_id(w, m.mme_ue_id); });
  l.add(kEnbUeId, C::ignore, [&](AperWriter& w) { ie::put_enb_ue_id(w, m.enb_ue_id); });
  l.add(kCause, C::ignore, [&](AperWriter& w) { ie::put_cause(w, m.cause); });
  return l;
}
IeList ies_of(const UeContextReleaseRequest& m) {
  IeList l;
  l.add(kMmeUeId, C::reject, [&](AperWriter& w) { ie::put_mme_ue_id(w, m.mme_ue_id); });
  l.add(kEnbUeId, C::reject, [&](AperWriter& w) { ie::put_enb_ue_id(w, m.enb_ue_id); });
  l.add(kCause, C::ignore, [&](AperWriter& w) { ie::put_cause(w, m.cause); });
  return l;
}
IeList ies_of(const UeContextReleaseCommand& m) {
  IeList l;
  l.add(kUeS1apIds, C::reject, [&](AperWriter& w) {
    w.bit(false);  // UE-S1AP-IDs ::= CHOICE { uE-S1AP-ID-pair, mME-UE-S1AP-ID, ... }
    w.constrained(m.enb_ue_id ? 0 : 1, 0, 1);
    if (m.enb_ue_id) {
      ie::put_preamble(w, {false});
      ie::put_mme_ue_id(w, m.mme_ue_id);
      ie::put_enb_ue_id(w, *m.enb_ue_id);
    } else {
      ie::put_mme_ue_id(w, m.mme_ue_id);
    }
  });
  l.add(kCause, C::ignore, [&](AperWriter& w) { ie::put_cause(w, m.cause); });
  return l;
}
IeList ies_of(const UeContextReleaseComplete& m) {
  IeList l;
  l.add(kMmeUeId, C::ignore, [&](AperWriter& w) { ie::put_mme_ue_id(w, m.mme_ue_id); });
  l.add(kEnbUeId, C::ignore, [&](AperWriter& w) { ie::put_enb_ue_id(w, m.enb_ue_id); });
  return l;
}
IeList ies_of(const UeCapabilityInfoIndication& m) {
  IeList l;
  l.add(kMmeUeId, C::reject, [&](AperWriter& w) { ie::put_mme_ue_id(w, m.mme_ue_id); });
  l.add(kEnbUeId, C::reject, [&](AperWriter& w) { ie::put_enb_ue_id(w, m.enb_ue_id); });
  l.add(kUeRadioCapability, C::ignore, [&](AperWriter& w) { put_octets(w, m.ue_radio_capability); });
  return l;
}
IeList ies_of(const ErrorIndication& m) {
  IeList l;
  if (m.mme_ue_id) l.add(kMmeUeId, C::ignore, [&](AperWriter& w) { ie::put_mme_ue_id(w, *m.mme_ue_id); });
  if (m.enb_ue_id) l.add(kEnbUeId, C::ignore, [&](AperWriter& w) { ie::put_enb_ue_id(w, *m.enb_ue_id); });
  if (m.cause) l.add(kCause, C::ignore, [&](AperWriter& w) { ie::put_cause(w, *m.cause); });
  if (m.diagnostics) l.add(kCriticalityDiagnostics, C::ignore, [&](AperWriter& w) { ie::put_criticality_diagnostics(w, *m.diagnostics); });
  return l;
}
IeList ies_of(const Reset& m) {
  IeList l;
  l.add(kCause, C::ignore, [&](AperWriter& w) { ie::put_cause(w, m.cause); });
  l.add(kResetType, C::reject, [&](AperWriter& w) {
    w.bit(false);  // ResetType ::= CHOICE { s1-Interface ResetAll, partOfS1-Interface ..., ... }
    w.constrained(m.part.empty() ? 0 : 1, 0, 1);
    if (m.part.empty()) {
      w.bit(false);  // ResetAll ::= ENUMERATED { reset-all, ... }
    } else {
      put_item_list(w, m.part, kLogicalConnectionItem, C::reject, 256, ie::put_logical_connection_item);
    }
  });
  return l;
}
IeList ies_of(const ResetAcknowledge& m) {
  IeList l;
  if (!m.part.empty()) l.add(kLogicalConnectionListResAck, C::ignore, [&](AperWriter& w) {
    put_item_list(w, m.part, kLogicalConnectionItem, C::ignore, 256, ie::put_logical_connection_item);
  });
  return l;
}

// The MME-UE-S1AP-ID and eNB-UE-S1AP-ID pair that most UE-associated messages start with (both mandatory, of the
// same criticality).
template <typename M>
void take_ue_ids(IeSet& s, Ids& ids, M& m, C criticality) {
  ids.mme = s.take<std::uint32_t>(kMmeUeId, criticality, true, get_mme);
  ids.enb = s.take<std::uint32_t>(kEnbUeId, criticality, true, get_enb);
  m.mme_ue_id = ids.mme.value_or(0);
  m.enb_ue_id = ids.enb.value_or(0);
}

// Decoders: fill `m` from `s`, note the UE ids in `ids`.
void fill(IeSet& s, Ids&, S1SetupRequest& m) {
  if (auto v = s.take<GlobalEnbId>(kGlobalEnbId, C::reject, true, ie::get_global_enb_id)) m.global_enb_id = *v;
  m.enb_name = s.take<std::string>(kEnbName, C::ignore, false, ie::get_name);
  if (auto v = s.take<std::vector<SupportedTa>>(kSupportedTas, C::reject, true, ie::get_supported_tas)) m.supported_tas = *v;
  if (auto v = s.take<std::uint8_t>(kDefaultPagingDrx, C::ignore, true, [](AperReader& r) -> std::uint8_t {
        if (r.bit()) return static_cast<std::uint8_t>(4 + r.normally_small());
        return static_cast<std::uint8_t>(r.constrained(0, 3));
      })) {
    m.default_paging_drx = *v;
  }
}
void fill(IeSet& s, Ids&, S1SetupResponse& m) {
  m.mme_name = s.take<std::string>(kMmeName, C::ignore, false, ie::get_name);
  if (auto v = s.take<std::vector<ServedGummei>>(kServedGummeis, C::reject, true, ie::get_served_gummeis)) m.served_gummeis = *v;
  if (auto v = s.take<std::uint8_t>(kRelativeMmeCapacity, C::ignore, true,
                                    [](AperReader& r) { return static_cast<std::uint8_t>(r.constrained(0, 255)); })) {
    m.relative_mme_capacity = *v;
  }
}
void fill(IeSet& s, Ids&, S1SetupFailure& m) {
  if (auto v = s.take<Cause>(kCause, C::ignore, true, get_cause)) m.cause = *v;
  m.time_to_wait = s.take<std::uint8_t>(kTimeToWait, C::ignore, false, [](AperReader& r) -> std::uint8_t {
    if (r.bit()) return static_cast<std::uint8_t>(6 + r.normally_small());
    return static_cast<std::uint8_t>(r.constrained(0, 5));
  });
  m.diagnostics = s.take<CriticalityDiagnostics>(kCriticalityDiagnostics, C::ignore, false, get_diag);
}
void fill(IeSet& s, Ids& ids, InitialUeMessage& m) {
  ids.enb = s.take<std::uint32_t>(kEnbUeId, C::reject, true, get_enb);
  m.enb_ue_id = ids.enb.value_or(0);
  if (auto v = s.take<Bytes>(kNasPdu, C::reject, true, get_octets)) m.nas_pdu = *v;
  if (auto v = s.take<Tai>(kTai, C::reject, true, get_tai)) m.tai = *v;
  if (auto v = s.take<Ecgi>(kEutranCgi, C::ignore, true, get_ecgi)) m.ecgi = *v;
  if (auto v = s.take<std::uint8_t>(kRrcEstablishmentCause, C::ignore, true, [](AperReader& r) -> std::uint8_t {
        if (r.bit()) return static_cast<std::uint8_t>(5 + r.normally_small());
        return static_cast<std::uint8_t>(r.constrained(0, 4));
      })) {
    m.rrc_establishment_cause = *v;
  }
  m.s_tmsi = s.take<STmsi>(kSTmsi, C::reject, false, ie::get_s_tmsi);
  m.gummei = s.take<Gummei>(kGummeiId, C::reject, false, ie::get_gummei);
  // GUMMEIType ::= ENUMERATED { native, mapped, ... }: understood (so never "not comprehended"), not needed.
  s.take<unsigned>(kGummeiType, C::ignore, false, [](AperReader& r) {
    if (r.bit()) return static_cast<unsigned>(2 + r.normally_small());
    return static_cast<unsigned>(r.constrained(0, 1));
  });
}
void fill(IeSet& s, Ids& ids, DownlinkNasTransport& m) {
  take_ue_ids(s, ids, m, C::reject);
  if (auto v = s.take<Bytes>(kNasPdu, C::reject, true, get_octets)) m.nas_pdu = *v;
}
void fill(IeSet& s, Ids& ids, UplinkNasTransport& m) {
  take_ue_ids(s, ids, m, C::reject);
  if (auto v = s.take<Bytes>(kNasPdu, C::reject, true, get_octets)) m.nas_pdu = *v;
  if (auto v = s.take<Ecgi>(kEutranCgi, C::ignore, true, get_ecgi)) m.ecgi = *v;
  if (auto v = s.take<Tai>(kTai, C::ignore, true, get_tai)) m.tai = *v;
}
void fill(IeSet& s, Ids& ids, NasNonDeliveryIndication& m) {
  take_ue_ids(s, ids, m, C::reject);
  if (auto v = s.take<Bytes>(kNasPdu, C::ignore, true, get_octets)) m.nas_pdu = *v;
  if (auto v = s.take<Cause>(kCause, C::ignore, true, get_cause)) m.cause = *v;
}
void fill(IeSet& s, Ids& ids, InitialContextSetupRequest& m) {
  take_ue_ids(s, ids, m, C::reject);
  if (auto v = s.take<std::pair<std::uint64_t, std::uint64_t>>(kUeAmbr, C::reject, true, [](AperReader& r) {
        std::pair<std::uint64_t, std::uint64_t> p;
        ie::get_ue_ambr(r, p.first, p.second);
        return p;
      })) {
    m.ue_ambr_dl = v->first;
    m.ue_ambr_ul = v->second;
  }
  if (auto v = s.take<std::vector<ErabToBeSetup>>(kErabToBeSetupListCtxtSUReq, C::reject, true, [](AperReader& r) {
        return get_item_list<ErabToBeSetup>(r, kErabToBeSetupItemCtxtSUReq, 256, ie::get_erab_to_be_setup_item);
      })) {
    m.erabs = *v;
  }
  if (auto v = s.take<std::pair<std::uint16_t, std::uint16_t>>(kUeSecurityCapabilities, C::reject, true, [](AperReader& r) {
        std::pair<std::uint16_t, std::uint16_t> p{};
        ie::get_security_capabilities(r, p.first, p.second);
        return p;
      })) {
    m.encryption_algorithms = v->first;
    m.integrity_algorithms = v->second;
  }
  if (auto v = s.take<Bytes>(kSecurityKey, C::reject, true, [](AperReader& r) { return r.octets(32); })) {
    std::copy(v->begin(), v->end(), m.security_key.begin());
  }
}
void fill(IeSet& s, Ids& ids, InitialContextSetupResponse& m) {
  take_ue_ids(s, ids, m, C::ignore);
  if (auto v = s.take<std::vector<ErabSetupItem>>(kErabSetupListCtxtSURes, C::ignore, true, [](AperReader& r) {
        return get_item_list<ErabSetupItem>(r, kErabSetupItemCtxtSURes, 256, ie::get_erab_setup_item);
      })) {
    m.setup = *v;
  }
  if (auto v = s.take<std::vector<ErabFailedItem>>(kErabFailedToSetupListCtxtSURes, C::ignore, false, [](AperReader& r) {
        return get_item_list<ErabFailedItem>(r, kErabItem, 256, ie::get_erab_failed_item);
      })) {
    m.failed = *v;
  }
  s.take<CriticalityDiagnostics>(kCriticalityDiagnostics, C::ignore, false, get_diag);
}
void fill(IeSet& s, Ids& ids, InitialContextSetupFailure& m) {
  take_ue_ids(s, ids, m, C::ignore);
  if (auto v = s.take<Cause>(kCause, C::ignore, true, get_cause)) m.cause = *v;
  s.take<CriticalityDiagnostics>(kCriticalityDiagnostics, C::ignore, false, get_diag);
}
void fill(IeSet& s, Ids& ids, UeContextReleaseRequest& m) {
  take_ue_ids(s, ids, m, C::reject);
  if (auto v = s.take<Cause>(kCause, C::ignore, true, get_cause)) m.cause = *v;
}
void fill(IeSet& s, Ids& ids, UeContextReleaseCommand& m) {
  struct Pair {
    std::uint32_t mme = 0;
    std::optional<std::uint32_t> enb;
  };
  if (auto v = s.take<Pair>(kUeS1apIds, C::reject, true, [](AperReader& r) {
        Pair p;
        if (r.bit()) {
          r.fail("UE-S1AP-IDs: an extension choice");
          return p;
        }
        if (r.constrained(0, 1) == 0) {
          const auto pre = ie::get_preamble(r, 1);
          p.mme = ie::get_mme_ue_id(r);
          p.enb = ie::get_enb_ue_id(r);
          if (pre.has(0, 1)) ie::skip_protocol_extensions(r);
          ie::end_sequence(r, pre);
        } else {
          p.mme = ie::get_mme_ue_id(r);
        }
        return p;
      })) {
    m.mme_ue_id = v->mme;
    m.enb_ue_id = v->enb;
    ids.mme = v->mme;
    ids.enb = v->enb;
  }
  if (auto v = s.take<Cause>(kCause, C::ignore, true, get_cause)) m.cause = *v;
}
void fill(IeSet& s, Ids& ids, UeContextReleaseComplete& m) {
  take_ue_ids(s, ids, m, C::ignore);
  s.take<CriticalityDiagnostics>(kCriticalityDiagnostics, C::ignore, false, get_diag);
}
void fill(IeSet& s, Ids& ids, UeCapabilityInfoIndication& m) {
  take_ue_ids(s, ids, m, C::reject);
  if (auto v = s.take<Bytes>(kUeRadioCapability, C::ignore, true, get_octets)) m.ue_radio_capability = *v;
}
void fill(IeSet& s, Ids& ids, ErrorIndication& m) {
  m.mme_ue_id = ids.mme = s.take<std::uint32_t>(kMmeUeId, C::ignore, false, get_mme);
  m.enb_ue_id = ids.enb = s.take<std::uint32_t>(kEnbUeId, C::ignore, false, get_enb);
  m.cause = s.take<Cause>(kCause, C::ignore, false, get_cause);
  m.diagnostics = s.take<CriticalityDiagnostics>(kCriticalityDiagnostics, C::ignore, false, get_diag);
}
void fill(IeSet& s, Ids&, Reset& m) {
  if (auto v = s.take<Cause>(kCause, C::ignore, true, get_cause)) m.cause = *v;
  if (auto v = s.take<std::vector<UeAssociatedLogicalConnection>>(kResetType, C::reject, true, [](AperReader& r) {
        std::vector<UeAssociatedLogicalConnection> part;
        if (r.bit()) {
          r.fail("ResetType: an extension choice");
          return part;
        }
        if (r.constrained(0, 1) == 0) {
          if (r.bit()) r.normally_small();  // ResetAll extension value: still "reset all"
          return part;
        }
        return get_item_list<UeAssociatedLogicalConnection>(r, kLogicalConnectionItem, 256, ie::get_logical_connection_item);
      })) {
    m.part = *v;
  }
}
void fill(IeSet& s, Ids&, ResetAcknowledge& m) {
  if (auto v = s.take<std::vector<UeAssociatedLogicalConnection>>(kLogicalConnectionListResAck, C::ignore, false, [](AperReader& r) {
        return get_item_list<UeAssociatedLogicalConnection>(r, kLogicalConnectionItem, 256, ie::get_logical_connection_item);
      })) {
    m.part = *v;
  }
  s.take<CriticalityDiagnostics>(kCriticalityDiagnostics, C::ignore, false, get_diag);
}

// The message a (procedure, type) pair decodes into; nullopt for the ones not modelled.
std::optional<Message> empty_message(std::uint8_t procedure, MessageType type) {
  using P = ProcedureCode;
  using T = MessageType;
  switch (static_cast<P>(procedure)) {
    case P::s1_setup:
      if (type == T::initiating) return S1SetupRequest{};
      if (type == T::successful_outcome) return S1SetupResponse{};
      return S1SetupFailure{};
    case P::initial_ue_message: if (type == T::initiating) return InitialUeMessage{}; break;
    case P::downlink_nas_transport: if (type == T::initiating) return DownlinkNasTransport{}; break;
    case P::uplink_nas_transport: if (type == T::initiating) return UplinkNasTransport{}; break;
    case P::nas_non_delivery_indication: if (type == T::initiating) return NasNonDeliveryIndication{}; break;
    case P::initial_context_setup:
      if (type == T::initiating) return InitialContextSetupRequest{};
      if (type == T::successful_outcome) return InitialContextSetupResponse{};
      return InitialContextSetupFailure{};
    case P::ue_context_release_request: if (type == T::initiating) return UeContextReleaseRequest{}; break;
    case P::ue_context_release:
      if (type == T::initiating) return UeContextReleaseCommand{};
      if (type == T::successful_outcome) return UeContextReleaseComplete{};
      break;
    case P::ue_capability_info_indication: if (type == T::initiating) return UeCapabilityInfoIndication{}; break;
    case P::error_indication: if (type == T::initiating) return ErrorIndication{}; break;
    case P::reset:
      if (type == T::initiating) return Reset{};
      if (type == T::successful_outcome) return ResetAcknowledge{};
      break;
  }
  return std::nullopt;
}

const char* group_name(Cause::Group g) {
  switch (g) {
    case Cause::Group::radio_network: return "radio-network";
    case Cause::Group::transport: return "transport";
    case Cause::Group::nas: return "nas";
    case Cause::Group::protocol: return "protocol";
    case Cause::Group::misc: return "misc";
  }
  return "?";
}

}  // namespace

std::string to_string(const Cause& c) {
  static const std::map<std::pair<int, int>, const char*> names = {
      {{0, 0}, "unspecified"}, {{0, 3}, "release-due-to-eutran-generated-reason"}, {{0, 13}, "unknown-mme-ue-s1ap-id"},
      {{0, 14}, "unknown-enb-ue-s1ap-id"}, {{0, 15}, "unknown-pair-ue-s1ap-id"}, {{0, 20}, "user-inactivity"},
      {{0, 21}, "radio-connection-with-ue-lost"}, {{0, 26}, "failure-in-radio-interface-procedure"},
      {{1, 0}, "transport-resource-unavailable"}, {{1, 1}, "unspecified"}, {{2, 0}, "normal-release"},
      {{2, 1}, "authentication-failure"}, {{2, 2}, "detach"}, {{2, 3}, "unspecified"},
      {{3, 0}, "transfer-syntax-error"}, {{3, 1}, "abstract-syntax-error-reject"},
      {{3, 2}, "abstract-syntax-error-ignore-and-notify"}, {{3, 3}, "message-not-compatible-with-receiver-state"},
      {{3, 4}, "semantic-error"}, {{3, 5}, "abstract-syntax-error-falsely-constructed-message"}, {{3, 6}, "unspecified"},
      {{4, 0}, "control-processing-overload"}, {{4, 1}, "not-enough-user-plane-processing-resources"},
      {{4, 2}, "hardware-failure"}, {{4, 3}, "om-intervention"}, {{4, 4}, "unspecified"}, {{4, 5}, "unknown-PLMN"}};
  const auto it = names.find({static_cast<int>(c.group), c.value});
  return std::string(group_name(c.group)) + ": " + (it != names.end() ? it->second : "value") + " (" +
         std::to_string(c.value) + ")";
}

bool is_printable_name(const std::string& name) {
  if (name.empty() || name.size() > 150) return false;
  return std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view(" '()+,-./:=?").find(static_cast<char>(c)) != std::string_view::npos;
  });
}

unsigned time_to_wait_seconds(std::uint8_t index) {
  static constexpr unsigned seconds[] = {1, 2, 5, 10, 20, 60};
  return index < 6 ? seconds[index] : 60;
}

ProcedureCode procedure_of(const Message& m) { return describe(m).procedure; }
MessageType message_type_of(const Message& m) { return describe(m).type; }
const char* name_of(const Message& m) { return describe(m).name; }

bool is_ue_associated(const Message& m) {
  if (std::holds_alternative<S1SetupRequest>(m) || std::holds_alternative<S1SetupResponse>(m) ||
      std::holds_alternative<S1SetupFailure>(m) || std::holds_alternative<Reset>(m) ||
      std::holds_alternative<ResetAcknowledge>(m)) {
    return false;
  }
  if (const auto* e = std::get_if<ErrorIndication>(&m)) return e->mme_ue_id || e->enb_ue_id;
  return true;
}

Result<Bytes> encode(const Message& m) {
  const Descriptor d = describe(m);
  const IeList ies = std::visit([](const auto& x) { return ies_of(x); }, m);
  const auto value = ies.value();
  if (!value) return fail(ErrorCode::invalid_argument, std::string(d.name) + ": " + value.error().message);
  AperWriter w;
  w.bit(false);  // S1AP-PDU ::= CHOICE { initiatingMessage, successfulOutcome, unsuccessfulOutcome, ... }
  w.constrained(static_cast<unsigned>(d.type), 0, 2);
  w.constrained(static_cast<unsigned>(d.procedure), 0, 255);
  w.constrained(static_cast<unsigned>(d.criticality), 0, 2);
  w.open_type(*value);  // a value of 16384 octets or more needs fragmentation: refused here
  if (w.problem()) return fail(ErrorCode::invalid_argument, std::string(d.name) + ": " + *w.problem());
  return w.finish();
}

std::expected<DecodedPdu, DecodeError> decode(ByteView pdu) {
  DecodeError error;
  AperReader r(pdu);
  if (r.bit()) {
    error.kind = DecodeError::Kind::unknown_procedure;
    error.message = "S1AP-PDU: an extension choice";
    return std::unexpected(error);
  }
  const auto type = static_cast<MessageType>(r.constrained(0, 2));
  const auto procedure = static_cast<std::uint8_t>(r.constrained(0, 255));
  const auto criticality = static_cast<Criticality>(r.constrained(0, 2));
  const ByteView value = r.open_type();
  if (!r.ok()) {
    error.kind = DecodeError::Kind::transfer_syntax;
    error.message = "S1AP-PDU: " + r.problem();
    return std::unexpected(error);
  }
  error.diagnostics.procedure_code = procedure;
  error.diagnostics.triggering_message = type;
  error.diagnostics.procedure_criticality = criticality;

  // The message value: SEQUENCE { protocolIEs ProtocolIE-Container, ... }.
  AperReader v(value);
  const bool extended = v.bit();
  std::vector<ie::Field> fields;
  const std::size_t n = v.length(0, 65535);
  for (std::size_t i = 0; i < n && v.ok(); ++i) fields.push_back(ie::get_field(v));
  if (extended && v.ok()) {
    ie::Preamble p;
    p.extended = true;
    ie::end_sequence(v, p);
  }
  if (!v.ok()) {
    error.kind = DecodeError::Kind::transfer_syntax;
    error.message = "S1AP message value (procedure " + std::to_string(procedure) + "): " + v.problem();
    return std::unexpected(error);
  }

  auto message = empty_message(procedure, type);
  if (!message) {
    error.kind = DecodeError::Kind::unknown_procedure;
    error.message = "procedure code " + std::to_string(procedure) + " (message type " +
                    std::to_string(static_cast<int>(type)) + ") is not handled";
    // Its UE ids, if the usual IEs carry them, for a UE-associated ERROR INDICATION.
    IeSet s(fields);
    error.mme_ue_id = s.take<std::uint32_t>(kMmeUeId, C::ignore, false, get_mme);
    error.enb_ue_id = s.take<std::uint32_t>(kEnbUeId, C::ignore, false, get_enb);
    return std::unexpected(error);
  }
  IeSet s(std::move(fields));
  Ids ids;
  std::visit([&](auto& m) { fill(s, ids, m); }, *message);
  DecodedPdu out{std::move(*message), {}};
  s.finish(out.unknown_ies);
  if (!s.ok()) {
    error.kind = DecodeError::Kind::abstract_syntax;
    error.message = std::string(name_of(out.message)) + ": " + s.first_problem();
    error.diagnostics.ies = s.problems();
    error.mme_ue_id = ids.mme;
    error.enb_ue_id = ids.enb;
    return std::unexpected(error);
  }
  return out;
}

}  // namespace simbind::s1ap
