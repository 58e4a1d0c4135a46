#include "common/diameter/bp_codec.h"

#include <algorithm>

#include "common/diameter/avp_codes.h"
#include "common/diameter/dictionary.h"
#include "common/diameter/s6a_codec.h"
#include "common/util/identifiers.h"

namespace simbind::diameter {
namespace {

constexpr std::uint32_t V = kVendor3gpp;

std::unexpected<Error> bad_avp(const char* name, const std::string& why) {
  return fail(ErrorCode::invalid_argument, std::string(name) + ": " + why);
}

Result<std::string> imsi_of(const Message& m) {
  auto a = m.find(0, avp::user_name);
  auto s = a ? a->string() : std::nullopt;
  if (!s || !Imsi::create(*s)) return bad_avp("User-Name", "must be an IMSI");
  return *s;
}

Result<Bytes> octets_of(const Message& m, std::uint32_t vendor, std::uint32_t code, const char* name,
                        std::size_t max = 1024) {
  auto a = m.find(vendor, code);
  if (!a) return bad_avp(name, "missing");
  auto v = a->octets();
  if (!v || v->empty() || v->size() > max) return bad_avp(name, "must be 1.." + std::to_string(max) + " octets");
  return Bytes(v->begin(), v->end());
}

Result<std::uint32_t> u32_of(const Message& m, std::uint32_t vendor, std::uint32_t code, const char* name) {
  auto a = m.find(vendor, code);
  auto v = a ? a->u32() : std::nullopt;
  if (!v) return bad_avp(name, "missing");
  return *v;
}

ResultCode result_of(const Message& m) {
  if (auto o = m.outcome()) return ResultCode{o->code, o->experimental};
  return ResultCode::base(result::unable_to_comply);
}

}  // namespace

Message encode_kme_establishment(const KmeEstablishmentRequest& r, std::string_view destination_realm,
                                 std::string_view destination_host, std::uint32_t) {
  Message m = Message::new_request(dictionary().bp_kme_establishment.request, destination_realm, "simbind-bp");
  m.add_string(0, avp::destination_host, destination_host);
  m.add_string(0, avp::user_name, r.user_name);
  m.add_group(V, avp3gpp::terminal_information)
      .add_string(V, avp3gpp::imei, r.terminal.imei)
      .add_string(V, avp3gpp::software_version, r.terminal.software_version);
  return m;
}

Result<KmeEstablishmentRequest> decode_kme_establishment(const Message& m) {
  auto imsi = imsi_of(m);
  if (!imsi) return std::unexpected(imsi.error());
  KmeEstablishmentRequest r;
  r.user_name = *imsi;
  auto ti = m.find(V, avp3gpp::terminal_information);
  auto imei = ti ? ti->child(V, avp3gpp::imei) : std::nullopt;
  auto digits = imei ? imei->string() : std::nullopt;
  if (!digits || !Imei::create(*digits)) return bad_avp("IMEI", "Terminal-Information must carry a valid IMEI");
  r.terminal.imei = Imei::create(*digits)->str();
  if (auto sv = ti->child(V, avp3gpp::software_version)) r.terminal.software_version = sv->string().value_or("");
  return r;
}

void fill_kme_establishment_answer(Message& answer, const KmeEstablishmentAnswer& a, std::uint32_t vendor) {
  fill_result(answer, a.result);
  if (!a.result.success()) return;
  answer.add_octets(vendor, avpbind::wrapped_kme, a.wrapped_kme)
      .add_octets(vendor, avpbind::hss_wrapped_kme, a.hss_wrapped_kme)
      .add_u32(vendor, avpbind::kme_id, a.kme_id)
      .add_i32(vendor, avpbind::key_wrap_scheme, static_cast<std::int32_t>(a.key_wrap_scheme));
}

Result<KmeEstablishmentAnswer> decode_kme_establishment_answer(const Message& m, std::uint32_t vendor) {
  KmeEstablishmentAnswer a;
  a.result = result_of(m);
  if (!a.result.success()) return a;
  auto wrapped = octets_of(m, vendor, avpbind::wrapped_kme, "Wrapped-KME");
  if (!wrapped) return std::unexpected(wrapped.error());
  auto hss = octets_of(m, vendor, avpbind::hss_wrapped_kme, "HSS-Wrapped-KME");
  if (!hss) return std::unexpected(hss.error());
  auto id = u32_of(m, vendor, avpbind::kme_id, "KME-Id");
  if (!id) return std::unexpected(id.error());
  auto scheme = m.find(vendor, avpbind::key_wrap_scheme);
  const std::int32_t sc = scheme ? scheme->i32().value_or(0) : 0;
  if (sc < 1 || sc > 3) return bad_avp("Key-Wrap-Scheme", "must be 1, 2 or 3");
  a.wrapped_kme = std::move(*wrapped);
  a.hss_wrapped_kme = std::move(*hss);
  a.kme_id = *id;
  a.key_wrap_scheme = static_cast<std::uint32_t>(sc);
  return a;
}

Message encode_binding_activation(const BindingActivationRequest& r, std::string_view destination_realm,
                                  std::string_view destination_host, std::uint32_t vendor) {
  Message m = Message::new_request(dictionary().bp_binding_activation.request, destination_realm, "simbind-bp");
  m.add_string(0, avp::destination_host, destination_host);
  m.add_string(0, avp::user_name, r.user_name);
  m.add_group(V, avp3gpp::terminal_information).add_string(V, avp3gpp::imei, r.imei);
  m.add_octets(vendor, avpbind::hss_wrapped_kme, r.hss_wrapped_kme);
  m.add_u32(vendor, avpbind::kme_id, r.kme_id);
  return m;
}

Result<BindingActivationRequest> decode_binding_activation(const Message& m, std::uint32_t vendor) {
  auto imsi = imsi_of(m);
  if (!imsi) return std::unexpected(imsi.error());
  BindingActivationRequest r;
  r.user_name = *imsi;
  auto ti = m.find(V, avp3gpp::terminal_information);
  auto imei = ti ? ti->child(V, avp3gpp::imei) : std::nullopt;
  auto digits = imei ? imei->string() : std::nullopt;
  if (!digits || !Imei::create(*digits)) return bad_avp("IMEI", "Terminal-Information must carry a valid IMEI");
  r.imei = Imei::create(*digits)->str();
  auto hss = octets_of(m, vendor, avpbind::hss_wrapped_kme, "HSS-Wrapped-KME");
  if (!hss) return std::unexpected(hss.error());
  auto id = u32_of(m, vendor, avpbind::kme_id, "KME-Id");
  if (!id) return std::unexpected(id.error());
  r.hss_wrapped_kme = std::move(*hss);
  r.kme_id = *id;
  return r;
}

void fill_binding_activation_answer(Message& answer, const BindingActivationAnswer& a) { fill_result(answer, a.result); }

Result<BindingActivationAnswer> decode_binding_activation_answer(const Message& m) {
  return BindingActivationAnswer{result_of(m)};
}

}  // namespace simbind::diameter
