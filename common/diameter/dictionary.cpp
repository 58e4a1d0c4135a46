#include "common/diameter/dictionary.h"

#include <cstdlib>
#include <cstring>
#include <span>
#include <string>

#include "common/diameter/command_abnf.h"
#include "common/diameter/dictionary_prune.h"
#include "common/diameter/fd.h"
#include "common/log/log.h"

namespace simbind::diameter {
namespace {

Dictionary g_dictionary;
bool g_defined = false;

std::uint64_t avp_key(std::uint32_t vendor, std::uint32_t code) { return (std::uint64_t{vendor} << 32) | code; }

struct dictionary* fd_dict() { return fd_g_config->cnf_dict; }

std::unexpected<Error> dict_error(const std::string& what) {
  return fail(ErrorCode::config_error, "Diameter dictionary: " + what);
}

Result<dict_object*> find_avp(std::uint32_t vendor, std::uint32_t code) {
  struct dict_avp_request req{vendor, code, nullptr};
  dict_object* obj = nullptr;
  if (fd_dict_search(fd_dict(), DICT_AVP, AVP_BY_CODE_AND_VENDOR, &req, &obj, ENOENT) != 0 || obj == nullptr) {
    return dict_error("AVP " + std::to_string(code) + " (vendor " + std::to_string(vendor) + ") is not defined");
  }
  return obj;
}

Result<dict_object*> vendor(std::uint32_t id, const char* name) {
  dict_object* obj = nullptr;
  if (fd_dict_search(fd_dict(), DICT_VENDOR, VENDOR_BY_ID, &id, &obj, ENOENT) == 0 && obj) return obj;
  struct dict_vendor_data data{id, const_cast<char*>(name)};
  if (fd_dict_new(fd_dict(), DICT_VENDOR, &data, nullptr, &obj) != 0) return dict_error(std::string("vendor ") + name);
  return obj;
}

Result<dict_object*> application(std::uint32_t id, const char* name, dict_object* owner) {
  dict_object* obj = nullptr;
  if (fd_dict_search(fd_dict(), DICT_APPLICATION, APPLICATION_BY_ID, &id, &obj, ENOENT) == 0 && obj) return obj;
  struct dict_application_data data{id, const_cast<char*>(name)};
  if (fd_dict_new(fd_dict(), DICT_APPLICATION, &data, owner, &obj) != 0) {
    return dict_error(std::string("application ") + name);
  }
  return obj;
}

Result<dict_object*> command(std::uint32_t code, const char* name, bool request, dict_object* app) {
  const std::uint8_t mask = CMD_FLAG_REQUEST | CMD_FLAG_PROXIABLE | CMD_FLAG_ERROR;
  const std::uint8_t val = request ? (CMD_FLAG_REQUEST | CMD_FLAG_PROXIABLE) : CMD_FLAG_PROXIABLE;
  struct dict_cmd_data data{code, const_cast<char*>(name), request ? mask : static_cast<std::uint8_t>(mask & ~CMD_FLAG_ERROR), val};
  dict_object* obj = nullptr;
  if (fd_dict_new(fd_dict(), DICT_COMMAND, &data, app, &obj) != 0) return dict_error(std::string("command ") + name);
  return obj;
}

Result<void> rule(dict_object* parent, dict_object* avp, enum rule_position pos, int min, int max, unsigned order = 0) {
  struct dict_rule_data data{avp, pos, order, min, max};
  if (fd_dict_new(fd_dict(), DICT_RULE, &data, parent, nullptr) != 0) return dict_error("rule");
  return {};
}

Result<void> rule(dict_object* parent, std::uint32_t vendor, std::uint32_t code, enum rule_position pos) {
  auto avp = find_avp(vendor, code);
  if (!avp) return std::unexpected(avp.error());
  return rule(parent, *avp, pos, -1, pos == RULE_OPTIONAL ? -1 : 1);
}

// The rules of one command, from its transcribed ABNF (command_abnf.h). An optional AVP that no loaded
// dictionary defines cannot arrive decoded anyway; a required one must be defined.
Result<void> abnf_rules(dict_object* cmd, const CommandAbnf& abnf, std::uint32_t binding_vendor) {
  for (const auto& e : abnf.elements) {
    const std::uint32_t vendor_id = e.vendor == kBindingVendorPlaceholder ? binding_vendor : e.vendor;
    auto avp = find_avp(vendor_id, e.code);
    if (!avp) {
      if (e.occurs == Occurs::optional) continue;
      return std::unexpected(avp.error());
    }
    Result<void> r;
    switch (e.occurs) {
      case Occurs::fixed_first: r = rule(cmd, *avp, RULE_FIXED_HEAD, -1, 1, 1); break;
      case Occurs::required: r = rule(cmd, *avp, RULE_REQUIRED, 1, 1); break;
      case Occurs::optional: r = rule(cmd, *avp, RULE_OPTIONAL, 0, 1); break;
    }
    if (!r) return fail(ErrorCode::config_error, std::string("Diameter dictionary: rule for ") + e.name + " in " + abnf.name);
  }
  return {};
}

const CommandAbnf& abnf_of(std::span<const CommandAbnf> table, const char* name) {
  for (const auto& c : table) {
    if (std::strcmp(c.name, name) == 0) return c;
  }
  std::abort();  // a name below that is not in command_abnf.cpp: a programming error
}

Result<CommandPair> command_pair(std::uint32_t code, std::span<const CommandAbnf> table, const char* req_name,
                                 const char* ans_name, dict_object* app, std::uint32_t binding_vendor) {
  auto req = command(code, req_name, true, app);
  if (!req) return std::unexpected(req.error());
  auto ans = command(code, ans_name, false, app);
  if (!ans) return std::unexpected(ans.error());
  if (auto r = abnf_rules(*req, abnf_of(table, req_name), binding_vendor); !r) return std::unexpected(r.error());
  if (auto r = abnf_rules(*ans, abnf_of(table, ans_name), binding_vendor); !r) return std::unexpected(r.error());
  return CommandPair{*req, *ans};
}

enum class Kind { u32, i32, octets, grouped };

// Defines an AVP unless an extension already did. Binding AVPs: V set, M clear (DESIGN 5.2): a standard MME
// ignores them instead of failing.
Result<dict_object*> define_avp(std::uint32_t vendor_id, std::uint32_t code, const char* name, Kind kind,
                                bool mandatory = false) {
  dict_object* obj = nullptr;
  struct dict_avp_request req{vendor_id, code, nullptr};
  if (fd_dict_search(fd_dict(), DICT_AVP, AVP_BY_CODE_AND_VENDOR, &req, &obj, ENOENT) == 0 && obj) return obj;
  const enum dict_avp_basetype base = kind == Kind::u32      ? AVP_TYPE_UNSIGNED32
                                      : kind == Kind::i32    ? AVP_TYPE_INTEGER32
                                      : kind == Kind::octets ? AVP_TYPE_OCTETSTRING
                                                             : AVP_TYPE_GROUPED;
  const std::uint8_t flags = static_cast<std::uint8_t>((vendor_id ? AVP_FLAG_VENDOR : 0) |
                                                      (mandatory ? AVP_FLAG_MANDATORY : 0));
  struct dict_avp_data data{code, vendor_id, const_cast<char*>(name), AVP_FLAG_VENDOR | AVP_FLAG_MANDATORY, flags,
                            base};
  if (fd_dict_new(fd_dict(), DICT_AVP, &data, nullptr, &obj) != 0) return dict_error(std::string("AVP ") + name);
  return obj;
}

Result<void> define_binding_avps(std::uint32_t v) {
  struct Def {
    std::uint32_t code;
    const char* name;
    Kind kind;
  };
  const Def defs[] = {
      {avpbind::binding_av_type, "Binding-AV-Type", Kind::i32},
      {avpbind::kme_id, "KME-Id", Kind::u32},
      {avpbind::binding_restriction, "Binding-Restriction", Kind::i32},
      {avpbind::wrapped_kme, "Wrapped-KME", Kind::octets},
      {avpbind::hss_nonce, "HSS-Nonce", Kind::octets},
      {avpbind::key_wrap_scheme, "Key-Wrap-Scheme", Kind::i32},
      {avpbind::binding_response, "Binding-Response", Kind::octets},
      {avpbind::binding_failure_report, "Binding-Failure-Report", Kind::i32},
      {avpbind::hss_wrapped_kme, "HSS-Wrapped-KME", Kind::octets},
      {avpbind::binding_provisioning_info, "Binding-Provisioning-Info", Kind::grouped},
  };
  for (const auto& d : defs) {
    if (auto r = define_avp(v, d.code, d.name, d.kind); !r) return std::unexpected(r.error());
  }
  auto group = find_avp(v, avpbind::binding_provisioning_info);
  if (!group) return std::unexpected(group.error());
  for (auto code : {avpbind::wrapped_kme, avpbind::hss_nonce, avpbind::kme_id, avpbind::key_wrap_scheme}) {
    if (auto r = rule(*group, v, code, RULE_REQUIRED); !r) return r;
  }
  return {};
}

// Every AVP an encoder in common/diameter writes, looked up once so that encoding is a hash lookup.
constexpr std::pair<std::uint32_t, std::uint32_t> kEncodedAvps[] = {
    {0, avp::user_name}, {0, avp::session_id}, {0, avp::origin_host}, {0, avp::origin_realm},
    {0, avp::destination_realm}, {0, avp::destination_host}, {0, avp::result_code}, {0, avp::auth_session_state},
    {0, avp::experimental_result}, {0, avp::experimental_result_code}, {0, avp::vendor_id}, {0, avp::failed_avp},
    {0, avp::service_selection},
    {kVendor3gpp, avp3gpp::rat_type}, {kVendor3gpp, avp3gpp::max_requested_bandwidth_ul},
    {kVendor3gpp, avp3gpp::max_requested_bandwidth_dl}, {kVendor3gpp, avp3gpp::qos_class_identifier},
    {kVendor3gpp, avp3gpp::allocation_retention_priority}, {kVendor3gpp, avp3gpp::priority_level},
    {kVendor3gpp, avp3gpp::pre_emption_capability}, {kVendor3gpp, avp3gpp::pre_emption_vulnerability},
    {kVendor3gpp, avp3gpp::msisdn}, {kVendor3gpp, avp3gpp::supported_features},
    {kVendor3gpp, avp3gpp::feature_list_id}, {kVendor3gpp, avp3gpp::feature_list},
    {kVendor3gpp, avp3gpp::subscription_data}, {kVendor3gpp, avp3gpp::terminal_information},
    {kVendor3gpp, avp3gpp::imei}, {kVendor3gpp, avp3gpp::software_version}, {kVendor3gpp, avp3gpp::ulr_flags},
    {kVendor3gpp, avp3gpp::ula_flags}, {kVendor3gpp, avp3gpp::visited_plmn_id},
    {kVendor3gpp, avp3gpp::requested_eutran_authentication_info},
    {kVendor3gpp, avp3gpp::number_of_requested_vectors}, {kVendor3gpp, avp3gpp::re_synchronization_info},
    {kVendor3gpp, avp3gpp::immediate_response_preferred}, {kVendor3gpp, avp3gpp::authentication_info},
    {kVendor3gpp, avp3gpp::e_utran_vector}, {kVendor3gpp, avp3gpp::rand}, {kVendor3gpp, avp3gpp::xres},
    {kVendor3gpp, avp3gpp::autn}, {kVendor3gpp, avp3gpp::kasme}, {kVendor3gpp, avp3gpp::cancellation_type},
    {kVendor3gpp, avp3gpp::subscriber_status}, {kVendor3gpp, avp3gpp::context_identifier},
    {kVendor3gpp, avp3gpp::all_apn_configurations_included_indicator},
    {kVendor3gpp, avp3gpp::apn_configuration_profile}, {kVendor3gpp, avp3gpp::apn_configuration},
    {kVendor3gpp, avp3gpp::eps_subscribed_qos_profile}, {kVendor3gpp, avp3gpp::ambr},
    {kVendor3gpp, avp3gpp::pdn_type}, {kVendor3gpp, avp3gpp::network_access_mode},
    {kVendor3gpp, avp3gpp::access_restriction_data}, {kVendor3gpp, avp3gpp::pur_flags},
    {kVendor3gpp, avp3gpp::pua_flags}, {kVendor3gpp, avp3gpp::idr_flags}, {kVendor3gpp, avp3gpp::ida_flags},
    {kVendor3gpp, avp3gpp::served_party_ip_address},
};

constexpr std::uint32_t kBindingAvps[] = {
    avpbind::binding_av_type, avpbind::kme_id, avpbind::binding_restriction, avpbind::binding_provisioning_info,
    avpbind::wrapped_kme, avpbind::hss_nonce, avpbind::key_wrap_scheme, avpbind::binding_response,
    avpbind::binding_failure_report, avpbind::hss_wrapped_kme};

}  // namespace

dict_object* Dictionary::avp(std::uint32_t vendor_id, std::uint32_t code) const {
  const auto it = avps_.find(avp_key(vendor_id, code));
  return it == avps_.end() ? nullptr : it->second;
}

Result<const Dictionary*> define_dictionary(const BindingDictionaryConfig& config) {
  if (g_defined) return &g_dictionary;
  Dictionary& d = g_dictionary;
  d.binding_vendor_id = config.vendor_id;

  auto v3gpp = vendor(kVendor3gpp, "3GPP");
  if (!v3gpp) return std::unexpected(v3gpp.error());
  d.vendor_3gpp = *v3gpp;
  auto vbind = vendor(config.vendor_id, "simbind");
  if (!vbind) return std::unexpected(vbind.error());
  d.binding_vendor = *vbind;
  if (auto r = define_binding_avps(config.vendor_id); !r) return std::unexpected(r.error());

  // Before any rule of ours names a 3GPP AVP: no S6a lookup walks past Gx, Rx and charging (dictionary_prune.h).
  auto pruned = prune_3gpp_avps_outside_s6a(kS6aImported3gppAvpsBelow1400);
  if (!pruned) return std::unexpected(pruned.error());
  d.pruned = *pruned;
  log::info("diameter: dictionary: {} stock 3GPP AVP definitions that no S6a or Bp message carries removed ({} kept "
            "below code 1400, {} DCCA rules naming them removed)",
            pruned->removed, pruned->kept_below, pruned->rules_removed);

  // Service-Selection (RFC 5778) carries the APN in APN-Configuration; no Debian extension defines it.
  if (auto r = define_avp(0, avp::service_selection, "Service-Selection", Kind::octets, true); !r) {
    return std::unexpected(r.error());
  }

  // Served-Party-IP-Address (TS 32.299 7.2.187; Address) carries static addresses in APN-Configuration;
  // dict_dcca_3gpp defines it, this covers a dictionary set that does not.
  if (auto r = define_avp(kVendor3gpp, avp3gpp::served_party_ip_address, "Served-Party-IP-Address", Kind::octets, true);
      !r) {
    return std::unexpected(r.error());
  }

  auto s6a = application(kS6aApplicationId, "S6a", d.vendor_3gpp);
  if (!s6a) return std::unexpected(s6a.error());
  d.s6a = *s6a;

  const std::uint32_t bv = config.vendor_id;
  struct Cmd {
    CommandPair* out;
    std::uint32_t code;
    const char* req;
    const char* ans;
  };
  const Cmd s6a_cmds[] = {
      {&d.ulr, cmd::update_location, "Update-Location-Request", "Update-Location-Answer"},
      {&d.clr, cmd::cancel_location, "Cancel-Location-Request", "Cancel-Location-Answer"},
      {&d.air, cmd::authentication_information, "Authentication-Information-Request",
       "Authentication-Information-Answer"},
      {&d.idr, cmd::insert_subscriber_data, "Insert-Subscriber-Data-Request", "Insert-Subscriber-Data-Answer"},
      {&d.pur, cmd::purge_ue, "Purge-UE-Request", "Purge-UE-Answer"},
      {&d.nor, cmd::notify, "Notify-Request", "Notify-Answer"},
  };
  for (const auto& c : s6a_cmds) {
    auto pair = command_pair(c.code, s6a_command_abnf(), c.req, c.ans, d.s6a, bv);
    if (!pair) return std::unexpected(pair.error());
    *c.out = *pair;
  }

  auto bp = application(config.bp_application_id, "simbind-Bp", d.binding_vendor);
  if (!bp) return std::unexpected(bp.error());
  d.bp = *bp;
  d.bp_application_id = config.bp_application_id;
  d.bp_kme_establishment_code = config.bp_kme_establishment_code;
  d.bp_binding_activation_code = config.bp_binding_activation_code;
  auto kme = command_pair(config.bp_kme_establishment_code, bp_command_abnf(), "KME-Establishment-Request",
                          "KME-Establishment-Answer", d.bp, bv);
  if (!kme) return std::unexpected(kme.error());
  d.bp_kme_establishment = *kme;
  auto act = command_pair(config.bp_binding_activation_code, bp_command_abnf(), "Binding-Activation-Request",
                          "Binding-Activation-Answer", d.bp, bv);
  if (!act) return std::unexpected(act.error());
  d.bp_binding_activation = *act;

  for (auto [vendor_id, code] : kEncodedAvps) {
    auto obj = find_avp(vendor_id, code);
    if (!obj) return std::unexpected(obj.error());
    d.avps_[avp_key(vendor_id, code)] = *obj;
  }
  for (auto code : kBindingAvps) {
    auto obj = find_avp(config.vendor_id, code);
    if (!obj) return std::unexpected(obj.error());
    d.avps_[avp_key(config.vendor_id, code)] = *obj;
  }
  g_defined = true;
  return &g_dictionary;
}

const Dictionary& dictionary() { return g_dictionary; }

}  // namespace simbind::diameter
