// One APN configuration as the command line writes it (`--apn-config`), turned into the admin API's ApnConfig:
//
//   NAME[,pdn=ipv4|ipv6|ipv4v6|ipv4_or_ipv6][,qci=N][,arp=PL[:CAP:VUL]][,ambr=UL:DL][,ipv4=A.B.C.D]
//       [,ipv6=PREFIX/64][,id=N]
//
// CAP and VUL are the pre-emption capability and vulnerability, `enabled` or `disabled` (or 0 / 1, the AVP
// values); bit rates are bit/s with an optional k, M or G (decimal: 50M = 50000000). Only the form is checked
// here; the rules between fields and configurations are the HSS's (common/subscription), checked before sending.
#pragma once

#include <string>
#include <string_view>

#include "common/util/error.h"
#include "hss_admin.pb.h"

namespace simbind::cli {

Result<simbind::hss::v1::ApnConfig> parse_apn_spec(std::string_view spec);

// "50M" -> 50000000; 1..4294967295 bit/s.
Result<std::uint32_t> parse_bit_rate(std::string_view text);

// The names the command line and import files use.
Result<simbind::hss::v1::PdnType> parse_pdn_type(std::string_view name);
Result<simbind::hss::v1::PreEmption> parse_pre_emption(std::string_view name);
const char* pdn_type_name(simbind::hss::v1::PdnType t);
const char* pre_emption_name(simbind::hss::v1::PreEmption p);  // for output: unspecified shows the default

}  // namespace simbind::cli
