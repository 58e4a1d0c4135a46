#include "services/cli/hss_input.h"

#include "common/util/hex.h"
#include "common/util/identifiers.h"
#include "services/cli/cli_args.h"

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
  if (s.qci != 0 && (s.qci < 1 || s.qci > 9)) out.emplace_back(names.qci, "must be 1..9, got " + std::to_string(s.qci));
  return out;
}

simbind::hss::v1::CreateSubscriberRequest to_request(const NewSubscriber& s) {
  simbind::hss::v1::CreateSubscriberRequest req;
  req.set_imsi(s.imsi);
  auto* keys = req.mutable_keys();
  keys->set_k(s.k);
  keys->set_op(s.op);
  keys->set_opc(s.opc);
  keys->set_amf(s.amf);
  auto* profile = req.mutable_profile();
  profile->set_msisdn(s.msisdn);
  profile->set_apn(s.apn);
  profile->set_ambr_ul(s.ambr_ul);
  profile->set_ambr_dl(s.ambr_dl);
  profile->set_qci(s.qci);
  req.set_binding_required(s.binding_required);
  return req;
}

}  // namespace simbind::cli
