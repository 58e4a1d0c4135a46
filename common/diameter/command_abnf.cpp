#include "common/diameter/command_abnf.h"

#include <map>
#include <utility>

#include "common/diameter/avp_codes.h"
#include "common/diameter/dictionary.h"
#include "common/diameter/fd.h"
#include "common/diameter/message.h"

namespace simbind::diameter {
namespace {

constexpr std::uint32_t G = kVendor3gpp;
using O = Occurs;

// The head every S6a command shares: < Session-Id > [ Vendor-Specific-Application-Id ] { Auth-Session-State }
// { Origin-Host } { Origin-Realm }. DRMP, OC-Supported-Features and Load are left out: freeDiameter's Debian
// dictionaries do not define them, and `*[ AVP ]` admits them.
#define S6A_HEAD                                                                            \
  {0, avp::session_id, "Session-Id", O::fixed_first},                                       \
      {0, avp::vendor_specific_application_id, "Vendor-Specific-Application-Id", O::optional}, \
      {0, avp::auth_session_state, "Auth-Session-State", O::required},                      \
      {0, avp::origin_host, "Origin-Host", O::required}, {0, avp::origin_realm, "Origin-Realm", O::required}
#define RESULT                                                               \
  {0, avp::result_code, "Result-Code", O::optional},                          \
      {0, avp::experimental_result, "Experimental-Result", O::optional}

// TS 29.272 7.2.3 / 7.2.4
constexpr AbnfElement kUlr[] = {S6A_HEAD,
                                {0, avp::destination_host, "Destination-Host", O::optional},
                                {0, avp::destination_realm, "Destination-Realm", O::required},
                                {0, avp::user_name, "User-Name", O::required},
                                {G, avp3gpp::terminal_information, "Terminal-Information", O::optional},
                                {G, avp3gpp::rat_type, "RAT-Type", O::required},
                                {G, avp3gpp::ulr_flags, "ULR-Flags", O::required},
                                {G, avp3gpp::visited_plmn_id, "Visited-PLMN-Id", O::required}};
constexpr AbnfElement kUla[] = {S6A_HEAD, RESULT,
                                {G, avp3gpp::ula_flags, "ULA-Flags", O::optional},
                                {G, avp3gpp::subscription_data, "Subscription-Data", O::optional}};
// 7.2.7 / 7.2.8
constexpr AbnfElement kClr[] = {S6A_HEAD,
                                {0, avp::destination_host, "Destination-Host", O::required},
                                {0, avp::destination_realm, "Destination-Realm", O::required},
                                {0, avp::user_name, "User-Name", O::required},
                                {G, avp3gpp::cancellation_type, "Cancellation-Type", O::required}};
constexpr AbnfElement kCla[] = {S6A_HEAD, RESULT, {0, avp::failed_avp, "Failed-AVP", O::optional}};
// 7.2.5 / 7.2.6
constexpr AbnfElement kAir[] = {
    S6A_HEAD,
    {0, avp::destination_host, "Destination-Host", O::optional},
    {0, avp::destination_realm, "Destination-Realm", O::required},
    {0, avp::user_name, "User-Name", O::required},
    {G, avp3gpp::requested_eutran_authentication_info, "Requested-EUTRAN-Authentication-Info", O::optional},
    {G, avp3gpp::visited_plmn_id, "Visited-PLMN-Id", O::required}};
constexpr AbnfElement kAia[] = {S6A_HEAD, RESULT,
                                {G, avp3gpp::authentication_info, "Authentication-Info", O::optional}};
// 7.2.9 / 7.2.10
constexpr AbnfElement kIdr[] = {S6A_HEAD,
                                {0, avp::destination_host, "Destination-Host", O::required},
                                {0, avp::destination_realm, "Destination-Realm", O::required},
                                {0, avp::user_name, "User-Name", O::required},
                                {G, avp3gpp::subscription_data, "Subscription-Data", O::required},
                                {G, avp3gpp::idr_flags, "IDR-Flags", O::optional}};
constexpr AbnfElement kIda[] = {S6A_HEAD, RESULT,
                                {G, avp3gpp::ida_flags, "IDA-Flags", O::optional},
                                {0, avp::failed_avp, "Failed-AVP", O::optional}};
// 7.2.13 / 7.2.14
constexpr AbnfElement kPur[] = {S6A_HEAD,
                                {0, avp::destination_host, "Destination-Host", O::optional},
                                {0, avp::destination_realm, "Destination-Realm", O::required},
                                {0, avp::user_name, "User-Name", O::required},
                                {G, avp3gpp::pur_flags, "PUR-Flags", O::optional}};
constexpr AbnfElement kPua[] = {S6A_HEAD, RESULT,
                                {G, avp3gpp::pua_flags, "PUA-Flags", O::optional},
                                {0, avp::failed_avp, "Failed-AVP", O::optional}};
// 7.2.17 / 7.2.18
constexpr AbnfElement kNor[] = {S6A_HEAD,
                                {0, avp::destination_host, "Destination-Host", O::optional},
                                {0, avp::destination_realm, "Destination-Realm", O::required},
                                {0, avp::user_name, "User-Name", O::required},
                                {G, avp3gpp::terminal_information, "Terminal-Information", O::optional}};
constexpr AbnfElement kNoa[] = {S6A_HEAD, RESULT};

constexpr CommandAbnf kS6a[] = {
    {cmd::update_location, BpCommand::none, "Update-Location-Request", true, kUlr},
    {cmd::update_location, BpCommand::none, "Update-Location-Answer", false, kUla},
    {cmd::cancel_location, BpCommand::none, "Cancel-Location-Request", true, kClr},
    {cmd::cancel_location, BpCommand::none, "Cancel-Location-Answer", false, kCla},
    {cmd::authentication_information, BpCommand::none, "Authentication-Information-Request", true, kAir},
    {cmd::authentication_information, BpCommand::none, "Authentication-Information-Answer", false, kAia},
    {cmd::insert_subscriber_data, BpCommand::none, "Insert-Subscriber-Data-Request", true, kIdr},
    {cmd::insert_subscriber_data, BpCommand::none, "Insert-Subscriber-Data-Answer", false, kIda},
    {cmd::purge_ue, BpCommand::none, "Purge-UE-Request", true, kPur},
    {cmd::purge_ue, BpCommand::none, "Purge-UE-Answer", false, kPua},
    {cmd::notify, BpCommand::none, "Notify-Request", true, kNor},
    {cmd::notify, BpCommand::none, "Notify-Answer", false, kNoa},
};

// Bp (docs/DIAMETER.md). kBindingVendor stands for the configured binding vendor id.
constexpr AbnfElement kKmeReq[] = {S6A_HEAD,
                                   {0, avp::destination_host, "Destination-Host", O::required},
                                   {0, avp::destination_realm, "Destination-Realm", O::required},
                                   {0, avp::user_name, "User-Name", O::required},
                                   {G, avp3gpp::terminal_information, "Terminal-Information", O::required}};
constexpr AbnfElement kKmeAns[] = {S6A_HEAD, RESULT,
                                   {kBindingVendorPlaceholder, avpbind::wrapped_kme, "Wrapped-KME", O::optional},
                                   {kBindingVendorPlaceholder, avpbind::hss_wrapped_kme, "HSS-Wrapped-KME", O::optional},
                                   {kBindingVendorPlaceholder, avpbind::kme_id, "KME-Id", O::optional},
                                   {kBindingVendorPlaceholder, avpbind::key_wrap_scheme, "Key-Wrap-Scheme", O::optional},
                                   {0, avp::failed_avp, "Failed-AVP", O::optional}};
constexpr AbnfElement kActReq[] = {S6A_HEAD,
                                   {0, avp::destination_host, "Destination-Host", O::required},
                                   {0, avp::destination_realm, "Destination-Realm", O::required},
                                   {0, avp::user_name, "User-Name", O::required},
                                   {G, avp3gpp::terminal_information, "Terminal-Information", O::required},
                                   {kBindingVendorPlaceholder, avpbind::hss_wrapped_kme, "HSS-Wrapped-KME", O::required},
                                   {kBindingVendorPlaceholder, avpbind::kme_id, "KME-Id", O::required}};
constexpr AbnfElement kActAns[] = {S6A_HEAD, RESULT, {0, avp::failed_avp, "Failed-AVP", O::optional}};

constexpr CommandAbnf kBp[] = {
    {0, BpCommand::kme_establishment, "KME-Establishment-Request", true, kKmeReq},
    {0, BpCommand::kme_establishment, "KME-Establishment-Answer", false, kKmeAns},
    {0, BpCommand::binding_activation, "Binding-Activation-Request", true, kActReq},
    {0, BpCommand::binding_activation, "Binding-Activation-Answer", false, kActAns},
};

#undef S6A_HEAD
#undef RESULT

const CommandAbnf* find_abnf(std::uint32_t app, std::uint32_t code, bool request) {
  const Dictionary& d = dictionary();
  if (app == kS6aApplicationId) {
    for (const auto& c : kS6a) {
      if (c.code == code && c.request == request) return &c;
    }
  } else if (app == d.bp_application_id) {
    for (const auto& c : kBp) {
      const std::uint32_t bp_code = c.bp == BpCommand::kme_establishment ? d.bp_kme_establishment_code
                                                                         : d.bp_binding_activation_code;
      if (bp_code == code && c.request == request) return &c;
    }
  }
  return nullptr;
}

std::uint32_t resolve_vendor(std::uint32_t v) {
  return v == kBindingVendorPlaceholder ? dictionary().binding_vendor_id : v;
}

}  // namespace

std::span<const CommandAbnf> s6a_command_abnf() { return kS6a; }
std::span<const CommandAbnf> bp_command_abnf() { return kBp; }

std::string command_name(struct msg* m) {
  struct msg_hdr* h = nullptr;
  if (m == nullptr || fd_msg_hdr(m, &h) != 0 || h == nullptr) return "message";
  const bool request = (h->msg_flags & CMD_FLAG_REQUEST) != 0;
  if (const CommandAbnf* c = find_abnf(h->msg_appl, h->msg_code, request)) return c->name;
  return "command " + std::to_string(h->msg_code) + (request ? " request" : " answer");
}

std::string explain_rule_violation(struct msg* m) {
  struct msg_hdr* h = nullptr;
  if (m == nullptr || fd_msg_hdr(m, &h) != 0 || h == nullptr) return {};
  const CommandAbnf* c = find_abnf(h->msg_appl, h->msg_code, (h->msg_flags & CMD_FLAG_REQUEST) != 0);
  if (c == nullptr) return {};

  std::map<std::pair<std::uint32_t, std::uint32_t>, int> counts;
  std::pair<std::uint32_t, std::uint32_t> first_avp{~0u, ~0u};
  for (struct avp* a = AvpRef::first_child(m); a != nullptr; a = AvpRef::next_sibling(a)) {
    const AvpRef ref(a);
    const std::pair key{ref.vendor(), ref.code()};
    if (counts.empty()) first_avp = key;
    ++counts[key];
  }

  std::string out;
  auto note = [&out](const std::string& s) { out += (out.empty() ? "" : "; ") + s; };
  for (const auto& e : c->elements) {
    const auto key = std::make_pair(resolve_vendor(e.vendor), e.code);
    const int n = counts.count(key) ? counts[key] : 0;
    if (e.occurs == Occurs::fixed_first && first_avp != key) note(std::string(e.name) + " is not the first AVP");
    if (e.occurs != Occurs::optional && n == 0) note(std::string("missing ") + e.name);
    if (n > 1) note(std::string(e.name) + " " + std::to_string(n) + " times (at most once)");
  }
  return out;
}

}  // namespace simbind::diameter
