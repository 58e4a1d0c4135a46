#include "services/cli/hss_input.h"

#include "common/util/hex.h"
#include "common/util/identifiers.h"
#include "services/cli/cli_args.h"
#include "services/hss/profile_proto.h"

namespace simbind::cli {

Problem imsi_problem(std::string_view text) {
  if (auto imsi = Imsi::create(text); !imsi) return imsi.error().message + ", got '" + std::string(text) + "'";
  return std::nullopt;
}

Problem imei_problem(std::string_view text) {
  if (auto imei = Imei::create(text); !imei) return imei.error().message + ", got '" + std::string(text) + "'";
  return std::nullopt;
}

Problem hex_problem(std::string_view text, std::size_t octets) {
  if (text.empty()) return "expected " + std::to_string(2 * octets) + " hex digits, got none";
  auto bytes = from_hex(text);
  if (!bytes) return bytes.error().message;
  if (bytes->size() != octets) {
    return "expected " + std::to_string(2 * octets) + " hex digits, got " + std::to_string(text.size());
  }
  return std::nullopt;
}

Problem msisdn_problem(std::string_view text) {
  if (text.size() > 15 || text.find_first_not_of("0123456789") != std::string_view::npos) {
    return "must be up to 15 digits, got '" + std::string(text) + "'";
  }
  return std::nullopt;
}

void require_valid(std::string_view option, const Problem& problem) {
  if (problem) throw UsageError(option, *problem);
}

std::vector<std::pair<std::string, std::string>> problems(const NewSubscriber& s, const FieldNames& names) {
  std::vector<std::pair<std::string, std::string>> out;
  auto note = [&out](const std::string& field, const Problem& p) {
    if (p) out.emplace_back(field, *p);
  };
  if (s.imsi.empty()) {
    out.emplace_back(names.imsi, "is required");
  } else {
    note(names.imsi, imsi_problem(s.imsi));
  }
  if (s.k.empty()) {
    out.emplace_back(names.k, "is required");
  } else {
    note(names.k, hex_problem(s.k, 16));
  }
  if (s.op.empty() && s.opc.empty()) {
    out.emplace_back(names.op_or_opc, "is required (give OP or OPc)");
  } else if (!s.op.empty() && !s.opc.empty()) {
    out.emplace_back(names.op_or_opc, "give only one of OP and OPc");
  } else if (!s.op.empty()) {
    note(names.op, hex_problem(s.op, 16));
  } else {
    note(names.opc, hex_problem(s.opc, 16));
  }
  if (!s.amf.empty()) note(names.amf, hex_problem(s.amf, 2));
  note(names.msisdn, msisdn_problem(s.msisdn));
  if (s.qci != 0 && (s.qci < 1 || s.qci > 254)) {
    out.emplace_back(names.qci, "must be 1..254, got " + std::to_string(s.qci));
  }
  if (!s.subscriber_status.empty() && !subscription::subscriber_status_from(s.subscriber_status)) {
    out.emplace_back(names.profile, "subscriber status must be service_granted or operator_determined_barring, got '" +
                                        s.subscriber_status + "'");
  }
  if (!s.network_access_mode.empty() && !subscription::network_access_mode_from(s.network_access_mode)) {
    out.emplace_back(names.profile, "network access mode must be packet_and_circuit or only_packet, got '" +
                                        s.network_access_mode + "'");
  }
  if (!s.apns.empty() && (!s.apn.empty() || s.qci != 0)) {
    out.emplace_back(names.profile, "with several APN configurations, give the default's name as the default APN "
                                    "and its QCI in its configuration, not as the single-APN apn/qci");
  }
  if (out.empty()) {  // the HSS's own rules over the whole subscription (common/subscription)
    if (auto p = simbind::hss::profile_from_proto(to_profile(s)); !p) {
      std::string message = p.error().message;
      if (message.starts_with("profile.")) message.erase(0, 8);
      out.emplace_back(names.profile, message);
    }
  }
  return out;
}

simbind::hss::v1::Profile to_profile(const NewSubscriber& s) {
  simbind::hss::v1::Profile p;
  p.set_msisdn(s.msisdn);
  p.set_apn(s.apn);
  p.set_ambr_ul(s.ambr_ul);
  p.set_ambr_dl(s.ambr_dl);
  p.set_qci(s.qci);
  for (const auto& a : s.apns) *p.add_apns() = a;
  p.set_default_apn(s.default_apn);
  if (s.subscriber_status == "operator_determined_barring") {
    p.set_subscriber_status(simbind::hss::v1::SUBSCRIBER_STATUS_OPERATOR_DETERMINED_BARRING);
  }
  if (s.network_access_mode == "packet_and_circuit") {
    p.set_network_access_mode(simbind::hss::v1::NETWORK_ACCESS_MODE_PACKET_AND_CIRCUIT);
  } else if (s.network_access_mode == "only_packet") {
    p.set_network_access_mode(simbind::hss::v1::NETWORK_ACCESS_MODE_ONLY_PACKET);
  }
  if (s.access_restriction) p.set_access_restriction(*s.access_restriction);
  return p;
}

simbind::hss::v1::CreateSubscriberRequest to_request(const NewSubscriber& s) {
  simbind::hss::v1::CreateSubscriberRequest req;
  req.set_imsi(s.imsi);
  auto* keys = req.mutable_keys();
  keys->set_k(s.k);
  keys->set_op(s.op);
  keys->set_opc(s.opc);
  keys->set_amf(s.amf);
  *req.mutable_profile() = to_profile(s);
  req.set_binding_required(s.binding_required);
  return req;
}

}  // namespace simbind::cli
