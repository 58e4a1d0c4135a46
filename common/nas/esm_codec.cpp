// ESM message encoding and decoding (TS 24.301 8.3, IE formats of 9.9.4).
#include "common/nas/esm_messages.h"
#include "common/nas/security_envelope.h"
#include "common/util/hex.h"

namespace simbind::nas {
namespace {

std::unexpected<Error> bad(const std::string& what) { return fail(ErrorCode::invalid_argument, what); }

Writer header(const EsmHeader& h, std::uint8_t type) {
  Writer w;
  w.u8(static_cast<std::uint8_t>(h.ebi << 4 | kProtocolDiscriminatorEsm)).u8(h.pti).u8(type);
  return w;
}

Result<Bytes> encode(const PdnConnectivityRequest& m) {
  Writer w = header(m.header, esm_type::pdn_connectivity_request);
  w.u8(static_cast<std::uint8_t>((m.pdn_type & 0x07) << 4 | (m.request_type & 0x07)));
  if (m.apn) {
    auto apn = encode_apn(*m.apn);
    if (!apn) return std::unexpected(apn.error());
    w.tlv(0x28, *apn, "access point name");
  }
  return w.take();
}
Result<Bytes> encode(const PdnConnectivityReject& m) {
  return header(m.header, esm_type::pdn_connectivity_reject).u8(m.esm_cause).take();
}
// PDN address value (TS 24.301 9.9.4.9): the PDN type octet, then IPv4, the IPv6 interface identifier, or both
// (identifier first).
Bytes pdn_address(const ActivateDefaultBearerRequest& m) {
  Bytes v{static_cast<std::uint8_t>(m.pdn_type & 0x07)};
  if (m.pdn_type == pdn_type::ipv6 || m.pdn_type == pdn_type::ipv4v6) v.insert(v.end(), m.ipv6_iid.begin(), m.ipv6_iid.end());
  if (m.pdn_type == pdn_type::ipv4 || m.pdn_type == pdn_type::ipv4v6) v.insert(v.end(), m.ipv4.begin(), m.ipv4.end());
  return v;
}

Result<Bytes> encode(const ActivateDefaultBearerRequest& m) {
  auto apn = encode_apn(m.apn);
  if (!apn) return std::unexpected(apn.error());
  Writer w = header(m.header, esm_type::activate_default_bearer_request);
  w.lv(Bytes{m.qci}, "EPS QoS").lv(*apn, "access point name").lv(pdn_address(m), "PDN address");
  if (m.apn_ambr) w.tlv(0x5e, *m.apn_ambr, "APN-AMBR");  // TS 24.301 8.3.6: APN-AMBR before ESM cause
  if (m.esm_cause) w.u8(0x58).u8(*m.esm_cause);
  return w.take();
}
Result<Bytes> encode(const ActivateDefaultBearerAccept& m) {
  return header(m.header, esm_type::activate_default_bearer_accept).take();
}
Result<Bytes> encode(const EsmDummyMessage& m) { return header(m.header, esm_type::esm_dummy_message).take(); }
Result<Bytes> encode(const EsmStatus& m) { return header(m.header, esm_type::esm_status).u8(m.esm_cause).take(); }

}  // namespace

Result<Bytes> encode_esm(const EsmMessage& m) {
  return std::visit([](const auto& msg) { return encode(msg); }, m);
}

Result<EsmMessage> decode_esm(ByteView message) {
  Reader r(message);
  auto first = r.u8("protocol discriminator");
  if (!first) return std::unexpected(first.error());
  if ((*first & 0x0f) != kProtocolDiscriminatorEsm) return bad("not an ESM message");
  const EsmHeader h{static_cast<std::uint8_t>(*first >> 4), 0};
  auto pti = r.u8("procedure transaction identity");
  if (!pti) return std::unexpected(pti.error());
  const EsmHeader header_{h.ebi, *pti};
  auto type = r.u8("message type");
  if (!type) return std::unexpected(type.error());
  const OptionalIeLayout none{{}, {}};
  switch (*type) {
    case esm_type::pdn_connectivity_request: {
      PdnConnectivityRequest m;
      m.header = header_;
      auto octet = r.u8("request type / PDN type");
      if (!octet) return std::unexpected(octet.error());
      m.request_type = *octet & 0x07;
      m.pdn_type = (*octet >> 4) & 0x07;
      auto opt = read_optional_ies(r, none, [&m](std::uint8_t iei, ByteView v) -> Result<void> {
        if (iei != 0x28) return {};
        auto apn = decode_apn(v);
        if (!apn) return std::unexpected(apn.error());
        m.apn = *apn;
        return {};
      });
      if (!opt) return std::unexpected(opt.error());
      return m;
    }
    case esm_type::esm_dummy_message:
      return EsmDummyMessage{header_};
    case esm_type::pdn_connectivity_reject:
    case esm_type::esm_status: {
      auto cause = r.u8("ESM cause");
      if (!cause) return std::unexpected(cause.error());
      if (*type == esm_type::esm_status) return EsmStatus{header_, *cause};
      return PdnConnectivityReject{header_, *cause};
    }
    case esm_type::activate_default_bearer_request: {
      ActivateDefaultBearerRequest m;
      m.header = header_;
      auto qos = r.lv("EPS quality of service", 1, 13);
      if (!qos) return std::unexpected(qos.error());
      m.qci = (*qos)[0];
      auto apn_raw = r.lv("access point name", 1, 100);
      if (!apn_raw) return std::unexpected(apn_raw.error());
      auto apn = decode_apn(*apn_raw);
      if (!apn) return std::unexpected(apn.error());
      m.apn = *apn;
      auto address = r.lv("PDN address", 5, 13);
      if (!address) return std::unexpected(address.error());
      m.pdn_type = (*address)[0] & 0x07;
      const ByteView value = ByteView(*address).subspan(1);
      if (m.pdn_type == pdn_type::ipv4 && value.size() == 4) {
        std::copy(value.begin(), value.end(), m.ipv4.begin());
      } else if (m.pdn_type == pdn_type::ipv6 && value.size() == 8) {
        std::copy(value.begin(), value.end(), m.ipv6_iid.begin());
      } else if (m.pdn_type == pdn_type::ipv4v6 && value.size() == 12) {
        std::copy(value.begin(), value.begin() + 8, m.ipv6_iid.begin());
        std::copy(value.begin() + 8, value.end(), m.ipv4.begin());
      } else {
        return bad("PDN address: PDN type " + std::to_string(m.pdn_type) + " with " + std::to_string(value.size()) +
                   " address octets (IPv4 4, IPv6 8, IPv4v6 12)");
      }
      auto opt = read_optional_ies(r, {{{0x32, 2}, {0x58, 2}}, {}}, [&m](std::uint8_t iei, ByteView v) -> Result<void> {
        if (iei == 0x5e) m.apn_ambr = Bytes(v.begin(), v.end());
        if (iei == 0x58 && !v.empty()) m.esm_cause = v[0];
        return {};
      });
      if (!opt) return std::unexpected(opt.error());
      return m;
    }
    case esm_type::activate_default_bearer_accept: return ActivateDefaultBearerAccept{header_};
    default: return fail(ErrorCode::not_found, "ESM message type 0x" + to_hex(Bytes{*type}) + " not implemented");
  }
}

}  // namespace simbind::nas
