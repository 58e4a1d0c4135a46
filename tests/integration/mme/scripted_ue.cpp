#include "tests/integration/mme/scripted_ue.h"

#include "common/util/identifiers.h"

namespace simbind::test {
namespace {

ue::MobileEquipment make_me(const std::string& imei14) {
  auto key = crypto::generate_device_key_pair(crypto::KeyWrapScheme::ecies_profile_a);
  return ue::MobileEquipment(*Imei::create(imei14 + Imei::luhn_check_digit(imei14)), "01", std::move(*key));
}

}  // namespace

ScriptedUe::ScriptedUe(NasTestClient& nas, std::uint32_t id, ue::UsimProfile profile,
                       std::optional<crypto::UsimSqnWindow> window, std::string imei14, Plmn serving)
    : nas_(nas),
      id_(static_cast<nas::UeConnectionId>(id)),
      usim_(window ? ue::Usim(profile, *window) : ue::Usim(profile)),
      me_(make_me(imei14)),
      imei14_(std::move(imei14)),
      serving_(std::move(serving)) {}

void ScriptedUe::send_plain(const nas::EmmMessage& m) { ASSERT_TRUE(nas_.send(id_, nas::encode_emm(m).value())); }

void ScriptedUe::send_protected(const Bytes& plain, nas::SecurityHeaderType type) {
  ASSERT_TRUE(security_.has_value());
  ASSERT_TRUE(nas_.send(id_, security_->protect(plain, type)));
}

void ScriptedUe::attach_request(std::optional<std::string> apn) {
  security_.reset();
  kasme_.reset();
  nas::AttachRequest a;
  a.identity = nas::MobileIdentity::of(nas::MobileIdentity::Type::imsi, usim_.imsi().str());
  nas::PdnConnectivityRequest pdn;
  pdn.header.pti = 1;
  pdn.apn = std::move(apn);
  a.esm_container = nas::encode_esm(pdn).value();
  send_plain(a);
}

std::optional<Received> ScriptedUe::next(std::chrono::milliseconds timeout) {
  auto frame = nas_.receive(id_, timeout);
  if (!frame) return std::nullopt;
  Received r;
  if (frame->kind == nas::FrameKind::ue_context_release) {
    r.released = true;
    return r;
  }
  const Bytes& pdu = frame->payload;
  auto header = nas::security_header_type(pdu);
  if (!header) return std::nullopt;
  r.header = *header;
  Bytes message = pdu;
  if (*header == nas::SecurityHeaderType::integrity_new_context && kasme_ && pdu.size() > 6) {
    // SECURITY MODE COMMAND: its algorithms (readable, it is not ciphered) make the new context.
    auto smc = nas::decode_emm(ByteView(pdu).subspan(6), crypto::Direction::downlink);
    if (smc && std::holds_alternative<nas::SecurityModeCommand>(*smc)) {
      const auto& c = std::get<nas::SecurityModeCommand>(*smc);
      const auto keys = crypto::derive_nas_keys(*kasme_, c.eea, c.eia);
      security_.emplace(nas::NasKeysInUse{keys.k_nas_int, keys.k_nas_enc, nas::NasAlgorithms{c.eia, c.eea}},
                        crypto::Direction::uplink);
    }
  }
  if (*header != nas::SecurityHeaderType::plain) {
    if (!security_) return std::nullopt;
    auto u = security_->unprotect(pdu);
    if (!u) {
      ADD_FAILURE() << "downlink NAS did not unprotect: " << nas::to_string(u.error());
      return std::nullopt;
    }
    message = u->message;
  }
  if (!message.empty() && (message[0] & 0x0f) == nas::kProtocolDiscriminatorEsm) {
    auto esm = nas::decode_esm(message);
    if (!esm) return std::nullopt;
    r.esm = *esm;
    return r;
  }
  auto emm = nas::decode_emm(message, crypto::Direction::downlink);
  if (!emm) {
    ADD_FAILURE() << "undecodable downlink EMM: " << emm.error().message;
    return std::nullopt;
  }
  r.emm = *emm;
  return r;
}

ue::ChallengeAnswer ScriptedUe::answer(const nas::AuthenticationRequest& request) {
  auto result = me_.authenticate(usim_, request.rand, request.autn);
  if (const auto* ok = std::get_if<ue::ChallengeAccepted>(&result)) {
    rand_used_ = ok->rand;
    kasme_ = crypto::derive_kasme(ok->usim.ck, ok->usim.ik, serving_, ok->usim.sqn_xor_ak);
    send_plain(nas::AuthenticationResponse{Bytes(ok->usim.res.begin(), ok->usim.res.end())});
  } else {
    const auto& rej = std::get<ue::ChallengeRejected>(result);
    send_plain(nas::AuthenticationFailure{rej.emm_cause, rej.auts});
  }
  return result;
}

void ScriptedUe::complete_security_mode() {
  nas::SecurityModeComplete c;
  c.imeisv = nas::MobileIdentity::of(nas::MobileIdentity::Type::imeisv, imeisv());
  send_protected(nas::encode_emm(c).value(), nas::SecurityHeaderType::integrity_ciphered_new_context);
}

}  // namespace simbind::test
