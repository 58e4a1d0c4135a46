#include "common/diameter/s6a_codec.h"

#include <algorithm>

#include "common/diameter/avp_codes.h"
#include "common/diameter/dictionary.h"
#include "common/diameter/served_party_address.h"
#include "common/subscription/apn_config.h"
#include "common/util/identifiers.h"

namespace simbind::diameter {
namespace {

constexpr std::uint32_t V = kVendor3gpp;

std::unexpected<Error> bad_avp(const char* name, const std::string& why) {
  return fail(ErrorCode::invalid_argument, std::string(name) + ": " + why);
}

template <std::size_t N>
Result<Octets<N>> fixed_octets(const AvpRef& a, const char* name) {
  auto v = a.octets();
  if (!v || v->size() != N) {
    return bad_avp(name, "must be " + std::to_string(N) + " octets, got " + std::to_string(v ? v->size() : 0));
  }
  Octets<N> out{};
  std::copy(v->begin(), v->end(), out.begin());
  return out;
}

Result<std::string> user_name(const Message& m) {
  auto a = m.find(0, avp::user_name);
  if (!a) return bad_avp("User-Name", "missing");
  auto s = a->string();
  if (!s || s->empty() || s->size() > 15 ||
      !std::all_of(s->begin(), s->end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return bad_avp("User-Name", "must be an IMSI of up to 15 digits");
  }
  return *s;
}

Result<Octets<3>> visited_plmn(const Message& m) {
  auto a = m.find(V, avp3gpp::visited_plmn_id);
  if (!a) return bad_avp("Visited-PLMN-Id", "missing");
  auto plmn = fixed_octets<3>(*a, "Visited-PLMN-Id");
  // TS 29.272 7.3.9: MCC and MNC in BCD (Plmn::decode, TS 24.008 10.5.1.13); ff ff ff names no network.
  if (plmn && !Plmn::decode(*plmn)) return bad_avp("Visited-PLMN-Id", "is not an MCC and MNC in BCD digits");
  return plmn;
}

// TS 29.229 6.3.29: Supported-Features ::= { Vendor-Id } { Feature-List-ID } { Feature-List }.
Result<void> check_supported_features(const Message& m) {
  Result<void> out;
  m.for_each_avp([&out](const AvpRef& a) {
    if (!out || a.code() != avp3gpp::supported_features || a.vendor() != V) return;
    if (!a.child(0, avp::vendor_id) || !a.child(V, avp3gpp::feature_list_id) || !a.child(V, avp3gpp::feature_list)) {
      out = bad_avp("Supported-Features", "needs Vendor-Id, Feature-List-ID and Feature-List (TS 29.229 6.3.29)");
    }
  });
  return out;
}

void add_supported_features(AvpContainer& c, const std::vector<SupportedFeatures>& features) {
  for (const auto& f : features) {
    c.add_group(V, avp3gpp::supported_features)
        .add_u32(0, avp::vendor_id, f.vendor_id)
        .add_u32(V, avp3gpp::feature_list_id, f.feature_list_id)
        .add_u32(V, avp3gpp::feature_list, f.feature_list);
  }
}

std::vector<SupportedFeatures> read_supported_features(const Message& m) {
  std::vector<SupportedFeatures> out;
  m.for_each_avp([&out](const AvpRef& a) {
    if (a.code() != avp3gpp::supported_features || a.vendor() != V) return;
    SupportedFeatures f;
    if (auto c = a.child(0, avp::vendor_id)) f.vendor_id = c->u32().value_or(0);
    if (auto c = a.child(V, avp3gpp::feature_list_id)) f.feature_list_id = c->u32().value_or(0);
    if (auto c = a.child(V, avp3gpp::feature_list)) f.feature_list = c->u32().value_or(0);
    out.push_back(f);
  });
  return out;
}

// What every answer decoder reads first: the result, Supported-Features and Binding-Restriction.
template <typename Answer>
Answer answer_head(const Message& m, std::uint32_t binding_vendor);

template <typename E>
std::optional<E> read_enum(const Message& m, std::uint32_t vendor, std::uint32_t code) {
  auto a = m.find(vendor, code);
  if (!a) return std::nullopt;
  auto v = a->i32();
  if (!v) return std::nullopt;
  return static_cast<E>(*v);
}

void add_binding_restriction(Message& answer, std::optional<BindingRestriction> r, std::uint32_t binding_vendor) {
  if (r) answer.add_i32(binding_vendor, avpbind::binding_restriction, static_cast<std::int32_t>(*r));
}

// AMBR (TS 29.272 7.3.41): {Max-Requested-Bandwidth-UL, Max-Requested-Bandwidth-DL}, in Subscription-Data and
// in APN-Configuration.
void add_ambr(AvpContainer& parent, std::uint32_t ul, std::uint32_t dl) {
  parent.add_group(V, avp3gpp::ambr)
      .add_u32(V, avp3gpp::max_requested_bandwidth_ul, ul)
      .add_u32(V, avp3gpp::max_requested_bandwidth_dl, dl);
}

void read_ambr(const AvpRef& parent, std::uint32_t& ul, std::uint32_t& dl) {
  auto ambr = parent.child(V, avp3gpp::ambr);
  if (!ambr) return;
  if (auto x = ambr->child(V, avp3gpp::max_requested_bandwidth_ul)) ul = x->u32().value_or(0);
  if (auto x = ambr->child(V, avp3gpp::max_requested_bandwidth_dl)) dl = x->u32().value_or(0);
}

ResultCode read_result(const Message& m) {
  if (auto o = m.outcome()) return ResultCode{o->code, o->experimental};
  return ResultCode::base(result::unable_to_comply);  // an answer without any result: treat as failure
}

template <typename Answer>
Answer answer_head(const Message& m, std::uint32_t binding_vendor) {
  Answer a;
  a.result = read_result(m);
  a.supported_features = read_supported_features(m);
  a.binding_restriction = read_enum<BindingRestriction>(m, binding_vendor, avpbind::binding_restriction);
  return a;
}

}  // namespace

bool advertises_binding(const std::vector<SupportedFeatures>& features, std::uint32_t binding_vendor) {
  return std::any_of(features.begin(), features.end(), [binding_vendor](const SupportedFeatures& f) {
    return f.vendor_id == binding_vendor && f.feature_list_id == kBindingFeatureListId &&
           (f.feature_list & kBindingFeatureBit) != 0;
  });
}

Bytes encode_tbcd(std::string_view digits) {
  Bytes out((digits.size() + 1) / 2, 0xff);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    const auto d = static_cast<std::uint8_t>(digits[i] - '0');
    if (i % 2 == 0) {
      out[i / 2] = static_cast<std::uint8_t>(0xf0 | d);
    } else {
      out[i / 2] = static_cast<std::uint8_t>((out[i / 2] & 0x0f) | (d << 4));
    }
  }
  return out;
}

std::string decode_tbcd(ByteView octets) {
  std::string out;
  for (auto b : octets) {
    for (std::uint8_t nibble : {static_cast<std::uint8_t>(b & 0x0f), static_cast<std::uint8_t>(b >> 4)}) {
      if (nibble <= 9) out.push_back(static_cast<char>('0' + nibble));
    }
  }
  return out;
}

void fill_result(Message& answer, const ResultCode& r) {
  if (r.experimental) {
    answer.set_experimental_result(r.code);
  } else {
    answer.set_result_code(r.code);
  }
}

// ----- AIR / AIA ----------------------------------------------------------------------------------------------

Message encode_air(const AuthInfoRequest& r, std::string_view destination_realm, std::uint32_t binding_vendor) {
  Message m = Message::new_request(dictionary().air.request, destination_realm, "simbind-air");
  m.add_string(0, avp::user_name, r.user_name);
  add_supported_features(m, r.supported_features);
  auto req = m.add_group(V, avp3gpp::requested_eutran_authentication_info);
  req.add_u32(V, avp3gpp::number_of_requested_vectors, r.requested_vectors);
  req.add_u32(V, avp3gpp::immediate_response_preferred, r.immediate_response_preferred ? 1 : 0);
  if (r.resync_info) req.add_octets(V, avp3gpp::re_synchronization_info, *r.resync_info);
  m.add_octets(V, avp3gpp::visited_plmn_id, r.visited_plmn);
  if (r.binding_failure_report) {
    m.add_i32(binding_vendor, avpbind::binding_failure_report, static_cast<std::int32_t>(*r.binding_failure_report));
  }
  return m;
}

Result<AuthInfoRequest> decode_air(const Message& m, std::uint32_t binding_vendor) {
  AuthInfoRequest r;
  auto imsi = user_name(m);
  if (!imsi) return std::unexpected(imsi.error());
  r.user_name = *imsi;
  auto plmn = visited_plmn(m);
  if (!plmn) return std::unexpected(plmn.error());
  r.visited_plmn = *plmn;
  if (auto f = check_supported_features(m); !f) return std::unexpected(f.error());
  r.supported_features = read_supported_features(m);
  if (auto req = m.find(V, avp3gpp::requested_eutran_authentication_info)) {
    if (auto n = req->child(V, avp3gpp::number_of_requested_vectors)) {
      // Asking for no vector in the group that asks for vectors is no request (TS 29.272 7.3.11, 7.3.14); more
      // than the HSS gives (5) gets 5.
      r.requested_vectors = n->u32().value_or(0);
      if (r.requested_vectors == 0) return bad_avp("Number-Of-Requested-Vectors", "must be at least 1");
    }
    if (auto i = req->child(V, avp3gpp::immediate_response_preferred)) {
      r.immediate_response_preferred = i->u32().value_or(0) != 0;
    }
    if (auto rs = req->child(V, avp3gpp::re_synchronization_info)) {
      auto v = rs->octets();
      if (!v || v->size() != 30) return bad_avp("Re-Synchronization-Info", "must be RAND || AUTS (30 octets)");
      r.resync_info = Bytes(v->begin(), v->end());
    }
  } else {
    r.requested_vectors = 0;  // no E-UTRAN vectors asked for (TS 29.272 5.2.3.1.3)
  }
  if (auto report = m.find(binding_vendor, avpbind::binding_failure_report)) {
    const auto v = report->i32().value_or(0);
    if (v < 1 || v > 3) return bad_avp("Binding-Failure-Report", "unknown value " + std::to_string(v));
    r.binding_failure_report = static_cast<BindingFailureReport>(v);
  }
  return r;
}

void fill_aia(Message& answer, const AuthInfoAnswer& a, std::uint32_t binding_vendor) {
  fill_result(answer, a.result);
  add_supported_features(answer, a.supported_features);
  if (!a.vectors.empty()) {
    auto info = answer.add_group(V, avp3gpp::authentication_info);
    for (const auto& v : a.vectors) {
      auto e = info.add_group(V, avp3gpp::e_utran_vector);
      e.add_octets(V, avp3gpp::rand, v.rand)
          .add_octets(V, avp3gpp::xres, v.xres)
          .add_octets(V, avp3gpp::autn, v.autn)
          .add_octets(V, avp3gpp::kasme, v.kasme);
      if (v.av_type) e.add_i32(binding_vendor, avpbind::binding_av_type, static_cast<std::int32_t>(*v.av_type));
      if (v.kme_id) e.add_u32(binding_vendor, avpbind::kme_id, *v.kme_id);
    }
  }
  add_binding_restriction(answer, a.binding_restriction, binding_vendor);
}

Result<AuthInfoAnswer> decode_aia(const Message& m, std::uint32_t binding_vendor) {
  auto a = answer_head<AuthInfoAnswer>(m, binding_vendor);
  if (auto info = m.find(V, avp3gpp::authentication_info)) {
    std::optional<Error> error;
    info->for_each_child([&](const AvpRef& e) {
      if (error || e.code() != avp3gpp::e_utran_vector || e.vendor() != V) return;
      EutranVectorData v;
      auto rand = e.child(V, avp3gpp::rand);
      auto xres = e.child(V, avp3gpp::xres);
      auto autn = e.child(V, avp3gpp::autn);
      auto kasme = e.child(V, avp3gpp::kasme);
      if (!rand || !xres || !autn || !kasme) {
        error = Error{ErrorCode::invalid_argument, "E-UTRAN-Vector: RAND, XRES, AUTN and KASME are required"};
        return;
      }
      auto r = fixed_octets<16>(*rand, "RAND");
      auto au = fixed_octets<16>(*autn, "AUTN");
      auto k = fixed_octets<32>(*kasme, "KASME");
      auto x = xres->octets();
      if (!r || !au || !k || !x || x->size() < 4 || x->size() > 16) {
        error = Error{ErrorCode::invalid_argument, "E-UTRAN-Vector: malformed RAND, XRES, AUTN or KASME"};
        return;
      }
      v.rand = *r;
      v.autn = *au;
      v.kasme = *k;
      v.xres.assign(x->begin(), x->end());
      if (auto t = e.child(binding_vendor, avpbind::binding_av_type)) {
        v.av_type = static_cast<BindingAvType>(t->i32().value_or(0));
      }
      if (auto id = e.child(binding_vendor, avpbind::kme_id)) v.kme_id = id->u32();
      a.vectors.push_back(std::move(v));
    });
    if (error) return std::unexpected(*error);
  }
  return a;
}

// ----- ULR / ULA ----------------------------------------------------------------------------------------------

Message encode_ulr(const UpdateLocationRequest& r, std::string_view destination_realm) {
  Message m = Message::new_request(dictionary().ulr.request, destination_realm, "simbind-ulr");
  m.add_string(0, avp::user_name, r.user_name);
  add_supported_features(m, r.supported_features);
  if (r.terminal_information) {
    m.add_group(V, avp3gpp::terminal_information)
        .add_string(V, avp3gpp::imei, r.terminal_information->imei)
        .add_string(V, avp3gpp::software_version, r.terminal_information->software_version);
  }
  m.add_u32(V, avp3gpp::rat_type, r.rat_type);
  m.add_u32(V, avp3gpp::ulr_flags, r.ulr_flags);
  m.add_octets(V, avp3gpp::visited_plmn_id, r.visited_plmn);
  return m;
}

Result<UpdateLocationRequest> decode_ulr(const Message& m) {
  UpdateLocationRequest r;
  auto imsi = user_name(m);
  if (!imsi) return std::unexpected(imsi.error());
  r.user_name = *imsi;
  auto plmn = visited_plmn(m);
  if (!plmn) return std::unexpected(plmn.error());
  r.visited_plmn = *plmn;
  if (auto a = m.find(V, avp3gpp::rat_type)) r.rat_type = a->u32().value_or(r.rat_type);
  if (auto a = m.find(V, avp3gpp::ulr_flags)) r.ulr_flags = a->u32().value_or(0);
  if (auto f = check_supported_features(m); !f) return std::unexpected(f.error());
  r.supported_features = read_supported_features(m);
  if (auto t = m.find(V, avp3gpp::terminal_information)) {
    TerminalInformation ti;
    if (auto imei = t->child(V, avp3gpp::imei)) ti.imei = imei->string().value_or("");
    if (auto sv = t->child(V, avp3gpp::software_version)) ti.software_version = sv->string().value_or("");
    if (!ti.imei.empty()) {
      if ((ti.imei.size() != 14 && ti.imei.size() != 15) ||
          !std::all_of(ti.imei.begin(), ti.imei.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return bad_avp("IMEI", "must be 14 or 15 digits");
      }
      r.terminal_information = ti;
    }
  }
  return r;
}

void fill_ula(Message& answer, const UpdateLocationAnswer& a, std::uint32_t binding_vendor) {
  fill_result(answer, a.result);
  add_supported_features(answer, a.supported_features);
  if (a.result.success()) answer.add_u32(V, avp3gpp::ula_flags, a.ula_flags);
  if (a.subscription) {
    const SubscriptionData& s = *a.subscription;
    auto sd = answer.add_group(V, avp3gpp::subscription_data);
    if (!s.msisdn.empty()) sd.add_octets(V, avp3gpp::msisdn, encode_tbcd(s.msisdn));
    sd.add_i32(V, avp3gpp::subscriber_status, s.subscriber_status);
    sd.add_i32(V, avp3gpp::network_access_mode, s.network_access_mode);
    if (s.access_restriction_data != 0) sd.add_u32(V, avp3gpp::access_restriction_data, s.access_restriction_data);
    add_ambr(sd, s.ambr_ul, s.ambr_dl);
    auto profile = sd.add_group(V, avp3gpp::apn_configuration_profile);
    profile.add_u32(V, avp3gpp::context_identifier, s.default_context_identifier);
    profile.add_i32(V, avp3gpp::all_apn_configurations_included_indicator, 0);  // All_APN_CONFIGURATIONS_INCLUDED
    for (const auto& apn : s.apns) {
      auto c = profile.add_group(V, avp3gpp::apn_configuration);
      c.add_u32(V, avp3gpp::context_identifier, apn.context_identifier);
      // *2[ Served-Party-IP-Address ] (TS 29.272 7.3.35): the static IPv4 address and IPv6 prefix, if any.
      if (apn.served_ipv4) c.add_octets(V, avp3gpp::served_party_ip_address, served_party_address_ipv4(*apn.served_ipv4));
      if (apn.served_ipv6_prefix) {
        c.add_octets(V, avp3gpp::served_party_ip_address, served_party_address_ipv6_prefix(*apn.served_ipv6_prefix));
      }
      c.add_i32(V, avp3gpp::pdn_type, apn.pdn_type);
      c.add_string(0, avp::service_selection, apn.service_selection);
      auto qos = c.add_group(V, avp3gpp::eps_subscribed_qos_profile);
      qos.add_i32(V, avp3gpp::qos_class_identifier, apn.qci);
      qos.add_group(V, avp3gpp::allocation_retention_priority)
          .add_u32(V, avp3gpp::priority_level, apn.priority_level)
          .add_i32(V, avp3gpp::pre_emption_capability, apn.pre_emption_capability)
          .add_i32(V, avp3gpp::pre_emption_vulnerability, apn.pre_emption_vulnerability);
      if (apn.ambr_ul != 0 || apn.ambr_dl != 0) add_ambr(c, apn.ambr_ul, apn.ambr_dl);
    }
  }
  add_binding_restriction(answer, a.binding_restriction, binding_vendor);
}

Result<UpdateLocationAnswer> decode_ula(const Message& m, std::uint32_t binding_vendor) {
  auto a = answer_head<UpdateLocationAnswer>(m, binding_vendor);
  if (auto f = m.find(V, avp3gpp::ula_flags)) a.ula_flags = f->u32().value_or(0);
  if (auto sd = m.find(V, avp3gpp::subscription_data)) {
    SubscriptionData s;
    if (auto x = sd->child(V, avp3gpp::msisdn)) s.msisdn = decode_tbcd(x->octets().value_or(ByteView{}));
    if (auto x = sd->child(V, avp3gpp::subscriber_status)) s.subscriber_status = x->i32().value_or(0);
    if (auto x = sd->child(V, avp3gpp::network_access_mode)) s.network_access_mode = x->i32().value_or(0);
    if (auto x = sd->child(V, avp3gpp::access_restriction_data)) s.access_restriction_data = x->u32().value_or(0);
    read_ambr(*sd, s.ambr_ul, s.ambr_dl);
    if (auto profile = sd->child(V, avp3gpp::apn_configuration_profile)) {
      if (auto x = profile->child(V, avp3gpp::context_identifier)) s.default_context_identifier = x->u32().value_or(1);
      profile->for_each_child([&s](const AvpRef& c) {
        if (c.code() != avp3gpp::apn_configuration || c.vendor() != V) return;
        ApnConfiguration apn;
        if (auto x = c.child(V, avp3gpp::context_identifier)) apn.context_identifier = x->u32().value_or(0);
        if (auto x = c.child(V, avp3gpp::pdn_type)) apn.pdn_type = x->i32().value_or(0);
        if (auto x = c.child(0, avp::service_selection)) apn.service_selection = x->string().value_or("");
        // An APN name that breaks TS 23.003 9.1 (over 100 octets, control octets: an HSS that does not check what
        // it stores) cannot go into the NAS Access Point Name IE: that APN configuration is left out, as if not
        // subscribed, and a request for it is refused as for any APN not subscribed.
        if (subscription::apn_problem(apn.service_selection)) return;
        if (auto qos = c.child(V, avp3gpp::eps_subscribed_qos_profile)) {
          if (auto x = qos->child(V, avp3gpp::qos_class_identifier)) apn.qci = x->i32().value_or(9);
          if (auto arp = qos->child(V, avp3gpp::allocation_retention_priority)) {
            if (auto x = arp->child(V, avp3gpp::priority_level)) apn.priority_level = x->u32().value_or(8);
            if (auto x = arp->child(V, avp3gpp::pre_emption_capability)) apn.pre_emption_capability = x->i32().value_or(1);
            if (auto x = arp->child(V, avp3gpp::pre_emption_vulnerability)) {
              apn.pre_emption_vulnerability = x->i32().value_or(0);
            }
          }
        }
        read_ambr(c, apn.ambr_ul, apn.ambr_dl);
        c.for_each_child([&apn](const AvpRef& x) {
          if (x.code() != avp3gpp::served_party_ip_address || x.vendor() != V) return;
          ServedPartyAddress address;
          // A malformed one is left out rather than failing the whole ULA: the address is then dynamic.
          if (read_served_party_address(x.octets().value_or(ByteView{}), address)) {
            if (address.ipv4) apn.served_ipv4 = address.ipv4;
            if (address.ipv6_prefix) apn.served_ipv6_prefix = address.ipv6_prefix;
          }
        });
        s.apns.push_back(apn);
      });
    }
    a.subscription = s;
  }
  return a;
}

// ----- PUR / PUA, CLR / CLA -----------------------------------------------------------------------------------

Message encode_pur(const PurgeUeRequest& r, std::string_view destination_realm) {
  Message m = Message::new_request(dictionary().pur.request, destination_realm, "simbind-pur");
  m.add_string(0, avp::user_name, r.user_name);
  return m;
}

Result<PurgeUeRequest> decode_pur(const Message& m) {
  auto imsi = user_name(m);
  if (!imsi) return std::unexpected(imsi.error());
  return PurgeUeRequest{*imsi};
}

void fill_pua(Message& answer, const PurgeUeAnswer& a) {
  fill_result(answer, a.result);
  if (a.result.success()) answer.add_u32(V, avp3gpp::pua_flags, a.pua_flags);
}

Result<PurgeUeAnswer> decode_pua(const Message& m) {
  PurgeUeAnswer a;
  a.result = read_result(m);
  if (auto f = m.find(V, avp3gpp::pua_flags)) a.pua_flags = f->u32().value_or(0);
  return a;
}

Message encode_clr(const CancelLocationRequest& r, std::string_view destination_realm,
                   std::string_view destination_host) {
  Message m = Message::new_request(dictionary().clr.request, destination_realm, "simbind-clr");
  m.add_string(0, avp::destination_host, destination_host);
  m.add_string(0, avp::user_name, r.user_name);
  m.add_i32(V, avp3gpp::cancellation_type, r.cancellation_type);
  return m;
}

Result<CancelLocationRequest> decode_clr(const Message& m) {
  auto imsi = user_name(m);
  if (!imsi) return std::unexpected(imsi.error());
  CancelLocationRequest r{*imsi, 0};
  if (auto t = m.find(V, avp3gpp::cancellation_type)) r.cancellation_type = t->i32().value_or(0);
  return r;
}

void fill_cla(Message& answer, const CancelLocationAnswer& a) { fill_result(answer, a.result); }

Result<CancelLocationAnswer> decode_cla(const Message& m) { return CancelLocationAnswer{read_result(m)}; }

// ----- IDR / IDA ----------------------------------------------------------------------------------------------

Message encode_idr(const InsertSubscriberDataRequest& r, std::string_view destination_realm,
                   std::string_view destination_host, std::uint32_t binding_vendor) {
  Message m = Message::new_request(dictionary().idr.request, destination_realm, "simbind-idr");
  m.add_string(0, avp::destination_host, destination_host);
  m.add_string(0, avp::user_name, r.user_name);
  // Subscription-Data is mandatory in an IDR (TS 29.272 7.2.9); nothing in it changes here.
  m.add_group(V, avp3gpp::subscription_data);
  m.add_u32(V, avp3gpp::idr_flags, r.idr_flags);
  if (r.binding) {
    const BindingProvisioningInfo& b = *r.binding;
    m.add_group(binding_vendor, avpbind::binding_provisioning_info)
        .add_octets(binding_vendor, avpbind::wrapped_kme, b.wrapped_kme)
        .add_octets(binding_vendor, avpbind::hss_nonce, b.hss_nonce)
        .add_u32(binding_vendor, avpbind::kme_id, b.kme_id)
        .add_i32(binding_vendor, avpbind::key_wrap_scheme, static_cast<std::int32_t>(b.key_wrap_scheme));
  }
  return m;
}

Result<InsertSubscriberDataRequest> decode_idr(const Message& m, std::uint32_t binding_vendor) {
  auto imsi = user_name(m);
  if (!imsi) return std::unexpected(imsi.error());
  InsertSubscriberDataRequest r;
  r.user_name = *imsi;
  if (auto f = m.find(V, avp3gpp::idr_flags)) r.idr_flags = f->u32().value_or(0);
  if (auto info = m.find(binding_vendor, avpbind::binding_provisioning_info)) {
    BindingProvisioningInfo b;
    auto wrapped = info->child(binding_vendor, avpbind::wrapped_kme);
    auto nonce = info->child(binding_vendor, avpbind::hss_nonce);
    auto id = info->child(binding_vendor, avpbind::kme_id);
    auto scheme = info->child(binding_vendor, avpbind::key_wrap_scheme);
    if (!wrapped || !nonce || !id || !scheme) {
      return bad_avp("Binding-Provisioning-Info", "needs Wrapped-KME, HSS-Nonce, KME-Id and Key-Wrap-Scheme");
    }
    auto w = wrapped->octets();
    if (!w || w->empty() || w->size() > 1024) return bad_avp("Wrapped-KME", "must be 1..1024 octets");
    b.wrapped_kme.assign(w->begin(), w->end());
    auto n = fixed_octets<16>(*nonce, "HSS-Nonce");
    if (!n) return std::unexpected(n.error());
    b.hss_nonce = *n;
    b.kme_id = id->u32().value_or(0);
    const std::int32_t sc = scheme->i32().value_or(0);
    if (sc < 1 || sc > 3) return bad_avp("Key-Wrap-Scheme", "must be 1, 2 or 3");
    b.key_wrap_scheme = static_cast<std::uint32_t>(sc);
    r.binding = std::move(b);
  }
  return r;
}

void fill_ida(Message& answer, const InsertSubscriberDataAnswer& a, std::uint32_t binding_vendor) {
  fill_result(answer, a.result);
  if (a.binding_response) answer.add_octets(binding_vendor, avpbind::binding_response, *a.binding_response);
  if (a.binding_failure_report) {
    answer.add_i32(binding_vendor, avpbind::binding_failure_report, static_cast<std::int32_t>(*a.binding_failure_report));
  }
}

Result<InsertSubscriberDataAnswer> decode_ida(const Message& m, std::uint32_t binding_vendor) {
  InsertSubscriberDataAnswer a;
  a.result = read_result(m);
  if (auto rsp = m.find(binding_vendor, avpbind::binding_response)) {
    auto v = fixed_octets<32>(*rsp, "Binding-Response");
    if (!v) return std::unexpected(v.error());
    a.binding_response = *v;
  }
  a.binding_failure_report = read_enum<BindingFailureReport>(m, binding_vendor, avpbind::binding_failure_report);
  return a;
}

}  // namespace simbind::diameter
