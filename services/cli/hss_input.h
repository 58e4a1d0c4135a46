// What the user gives `simbind hss` (options, or one entry of an import file), checked before anything is sent,
// so that a malformed value is named by the option or file field it came from. Key values (K, OP, OPc, KME)
// are never echoed in a message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hss_admin.pb.h"

namespace simbind::cli {

// What is wrong with a value, or nothing.
using Problem = std::optional<std::string>;

Problem imsi_problem(std::string_view text);
Problem imei_problem(std::string_view text);
Problem hex_problem(std::string_view text, std::size_t octets);  // exactly `octets` octets of hex
Problem msisdn_problem(std::string_view text);                   // up to 15 digits (empty = none)

// Throws UsageError(option, problem) when there is a problem (exit status 2).
void require_valid(std::string_view option, const Problem& problem);

// One subscriber to create. Empty strings and zero numbers mean "not given": the HSS applies its defaults.
struct NewSubscriber {
  std::string imsi, k, op, opc, amf;
  std::string msisdn, apn;                 // apn, qci: the single (default) APN's, when `apns` is empty
  std::uint32_t ambr_ul = 0, ambr_dl = 0;  // UE-AMBR, bit/s
  std::int32_t qci = 0;
  bool binding_required = false;
  // Several APN configurations (--apn-config, an import file's apns); empty: one, from apn and qci.
  std::vector<simbind::hss::v1::ApnConfig> apns;
  std::string default_apn;                         // the default among `apns`; empty: the first
  std::string subscriber_status;                   // service_granted | operator_determined_barring; empty: granted
  std::string network_access_mode;                 // packet_and_circuit | only_packet; empty: only_packet
  std::optional<std::uint32_t> access_restriction;  // Access-Restriction-Data bits
};

// How a source calls each field in its messages ("--k" on the command line, "key" in a CSV file).
struct FieldNames {
  std::string imsi, k, op, opc, op_or_opc, amf, msisdn, qci;
  std::string profile = "profile";  // where the subscription rules' problems are reported
};

// The admin API's Profile for `s`; throws nothing, names that do not parse are left unspecified (problems()
// reports them).
simbind::hss::v1::Profile to_profile(const NewSubscriber& s);

// Every problem of `s` as (field name, problem), in field order; empty when it can be sent.
std::vector<std::pair<std::string, std::string>> problems(const NewSubscriber& s, const FieldNames& names);

simbind::hss::v1::CreateSubscriberRequest to_request(const NewSubscriber& s);

}  // namespace simbind::cli
