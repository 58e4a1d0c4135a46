// The ALIGNED PER encodings of the S1AP IE types simbind uses (TS 36.413 9.2, ASN.1 in 9.3.4 S1AP-IEs), each a put_
// / get_ pair over AperWriter/AperReader. Every SEQUENCE here has the extension marker and an optional
// iE-Extensions: on encoding neither is used; on decoding both are skipped (an extension addition or a
// ProtocolExtensionContainer of any content is stepped over by its lengths).
#pragma once

#include "common/s1ap/aper.h"
#include "common/s1ap/messages.h"

namespace simbind::s1ap::ie {

// The SEQUENCE preamble: extension bit (0 on encoding) and `optional` presence bits (returned on decoding, MSB
// first), the last of which is iE-Extensions by convention here.
void put_preamble(AperWriter& w, std::initializer_list<bool> present);
// Reads extension bit and presence bits; the extension bit is remembered so that end_sequence can skip additions.
struct Preamble {
  bool extended = false;
  std::uint32_t present = 0;  // bit (count - 1 - i) = optional component i
  bool has(unsigned i, unsigned count) const { return (present >> (count - 1 - i)) & 1; }
};
Preamble get_preamble(AperReader& r, unsigned optional_count);
// After the root components: skips iE-Extensions if present (its presence bit is `ext_present`) ... called by the
// component decoder at the point of iE-Extensions; and end_sequence skips extension additions.
void skip_protocol_extensions(AperReader& r);
void end_sequence(AperReader& r, const Preamble& p);

void put_mme_ue_id(AperWriter& w, std::uint32_t v);
std::uint32_t get_mme_ue_id(AperReader& r);
void put_enb_ue_id(AperWriter& w, std::uint32_t v);
std::uint32_t get_enb_ue_id(AperReader& r);
void put_plmn(AperWriter& w, const PlmnOctets& p);
PlmnOctets get_plmn(AperReader& r);
void put_tai(AperWriter& w, const Tai& t);
Tai get_tai(AperReader& r);
void put_ecgi(AperWriter& w, const Ecgi& e);
Ecgi get_ecgi(AperReader& r);
void put_global_enb_id(AperWriter& w, const GlobalEnbId& g);
GlobalEnbId get_global_enb_id(AperReader& r);
void put_name(AperWriter& w, const std::string& name);  // ENBname, MMEname: PrintableString (SIZE (1..150, ...))
std::string get_name(AperReader& r);
void put_supported_tas(AperWriter& w, const std::vector<SupportedTa>& tas);
std::vector<SupportedTa> get_supported_tas(AperReader& r);
void put_served_gummeis(AperWriter& w, const std::vector<ServedGummei>& g);
std::vector<ServedGummei> get_served_gummeis(AperReader& r);
void put_cause(AperWriter& w, const Cause& c);
Cause get_cause(AperReader& r);
void put_criticality_diagnostics(AperWriter& w, const CriticalityDiagnostics& d);
CriticalityDiagnostics get_criticality_diagnostics(AperReader& r);
void put_s_tmsi(AperWriter& w, const STmsi& s);
STmsi get_s_tmsi(AperReader& r);
void put_gummei(AperWriter& w, const Gummei& g);
Gummei get_gummei(AperReader& r);
void put_bit_rate(AperWriter& w, std::uint64_t v);  // BitRate ::= INTEGER (0..10000000000)
std::uint64_t get_bit_rate(AperReader& r);
void put_ue_ambr(AperWriter& w, std::uint64_t dl, std::uint64_t ul);
void get_ue_ambr(AperReader& r, std::uint64_t& dl, std::uint64_t& ul);
void put_erab_id(AperWriter& w, std::uint8_t id);
std::uint8_t get_erab_id(AperReader& r);
void put_transport_layer_address(AperWriter& w, const Bytes& a);
Bytes get_transport_layer_address(AperReader& r);
void put_teid(AperWriter& w, std::uint32_t teid);
std::uint32_t get_teid(AperReader& r);
void put_erab_to_be_setup_item(AperWriter& w, const ErabToBeSetup& e);
ErabToBeSetup get_erab_to_be_setup_item(AperReader& r);
void put_security_capabilities(AperWriter& w, std::uint16_t enc, std::uint16_t integrity);
void get_security_capabilities(AperReader& r, std::uint16_t& enc, std::uint16_t& integrity);
void put_erab_setup_item(AperWriter& w, const ErabSetupItem& e);
ErabSetupItem get_erab_setup_item(AperReader& r);
void put_erab_failed_item(AperWriter& w, const ErabFailedItem& e);
ErabFailedItem get_erab_failed_item(AperReader& r);
void put_logical_connection_item(AperWriter& w, const UeAssociatedLogicalConnection& c);
UeAssociatedLogicalConnection get_logical_connection_item(AperReader& r);

// A protocol IE field and a list of single-container items (ProtocolIE-ContainerList / E-RAB-IE-ContainerList).
struct Field {
  std::uint16_t id = 0;
  Criticality criticality = Criticality::reject;
  ByteView value;  // the open type's octets
};
void put_field(AperWriter& w, std::uint16_t id, Criticality c, const Bytes& value);
Field get_field(AperReader& r);

}  // namespace simbind::s1ap::ie
