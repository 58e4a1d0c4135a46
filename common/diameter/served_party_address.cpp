#include "common/diameter/served_party_address.h"

#include <cstdlib>
#include <iostream>
#include <mutex>

#include "common/diameter/avp_codes.h"
#include "common/diameter/fd.h"

namespace simbind::diameter {
namespace {

constexpr std::uint16_t kFamilyIpv4 = 1;  // IANA address family numbers (RFC 6733 4.3.1)
constexpr std::uint16_t kFamilyIpv6 = 2;

[[noreturn]] void invariant_failed(const char* what, int rc) {
  std::cerr << "fatal: Served-Party-IP-Address: " << what << " failed (" << rc << ")\n";
  std::abort();
}

// The model, found (or defined) on first use. freeDiameter's dictionary calls take their own locks.
dict_object* model() {
  static dict_object* found = nullptr;
  static std::once_flag once;
  std::call_once(once, [] {
    struct dictionary* dict = fd_g_config->cnf_dict;
    struct dict_avp_request req{kVendor3gpp, avp3gpp::served_party_ip_address, nullptr};
    if (fd_dict_search(dict, DICT_AVP, AVP_BY_CODE_AND_VENDOR, &req, &found, ENOENT) == 0 && found) return;
    dict_object* vendor = nullptr;
    std::uint32_t vendor_id = kVendor3gpp;
    fd_dict_search(dict, DICT_VENDOR, VENDOR_BY_ID, &vendor_id, &vendor, ENOENT);
    struct dict_avp_data data{avp3gpp::served_party_ip_address, kVendor3gpp,
                              const_cast<char*>("Served-Party-IP-Address"), AVP_FLAG_VENDOR | AVP_FLAG_MANDATORY,
                              AVP_FLAG_VENDOR | AVP_FLAG_MANDATORY, AVP_TYPE_OCTETSTRING};
    if (int rc = fd_dict_new(dict, DICT_AVP, &data, nullptr, &found); rc != 0) invariant_failed("fd_dict_new", rc);
  });
  return found;
}

Bytes with_family(std::uint16_t family, ByteView address) {
  Bytes out(2 + address.size());
  out[0] = static_cast<std::uint8_t>(family >> 8);
  out[1] = static_cast<std::uint8_t>(family);
  std::copy(address.begin(), address.end(), out.begin() + 2);
  return out;
}

}  // namespace

Bytes served_party_address_ipv4(const Octets<4>& address) { return with_family(kFamilyIpv4, address); }

Bytes served_party_address_ipv6_prefix(const Octets<8>& prefix) {
  Octets<16> full{};
  std::copy(prefix.begin(), prefix.end(), full.begin());
  return with_family(kFamilyIpv6, full);
}

Result<void> read_served_party_address(ByteView value, ServedPartyAddress& out) {
  if (value.size() < 2) return fail(ErrorCode::invalid_argument, "Served-Party-IP-Address: shorter than an Address");
  const std::uint16_t family = static_cast<std::uint16_t>(value[0] << 8 | value[1]);
  if (family == kFamilyIpv4 && value.size() == 6) {
    Octets<4> a{};
    std::copy(value.begin() + 2, value.end(), a.begin());
    out.ipv4 = a;
    return {};
  }
  if (family == kFamilyIpv6 && value.size() == 18) {
    Octets<8> p{};
    std::copy(value.begin() + 2, value.begin() + 10, p.begin());
    out.ipv6_prefix = p;
    return {};
  }
  return fail(ErrorCode::invalid_argument, "Served-Party-IP-Address: not an IPv4 or IPv6 Address (family " +
                                               std::to_string(family) + ", " + std::to_string(value.size()) +
                                               " octets)");
}

void add_served_party_address(const AvpRef& parent, ByteView value) {
  struct avp* a = nullptr;
  if (int rc = fd_msg_avp_new(model(), 0, &a); rc != 0) invariant_failed("fd_msg_avp_new", rc);
  union avp_value v{};
  static std::uint8_t empty = 0;
  v.os.data = value.empty() ? &empty : const_cast<std::uint8_t*>(value.data());  // freeDiameter copies it
  v.os.len = value.size();
  if (int rc = fd_msg_avp_setvalue(a, &v); rc != 0) invariant_failed("fd_msg_avp_setvalue", rc);
  if (int rc = fd_msg_avp_add(parent.raw(), MSG_BRW_LAST_CHILD, a); rc != 0) invariant_failed("fd_msg_avp_add", rc);
}

}  // namespace simbind::diameter
