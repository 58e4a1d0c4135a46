#include "common/s1ap/ies.h"

#include <algorithm>

namespace simbind::s1ap::ie {
namespace {

// Root values of the Cause enumerations (TS 36.413 9.3.4: CauseRadioNetwork .. CauseMisc); later values are
// extension additions.
constexpr unsigned kCauseRoots[5] = {36, 2, 4, 7, 6};

// ENUMERATED with an extension marker: the root index in a bit-field, an addition as a normally small number.
void put_enum_ext(AperWriter& w, unsigned value, unsigned roots) {
  if (value < roots) {
    w.bit(false);
    w.constrained(value, 0, roots - 1);
  } else {
    w.bit(true);
    w.normally_small(value - roots);
  }
}
unsigned get_enum_ext(AperReader& r, unsigned roots) {
  if (r.bit()) return roots + static_cast<unsigned>(r.normally_small());
  return static_cast<unsigned>(r.constrained(0, roots - 1));
}

// SEQUENCE (SIZE (lb..ub)) OF: the count.
std::size_t get_count(AperReader& r, std::size_t lb, std::size_t ub) { return r.length(lb, ub); }

}  // namespace

void put_preamble(AperWriter& w, std::initializer_list<bool> present) {
  w.bit(false);
  for (bool p : present) w.bit(p);
}

Preamble get_preamble(AperReader& r, unsigned optional_count) {
  Preamble p;
  p.extended = r.bit();
  p.present = static_cast<std::uint32_t>(r.bits(optional_count));
  return p;
}

void skip_protocol_extensions(AperReader& r) {
  // ProtocolExtensionContainer ::= SEQUENCE (SIZE (1..maxProtocolExtensions)) OF ProtocolExtensionField
  const std::size_t n = r.length(1, 65535);
  for (std::size_t i = 0; i < n && r.ok(); ++i) {
    r.constrained(0, 65535);  // id
    r.bits(2);                // criticality
    r.skip_open_type();       // extensionValue
  }
}

void end_sequence(AperReader& r, const Preamble& p) {
  if (!p.extended) return;
  // Extension additions (X.691 19.7): a normally small length of the presence bitmap, the bitmap, and each present
  // addition as an open type.
  const std::size_t n = static_cast<std::size_t>(r.normally_small()) + 1;
  std::size_t present = 0;
  for (std::size_t i = 0; i < n; ++i) present += r.bit() ? 1 : 0;
  for (std::size_t i = 0; i < present && r.ok(); ++i) r.skip_open_type();
}

void put_mme_ue_id(AperWriter& w, std::uint32_t v) { w.constrained(v, 0, 4294967295ull); }
std::uint32_t get_mme_ue_id(AperReader& r) { return static_cast<std::uint32_t>(r.constrained(0, 4294967295ull)); }
void put_enb_ue_id(AperWriter& w, std::uint32_t v) { w.constrained(v & 0xFFFFFF, 0, 16777215); }
std::uint32_t get_enb_ue_id(AperReader& r) { return static_cast<std::uint32_t>(r.constrained(0, 16777215)); }

void put_plmn(AperWriter& w, const PlmnOctets& p) { w.octets(p); }  // OCTET STRING (SIZE (3)): aligned
PlmnOctets get_plmn(AperReader& r) {
  const Bytes b = r.octets(3);
  PlmnOctets p{};
  if (b.size() == 3) std::copy(b.begin(), b.end(), p.begin());
  return p;
}

void put_tai(AperWriter& w, const Tai& t) {
  put_preamble(w, {false});
  put_plmn(w, t.plmn);
  w.bits(t.tac, 16);  // TAC ::= OCTET STRING (SIZE (2)): two octets or fewer are not aligned
}
Tai get_tai(AperReader& r) {
  const auto p = get_preamble(r, 1);
  Tai t;
  t.plmn = get_plmn(r);
  t.tac = static_cast<std::uint16_t>(r.bits(16));
  if (p.has(0, 1)) skip_protocol_extensions(r);
  end_sequence(r, p);
  return t;
}

void put_ecgi(AperWriter& w, const Ecgi& e) {
  put_preamble(w, {false});
  put_plmn(w, e.plmn);
  w.align();  // CellIdentity ::= BIT STRING (SIZE (28)): more than 16 bits, aligned
  w.bits(e.cell_id & 0x0FFFFFFF, 28);
}
Ecgi get_ecgi(AperReader& r) {
  const auto p = get_preamble(r, 1);
  Ecgi e;
  e.plmn = get_plmn(r);
  r.align();
  e.cell_id = static_cast<std::uint32_t>(r.bits(28));
  if (p.has(0, 1)) skip_protocol_extensions(r);
  end_sequence(r, p);
  return e;
}

void put_global_enb_id(AperWriter& w, const GlobalEnbId& g) {
  put_preamble(w, {false});
  put_plmn(w, g.plmn);
  // ENB-ID ::= CHOICE { macroENB-ID BIT STRING (SIZE(20)), homeENB-ID BIT STRING (SIZE(28)), ... }
  w.bit(false);
  w.constrained(0, 0, 1);
  w.align();
  w.bits(g.macro_enb_id & 0xFFFFF, 20);
}
GlobalEnbId get_global_enb_id(AperReader& r) {
  const auto p = get_preamble(r, 1);
  GlobalEnbId g;
  g.plmn = get_plmn(r);
  if (r.bit()) {
    r.fail("ENB-ID: short or long macro eNB ids (extension choices) are not supported");
    return g;
  }
  if (r.constrained(0, 1) != 0) {
    r.fail("ENB-ID: home eNB ids are not supported");
    return g;
  }
  r.align();
  g.macro_enb_id = static_cast<std::uint32_t>(r.bits(20));
  if (p.has(0, 1)) skip_protocol_extensions(r);
  end_sequence(r, p);
  return g;
}

void put_name(AperWriter& w, const std::string& name) {
  // PrintableString (SIZE (1..150, ...)): extension bit, length in 1..150, then 8-bit characters (ALIGNED rounds the
  // 7 bits of PrintableString's alphabet up to 8), octet-aligned as 150 x 8 bits exceed 16.
  const std::size_t n = std::min<std::size_t>(std::max<std::size_t>(name.size(), 1), 150);
  w.bit(false);
  w.length(n, 1, 150);
  w.align();
  for (std::size_t i = 0; i < n; ++i) w.bits(i < name.size() ? static_cast<std::uint8_t>(name[i]) : ' ', 8);
}
std::string get_name(AperReader& r) {
  if (r.bit()) {
    r.fail("name longer than 150 characters (size extension)");
    return {};
  }
  const std::size_t n = r.length(1, 150);
  const Bytes b = r.octets(n);
  return std::string(b.begin(), b.end());
}

void put_supported_tas(AperWriter& w, const std::vector<SupportedTa>& tas) {
  w.length(tas.size(), 1, 256);
  for (const auto& ta : tas) {
    put_preamble(w, {false});
    w.bits(ta.tac, 16);
    w.length(ta.broadcast_plmns.size(), 1, 6);
    for (const auto& p : ta.broadcast_plmns) put_plmn(w, p);
  }
}
std::vector<SupportedTa> get_supported_tas(AperReader& r) {
  std::vector<SupportedTa> out;
  const std::size_t n = get_count(r, 1, 256);
  for (std::size_t i = 0; i < n && r.ok(); ++i) {
    const auto p = get_preamble(r, 1);
    SupportedTa ta;
    ta.tac = static_cast<std::uint16_t>(r.bits(16));
    const std::size_t m = get_count(r, 1, 6);
    for (std::size_t j = 0; j < m && r.ok(); ++j) ta.broadcast_plmns.push_back(get_plmn(r));
    if (p.has(0, 1)) skip_protocol_extensions(r);
    end_sequence(r, p);
    out.push_back(std::move(ta));
  }
  return out;
}

void put_served_gummeis(AperWriter& w, const std::vector<ServedGummei>& gummeis) {
  w.length(gummeis.size(), 1, 8);  // maxnoofRATs
  for (const auto& g : gummeis) {
    put_preamble(w, {false});
    w.length(g.plmns.size(), 1, 32);  // maxnoofPLMNsPerMME
    for (const auto& p : g.plmns) put_plmn(w, p);
    w.length(g.mme_group_ids.size(), 1, 65535);  // maxnoofGroupIDs
    for (auto id : g.mme_group_ids) w.bits(id, 16);
    w.length(g.mme_codes.size(), 1, 256);  // maxnoofMMECs
    for (auto c : g.mme_codes) w.bits(c, 8);
  }
}
std::vector<ServedGummei> get_served_gummeis(AperReader& r) {
  std::vector<ServedGummei> out;
  const std::size_t n = get_count(r, 1, 8);
  for (std::size_t i = 0; i < n && r.ok(); ++i) {
    const auto p = get_preamble(r, 1);
    ServedGummei g;
    const std::size_t np = get_count(r, 1, 32);
    for (std::size_t j = 0; j < np && r.ok(); ++j) g.plmns.push_back(get_plmn(r));
    const std::size_t ng = get_count(r, 1, 65535);
    for (std::size_t j = 0; j < ng && r.ok(); ++j) g.mme_group_ids.push_back(static_cast<std::uint16_t>(r.bits(16)));
    const std::size_t nc = get_count(r, 1, 256);
    for (std::size_t j = 0; j < nc && r.ok(); ++j) g.mme_codes.push_back(static_cast<std::uint8_t>(r.bits(8)));
    if (p.has(0, 1)) skip_protocol_extensions(r);
    end_sequence(r, p);
    out.push_back(std::move(g));
  }
  return out;
}

void put_cause(AperWriter& w, const Cause& c) {
  const auto group = static_cast<unsigned>(c.group);
  w.bit(false);  // Cause ::= CHOICE { radioNetwork, transport, nas, protocol, misc, ... }
  w.constrained(group, 0, 4);
  put_enum_ext(w, c.value, kCauseRoots[group]);
}
Cause get_cause(AperReader& r) {
  Cause c;
  if (r.bit()) {
    r.fail("Cause: an extension choice");
    return c;
  }
  const auto group = static_cast<unsigned>(r.constrained(0, 4));
  c.group = static_cast<Cause::Group>(group);
  c.value = static_cast<std::uint8_t>(get_enum_ext(r, kCauseRoots[group]));
  return c;
}

void put_criticality_diagnostics(AperWriter& w, const CriticalityDiagnostics& d) {
  put_preamble(w, {d.procedure_code.has_value(), d.triggering_message.has_value(), d.procedure_criticality.has_value(),
                   !d.ies.empty(), false});
  if (d.procedure_code) w.constrained(*d.procedure_code, 0, 255);
  if (d.triggering_message) w.constrained(static_cast<unsigned>(*d.triggering_message), 0, 2);
  if (d.procedure_criticality) w.constrained(static_cast<unsigned>(*d.procedure_criticality), 0, 2);
  if (!d.ies.empty()) {
    const std::size_t n = std::min<std::size_t>(d.ies.size(), 256);  // maxnoofErrors
    w.length(n, 1, 256);
    for (std::size_t i = 0; i < n; ++i) {
      const auto& ie = d.ies[i];
      put_preamble(w, {false});
      w.constrained(static_cast<unsigned>(ie.criticality), 0, 2);
      w.constrained(ie.id, 0, 65535);
      put_enum_ext(w, static_cast<unsigned>(ie.kind), 2);  // TypeOfError ::= ENUMERATED {not-understood, missing, ...}
    }
  }
}
CriticalityDiagnostics get_criticality_diagnostics(AperReader& r) {
  const auto p = get_preamble(r, 5);
  CriticalityDiagnostics d;
  if (p.has(0, 5)) d.procedure_code = static_cast<std::uint8_t>(r.constrained(0, 255));
  if (p.has(1, 5)) d.triggering_message = static_cast<MessageType>(r.constrained(0, 2));
  if (p.has(2, 5)) d.procedure_criticality = static_cast<Criticality>(r.constrained(0, 2));
  if (p.has(3, 5)) {
    const std::size_t n = get_count(r, 1, 256);
    for (std::size_t i = 0; i < n && r.ok(); ++i) {
      const auto ip = get_preamble(r, 1);
      IeProblem ie;
      ie.criticality = static_cast<Criticality>(r.constrained(0, 2));
      ie.id = static_cast<std::uint16_t>(r.constrained(0, 65535));
      ie.kind = static_cast<IeProblem::Kind>(std::min(get_enum_ext(r, 2), 1u));
      if (ip.has(0, 1)) skip_protocol_extensions(r);
      end_sequence(r, ip);
      d.ies.push_back(ie);
    }
  }
  if (p.has(4, 5)) skip_protocol_extensions(r);
  end_sequence(r, p);
  return d;
}

void put_s_tmsi(AperWriter& w, const STmsi& s) {
  put_preamble(w, {false});
  w.bits(s.mme_code, 8);  // MME-Code ::= OCTET STRING (SIZE (1))
  w.align();              // M-TMSI ::= OCTET STRING (SIZE (4))
  w.bits(s.m_tmsi, 32);
}
STmsi get_s_tmsi(AperReader& r) {
  const auto p = get_preamble(r, 1);
  STmsi s;
  s.mme_code = static_cast<std::uint8_t>(r.bits(8));
  r.align();
  s.m_tmsi = static_cast<std::uint32_t>(r.bits(32));
  if (p.has(0, 1)) skip_protocol_extensions(r);
  end_sequence(r, p);
  return s;
}

void put_gummei(AperWriter& w, const Gummei& g) {
  put_preamble(w, {false});
  put_plmn(w, g.plmn);
  w.bits(g.mme_group_id, 16);  // MME-Group-ID ::= OCTET STRING (SIZE (2))
  w.bits(g.mme_code, 8);       // MME-Code ::= OCTET STRING (SIZE (1))
}
Gummei get_gummei(AperReader& r) {
  const auto p = get_preamble(r, 1);
  Gummei g;
  g.plmn = get_plmn(r);
  g.mme_group_id = static_cast<std::uint16_t>(r.bits(16));
  g.mme_code = static_cast<std::uint8_t>(r.bits(8));
  if (p.has(0, 1)) skip_protocol_extensions(r);
  end_sequence(r, p);
  return g;
}

void put_bit_rate(AperWriter& w, std::uint64_t v) { w.constrained(std::min<std::uint64_t>(v, 10'000'000'000ull), 0, 10'000'000'000ull); }
std::uint64_t get_bit_rate(AperReader& r) { return r.constrained(0, 10'000'000'000ull); }

void put_ue_ambr(AperWriter& w, std::uint64_t dl, std::uint64_t ul) {
  put_preamble(w, {false});
  put_bit_rate(w, dl);
  put_bit_rate(w, ul);
}
void get_ue_ambr(AperReader& r, std::uint64_t& dl, std::uint64_t& ul) {
  const auto p = get_preamble(r, 1);
  dl = get_bit_rate(r);
  ul = get_bit_rate(r);
  if (p.has(0, 1)) skip_protocol_extensions(r);
  end_sequence(r, p);
}

void put_erab_id(AperWriter& w, std::uint8_t id) {
  w.bit(false);  // E-RAB-ID ::= INTEGER (0..15, ...)
  w.constrained(id & 0x0f, 0, 15);
}
std::uint8_t get_erab_id(AperReader& r) {
  if (r.bit()) {
    r.fail("E-RAB-ID above 15 (extension)");
    return 0;
  }
  return static_cast<std::uint8_t>(r.constrained(0, 15));
}

void put_transport_layer_address(AperWriter& w, const Bytes& a) {
  // TransportLayerAddress ::= BIT STRING (SIZE(1..160, ...)): extension bit, length in bits, aligned bits.
  const std::size_t bits = std::clamp<std::size_t>(a.size() * 8, 1, 160);
  w.bit(false);
  w.length(bits, 1, 160);
  w.align();
  for (std::size_t i = 0; i < bits / 8; ++i) w.bits(a[i], 8);
}
Bytes get_transport_layer_address(AperReader& r) {
  if (r.bit()) {
    r.fail("TransportLayerAddress longer than 160 bits (extension)");
    return {};
  }
  const std::size_t bits = r.length(1, 160);
  r.align();
  Bytes out;
  for (std::size_t i = 0; i + 8 <= bits; i += 8) out.push_back(static_cast<std::uint8_t>(r.bits(8)));
  if (bits % 8) out.push_back(static_cast<std::uint8_t>(r.bits(bits % 8) << (8 - bits % 8)));
  return out;
}

void put_teid(AperWriter& w, std::uint32_t teid) {
  w.align();  // GTP-TEID ::= OCTET STRING (SIZE (4))
  w.bits(teid, 32);
}
std::uint32_t get_teid(AperReader& r) {
  r.align();
  return static_cast<std::uint32_t>(r.bits(32));
}

void put_erab_to_be_setup_item(AperWriter& w, const ErabToBeSetup& e) {
  put_preamble(w, {e.nas_pdu.has_value(), false});
  put_erab_id(w, e.erab_id);
  // E-RABLevelQoSParameters ::= SEQUENCE { qCI, allocationRetentionPriority, gbrQosInformation OPTIONAL,
  // iE-Extensions OPTIONAL, ... }
  put_preamble(w, {false, false});
  w.constrained(e.qci, 0, 255);
  // AllocationAndRetentionPriority ::= SEQUENCE { priorityLevel (0..15), pre-emptionCapability,
  // pre-emptionVulnerability, iE-Extensions OPTIONAL, ... }
  put_preamble(w, {false});
  w.constrained(e.arp_priority & 0x0f, 0, 15);
  w.bit(e.pre_emption_capability);
  w.bit(e.pre_emption_vulnerability);
  put_transport_layer_address(w, e.transport_layer_address);
  put_teid(w, e.gtp_teid);
  if (e.nas_pdu) w.octet_string(*e.nas_pdu);
}
ErabToBeSetup get_erab_to_be_setup_item(AperReader& r) {
  const auto p = get_preamble(r, 2);
  ErabToBeSetup e;
  e.erab_id = get_erab_id(r);
  const auto q = get_preamble(r, 2);
  e.qci = static_cast<std::uint8_t>(r.constrained(0, 255));
  const auto a = get_preamble(r, 1);
  e.arp_priority = static_cast<std::uint8_t>(r.constrained(0, 15));
  e.pre_emption_capability = r.bit();
  e.pre_emption_vulnerability = r.bit();
  if (a.has(0, 1)) skip_protocol_extensions(r);
  end_sequence(r, a);
  if (q.has(0, 2)) {
    r.fail("E-RAB with GBR QoS information: not supported (default bearers only)");
    return e;
  }
  if (q.has(1, 2)) skip_protocol_extensions(r);
  end_sequence(r, q);
  e.transport_layer_address = get_transport_layer_address(r);
  e.gtp_teid = get_teid(r);
  if (p.has(0, 2)) e.nas_pdu = r.octet_string();
  if (p.has(1, 2)) skip_protocol_extensions(r);
  end_sequence(r, p);
  return e;
}

void put_security_capabilities(AperWriter& w, std::uint16_t enc, std::uint16_t integrity) {
  put_preamble(w, {false});
  w.bit(false);  // EncryptionAlgorithms ::= BIT STRING (SIZE (16, ...)): 16 bits, not aligned
  w.bits(enc, 16);
  w.bit(false);
  w.bits(integrity, 16);
}
void get_security_capabilities(AperReader& r, std::uint16_t& enc, std::uint16_t& integrity) {
  const auto p = get_preamble(r, 1);
  for (std::uint16_t* v : {&enc, &integrity}) {
    if (r.bit()) {
      r.fail("security capability bit string longer than 16 bits (extension)");
      return;
    }
    *v = static_cast<std::uint16_t>(r.bits(16));
  }
  if (p.has(0, 1)) skip_protocol_extensions(r);
  end_sequence(r, p);
}

void put_erab_setup_item(AperWriter& w, const ErabSetupItem& e) {
  put_preamble(w, {false});
  put_erab_id(w, e.erab_id);
  put_transport_layer_address(w, e.transport_layer_address);
  put_teid(w, e.gtp_teid);
}
ErabSetupItem get_erab_setup_item(AperReader& r) {
  const auto p = get_preamble(r, 1);
  ErabSetupItem e;
  e.erab_id = get_erab_id(r);
  e.transport_layer_address = get_transport_layer_address(r);
  e.gtp_teid = get_teid(r);
  if (p.has(0, 1)) skip_protocol_extensions(r);
  end_sequence(r, p);
  return e;
}

void put_erab_failed_item(AperWriter& w, const ErabFailedItem& e) {
  put_preamble(w, {false});
  put_erab_id(w, e.erab_id);
  put_cause(w, e.cause);
}
ErabFailedItem get_erab_failed_item(AperReader& r) {
  const auto p = get_preamble(r, 1);
  ErabFailedItem e;
  e.erab_id = get_erab_id(r);
  e.cause = get_cause(r);
  if (p.has(0, 1)) skip_protocol_extensions(r);
  end_sequence(r, p);
  return e;
}

void put_logical_connection_item(AperWriter& w, const UeAssociatedLogicalConnection& c) {
  put_preamble(w, {c.mme_ue_id.has_value(), c.enb_ue_id.has_value(), false});
  if (c.mme_ue_id) put_mme_ue_id(w, *c.mme_ue_id);
  if (c.enb_ue_id) put_enb_ue_id(w, *c.enb_ue_id);
}
UeAssociatedLogicalConnection get_logical_connection_item(AperReader& r) {
  const auto p = get_preamble(r, 3);
  UeAssociatedLogicalConnection c;
  if (p.has(0, 3)) c.mme_ue_id = get_mme_ue_id(r);
  if (p.has(1, 3)) c.enb_ue_id = get_enb_ue_id(r);
  if (p.has(2, 3)) skip_protocol_extensions(r);
  end_sequence(r, p);
  return c;
}

void put_field(AperWriter& w, std::uint16_t id, Criticality c, const Bytes& value) {
  w.constrained(id, 0, 65535);
  w.constrained(static_cast<unsigned>(c), 0, 2);
  w.open_type(value);
}
Field get_field(AperReader& r) {
  Field f;
  f.id = static_cast<std::uint16_t>(r.constrained(0, 65535));
  f.criticality = static_cast<Criticality>(r.constrained(0, 2));
  f.value = r.open_type();
  return f;
}

}  // namespace simbind::s1ap::ie
