// Plain EMM message encoding and decoding (TS 24.301 8.2, IE formats of 9.9).
#include <type_traits>

#include "common/nas/emm_messages.h"
#include "common/nas/security_envelope.h"
#include "common/util/hex.h"

namespace simbind::nas {
namespace {

constexpr std::uint8_t kPlainEmm = kProtocolDiscriminatorEmm;  // security header type 0

template <typename T>
std::unexpected<Error> error_of(const Result<T>& r) {
  return std::unexpected(r.error());
}

#define SIMBIND_TRY(var, expr) \
  auto var = (expr);           \
  if (!var) return error_of(var)

std::unexpected<Error> bad(const std::string& what) { return fail(ErrorCode::invalid_argument, what); }

// ---- encoding -------------------------------------------------------------------------------------------------

Writer header(std::uint8_t type) {
  Writer w;
  w.u8(kPlainEmm).u8(type);
  return w;
}

Result<Bytes> encode(const AttachRequest& m) {
  SIMBIND_TRY(identity, encode_mobile_identity(m.identity));
  return header(emm_type::attach_request)
      .u8(static_cast<std::uint8_t>((m.nas_ksi & 0x0f) << 4 | (m.attach_type & 0x07)))
      .lv(*identity, "EPS mobile identity")
      .lv(m.ue_network_capability, "UE network capability")
      .lv_e(m.esm_container, "ESM message container")
      .take();
}
Result<Bytes> encode(const AttachAccept& m) {
  Writer w = header(emm_type::attach_accept);
  w.u8(m.attach_result & 0x07).u8(m.t3412).lv(m.tai_list, "TAI list").lv_e(m.esm_container, "ESM message container");
  if (m.guti) {
    SIMBIND_TRY(guti, encode_mobile_identity(*m.guti));
    w.tlv(0x50, *guti, "GUTI");
  }
  return w.take();
}
Result<Bytes> encode(const AttachComplete& m) {
  return header(emm_type::attach_complete).lv_e(m.esm_container, "ESM message container").take();
}
Result<Bytes> encode(const AttachReject& m) {
  Writer w = header(emm_type::attach_reject);
  w.u8(m.emm_cause);
  if (m.esm_container) w.tlv_e(0x78, *m.esm_container, "ESM message container");
  return w.take();
}
Result<Bytes> encode(const IdentityRequest& m) {
  return header(emm_type::identity_request).u8(m.identity_type & 0x07).take();
}
Result<Bytes> encode(const IdentityResponse& m) {
  SIMBIND_TRY(identity, encode_mobile_identity(m.identity));
  return header(emm_type::identity_response).lv(*identity, "mobile identity").take();
}
Result<Bytes> encode(const AuthenticationRequest& m) {
  return header(emm_type::authentication_request).u8(m.nas_ksi & 0x0f).bytes(m.rand).lv(m.autn, "AUTN").take();
}
Result<Bytes> encode(const AuthenticationResponse& m) {
  return header(emm_type::authentication_response).lv(m.res, "RES").take();
}
Result<Bytes> encode(const AuthenticationFailure& m) {
  Writer w = header(emm_type::authentication_failure);
  w.u8(m.emm_cause);
  if (m.auts) w.tlv(0x30, *m.auts, "AUTS");
  return w.take();
}
Result<Bytes> encode(const AuthenticationReject&) { return header(emm_type::authentication_reject).take(); }
Result<Bytes> encode(const SecurityModeCommand& m) {
  Writer w = header(emm_type::security_mode_command);
  w.u8(encode_nas_algorithms(m.eea, m.eia))
      .u8(m.nas_ksi & 0x0f)
      .lv(m.replayed_ue_security_capabilities, "replayed UE security capabilities");
  if (m.imeisv_request) w.u8(0xc1);  // IMEISV request IEI 0xC-, value 1 = requested
  return w.take();
}
Result<Bytes> encode(const SecurityModeComplete& m) {
  Writer w = header(emm_type::security_mode_complete);
  if (m.imeisv) {
    SIMBIND_TRY(imeisv, encode_mobile_identity(*m.imeisv));
    w.tlv(0x23, *imeisv, "IMEISV");
  }
  return w.take();
}
Result<Bytes> encode(const SecurityModeReject& m) {
  return header(emm_type::security_mode_reject).u8(m.emm_cause).take();
}
Result<Bytes> encode(const DetachRequestUe& m) {
  SIMBIND_TRY(identity, encode_mobile_identity(m.identity));
  return header(emm_type::detach_request)
      .u8(static_cast<std::uint8_t>((m.nas_ksi & 0x0f) << 4 | (m.detach_type & 0x0f)))
      .lv(*identity, "EPS mobile identity")
      .take();
}
Result<Bytes> encode(const DetachRequestNetwork& m) {
  Writer w = header(emm_type::detach_request);
  w.u8(m.detach_type & 0x0f);
  if (m.emm_cause) w.u8(0x53).u8(*m.emm_cause);
  return w.take();
}
Result<Bytes> encode(const DetachAccept&) { return header(emm_type::detach_accept).take(); }
Result<Bytes> encode(const GenericNasTransport& m) {
  Writer w = header(m.downlink ? emm_type::downlink_generic_nas_transport : emm_type::uplink_generic_nas_transport);
  w.u8(m.container_type).lv_e(m.container, "generic message container");
  if (m.additional_information) w.tlv(0x65, *m.additional_information, "additional information");
  return w.take();
}
Result<Bytes> encode(const EmmStatus& m) { return header(emm_type::emm_status).u8(m.emm_cause).take(); }

// ---- decoding -------------------------------------------------------------------------------------------------

// TS 24.301 8.2.4 lists these fixed-length TV IEs in ATTACH REQUEST; they are skipped (simbind does not use them).
const OptionalIeLayout kAttachRequestOptionals{{{0x19, 4}, {0x52, 6}, {0x5c, 3}, {0x13, 6}}, {}};
const OptionalIeLayout kAttachAcceptOptionals{{{0x13, 6}, {0x53, 2}, {0x17, 2}, {0x59, 2}}, {}};
const OptionalIeLayout kAttachRejectOptionals{{}, {0x78}};
const OptionalIeLayout kSmcOptionals{{{0x55, 5}, {0x56, 5}}, {}};
const OptionalIeLayout kNoFixed{{}, {}};
const OptionalIeLayout kDetachNetworkOptionals{{{0x53, 2}}, {}};

Result<void> ignore(std::uint8_t, ByteView) { return {}; }

Result<EmmMessage> decode_attach_request(Reader& r) {
  AttachRequest m;
  SIMBIND_TRY(octet, r.u8("EPS attach type / NAS key set identifier"));
  m.attach_type = *octet & 0x07;
  m.nas_ksi = *octet >> 4;
  SIMBIND_TRY(id, r.lv("EPS mobile identity", 1, 11));
  SIMBIND_TRY(identity, decode_mobile_identity(*id));
  m.identity = *identity;
  SIMBIND_TRY(cap, r.lv("UE network capability", 2, 13));
  m.ue_network_capability.assign(cap->begin(), cap->end());
  SIMBIND_TRY(esm, r.lv_e("ESM message container", 1));
  m.esm_container.assign(esm->begin(), esm->end());
  if (auto opt = read_optional_ies(r, kAttachRequestOptionals, ignore); !opt) return std::unexpected(opt.error());
  return m;
}

Result<EmmMessage> decode_attach_accept(Reader& r) {
  AttachAccept m;
  SIMBIND_TRY(result, r.u8("EPS attach result"));
  m.attach_result = *result & 0x07;
  SIMBIND_TRY(t3412, r.u8("T3412 value"));
  m.t3412 = *t3412;
  SIMBIND_TRY(tai, r.lv("TAI list", 6, 96));
  m.tai_list.assign(tai->begin(), tai->end());
  SIMBIND_TRY(esm, r.lv_e("ESM message container", 1));
  m.esm_container.assign(esm->begin(), esm->end());
  auto opt = read_optional_ies(r, kAttachAcceptOptionals, [&m](std::uint8_t iei, ByteView v) -> Result<void> {
    if (iei != 0x50) return {};
    auto guti = decode_mobile_identity(v);
    if (!guti) return std::unexpected(guti.error());
    m.guti = *guti;
    return {};
  });
  if (!opt) return std::unexpected(opt.error());
  return m;
}

Result<EmmMessage> decode_authentication_failure(Reader& r) {
  AuthenticationFailure m;
  SIMBIND_TRY(cause, r.u8("EMM cause"));
  m.emm_cause = *cause;
  auto opt = read_optional_ies(r, kNoFixed, [&m](std::uint8_t iei, ByteView v) -> Result<void> {
    if (iei != 0x30) return {};
    if (v.size() != 14) return bad("Authentication failure parameter: AUTS must be 14 octets");
    Octets<14> auts{};
    std::copy(v.begin(), v.end(), auts.begin());
    m.auts = auts;
    return {};
  });
  if (!opt) return std::unexpected(opt.error());
  return m;
}

Result<EmmMessage> decode_security_mode_command(Reader& r) {
  SecurityModeCommand m;
  SIMBIND_TRY(algs, r.u8("selected NAS security algorithms"));
  m.eea = (*algs >> 4) & 0x07;
  m.eia = *algs & 0x07;
  SIMBIND_TRY(ksi, r.u8("NAS key set identifier"));
  m.nas_ksi = *ksi & 0x0f;
  SIMBIND_TRY(caps, r.lv("replayed UE security capabilities", 2, 5));
  m.replayed_ue_security_capabilities.assign(caps->begin(), caps->end());
  auto opt = read_optional_ies(r, kSmcOptionals, [&m](std::uint8_t iei, ByteView v) -> Result<void> {
    if (iei == 0xc0) m.imeisv_request = (v[0] & 0x07) == 1;
    return {};
  });
  if (!opt) return std::unexpected(opt.error());
  return m;
}

Result<EmmMessage> decode_security_mode_complete(Reader& r) {
  SecurityModeComplete m;
  auto opt = read_optional_ies(r, kNoFixed, [&m](std::uint8_t iei, ByteView v) -> Result<void> {
    if (iei != 0x23) return {};
    auto id = decode_mobile_identity(v);
    if (!id) return std::unexpected(id.error());
    if (id->type != MobileIdentity::Type::imeisv) return bad("IMEISV: the identity is not an IMEISV");
    m.imeisv = *id;
    return {};
  });
  if (!opt) return std::unexpected(opt.error());
  return m;
}

Result<EmmMessage> decode_generic_transport(Reader& r, bool downlink) {
  GenericNasTransport m;
  m.downlink = downlink;
  SIMBIND_TRY(type, r.u8("generic message container type"));
  m.container_type = *type;
  SIMBIND_TRY(c, r.lv_e("generic message container", 1));
  m.container.assign(c->begin(), c->end());
  auto opt = read_optional_ies(r, kNoFixed, [&m](std::uint8_t iei, ByteView v) -> Result<void> {
    if (iei == 0x65) m.additional_information = Bytes(v.begin(), v.end());
    return {};
  });
  if (!opt) return std::unexpected(opt.error());
  return m;
}

template <typename M>
Result<EmmMessage> cause_only(Reader& r) {
  M m;
  SIMBIND_TRY(cause, r.u8("EMM cause"));
  m.emm_cause = *cause;
  return m;
}

}  // namespace

Result<Bytes> encode_emm(const EmmMessage& m) {
  return std::visit([](const auto& msg) { return encode(msg); }, m);
}

Result<EmmMessage> decode_emm(ByteView message, crypto::Direction sender) {
  Reader r(message);
  SIMBIND_TRY(first, r.u8("protocol discriminator"));
  if ((*first & 0x0f) != kProtocolDiscriminatorEmm) return bad("not an EMM message");
  if ((*first >> 4) != 0) return bad("security protected: unwrap it first");
  SIMBIND_TRY(type, r.u8("message type"));
  switch (*type) {
    case emm_type::attach_request: return decode_attach_request(r);
    case emm_type::attach_accept: return decode_attach_accept(r);
    case emm_type::attach_complete: {
      SIMBIND_TRY(esm, r.lv_e("ESM message container", 1));
      return AttachComplete{Bytes(esm->begin(), esm->end())};
    }
    case emm_type::attach_reject: {
      AttachReject m;
      SIMBIND_TRY(cause, r.u8("EMM cause"));
      m.emm_cause = *cause;
      auto opt = read_optional_ies(r, kAttachRejectOptionals, [&m](std::uint8_t iei, ByteView v) -> Result<void> {
        if (iei == 0x78) m.esm_container = Bytes(v.begin(), v.end());
        return {};
      });
      if (!opt) return std::unexpected(opt.error());
      return m;
    }
    case emm_type::identity_request: {
      SIMBIND_TRY(t, r.u8("identity type 2"));
      return IdentityRequest{static_cast<std::uint8_t>(*t & 0x07)};
    }
    case emm_type::identity_response: {
      SIMBIND_TRY(id, r.lv("mobile identity", 1, 9));
      SIMBIND_TRY(identity, decode_mobile_identity(*id));
      return IdentityResponse{*identity};
    }
    case emm_type::authentication_request: {
      AuthenticationRequest m;
      SIMBIND_TRY(ksi, r.u8("NAS key set identifier"));
      m.nas_ksi = *ksi & 0x0f;
      SIMBIND_TRY(rand, r.bytes(16, "RAND"));
      std::copy(rand->begin(), rand->end(), m.rand.begin());
      SIMBIND_TRY(autn, r.lv("AUTN", 16, 16));
      std::copy(autn->begin(), autn->end(), m.autn.begin());
      return m;
    }
    case emm_type::authentication_response: {
      SIMBIND_TRY(res, r.lv("RES", 4, 16));
      return AuthenticationResponse{Bytes(res->begin(), res->end())};
    }
    case emm_type::authentication_failure: return decode_authentication_failure(r);
    case emm_type::authentication_reject: return AuthenticationReject{};
    case emm_type::security_mode_command: return decode_security_mode_command(r);
    case emm_type::security_mode_complete: return decode_security_mode_complete(r);
    case emm_type::security_mode_reject: return cause_only<SecurityModeReject>(r);
    case emm_type::detach_request: {
      SIMBIND_TRY(octet, r.u8("detach type"));
      if (sender == crypto::Direction::uplink) {
        DetachRequestUe m;
        m.detach_type = *octet & 0x0f;
        m.nas_ksi = *octet >> 4;
        SIMBIND_TRY(id, r.lv("EPS mobile identity", 1, 11));
        SIMBIND_TRY(identity, decode_mobile_identity(*id));
        m.identity = *identity;
        return m;
      }
      DetachRequestNetwork m;
      m.detach_type = *octet & 0x0f;
      auto opt = read_optional_ies(r, kDetachNetworkOptionals, [&m](std::uint8_t iei, ByteView v) -> Result<void> {
        if (iei == 0x53) m.emm_cause = v[0];
        return {};
      });
      if (!opt) return std::unexpected(opt.error());
      return m;
    }
    case emm_type::detach_accept: return DetachAccept{};
    case emm_type::downlink_generic_nas_transport: return decode_generic_transport(r, true);
    case emm_type::uplink_generic_nas_transport: return decode_generic_transport(r, false);
    case emm_type::emm_status: return cause_only<EmmStatus>(r);
    default:
      return fail(ErrorCode::not_found, "EMM message type 0x" + to_hex(Bytes{*type}) + " not implemented");
  }
}

const char* emm_message_name(const EmmMessage& m) {
  static constexpr const char* names[] = {
      "ATTACH REQUEST", "ATTACH ACCEPT", "ATTACH COMPLETE", "ATTACH REJECT", "IDENTITY REQUEST",
      "IDENTITY RESPONSE", "AUTHENTICATION REQUEST", "AUTHENTICATION RESPONSE", "AUTHENTICATION FAILURE",
      "AUTHENTICATION REJECT", "SECURITY MODE COMMAND", "SECURITY MODE COMPLETE", "SECURITY MODE REJECT",
      "DETACH REQUEST", "DETACH REQUEST", "DETACH ACCEPT", "GENERIC NAS TRANSPORT", "EMM STATUS"};
  static_assert(std::size(names) == std::variant_size_v<EmmMessage>);
  return names[m.index()];
}

}  // namespace simbind::nas
