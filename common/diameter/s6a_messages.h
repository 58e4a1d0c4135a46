// S6a messages (TS 29.272 clause 7.2) as plain structs, with the binding AVPs of DESIGN 5.2. Procedure code sees
// only these; s6a_codec.cpp turns them into Diameter messages and back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/util/bytes.h"

namespace simbind::diameter {

struct ResultCode {
  std::uint32_t code = 2001;
  bool experimental = false;  // Experimental-Result (vendor 10415) instead of Result-Code
  bool success() const { return !experimental && code >= 2000 && code < 3000; }
  static ResultCode ok() { return {}; }
  static ResultCode base(std::uint32_t c) { return {c, false}; }
  static ResultCode exp(std::uint32_t c) { return {c, true}; }
};

// Supported-Features (TS 29.229 6.3.29): the binding feature is {Vendor-Id 32473, Feature-List-ID 1, bit 0}.
struct SupportedFeatures {
  std::uint32_t vendor_id = 0;
  std::uint32_t feature_list_id = 0;
  std::uint32_t feature_list = 0;
};
inline constexpr std::uint32_t kBindingFeatureListId = 1;
inline constexpr std::uint32_t kBindingFeatureBit = 0x1;

enum class BindingAvType : std::int32_t { regular = 0, pre_processed = 1 };
enum class BindingRestriction : std::int32_t { none = 0, provisioning_only = 1 };
enum class BindingFailureReport : std::int32_t { mac_failure_pre_processed = 1, no_kme = 2, unwrap_failed = 3 };

// ----- AIR / AIA (TS 29.272 5.2.3.1) ---------------------------------------------------------------------------

struct AuthInfoRequest {
  std::string user_name;  // IMSI
  Octets<3> visited_plmn{};
  std::uint32_t requested_vectors = 1;
  bool immediate_response_preferred = false;
  std::optional<Bytes> resync_info;  // RAND || AUTS, 30 octets
  std::vector<SupportedFeatures> supported_features;
  std::optional<BindingFailureReport> binding_failure_report;
};

struct EutranVectorData {
  Octets<16> rand{};
  Bytes xres;
  Octets<16> autn{};
  Octets<32> kasme{};
  std::optional<BindingAvType> av_type;  // binding AVPs: only towards MMEs that advertise the feature
  std::optional<std::uint32_t> kme_id;
};

struct AuthInfoAnswer {
  ResultCode result;
  std::vector<EutranVectorData> vectors;
  std::optional<BindingRestriction> binding_restriction;
  std::vector<SupportedFeatures> supported_features;
};

// ----- ULR / ULA (TS 29.272 5.2.1.1) ---------------------------------------------------------------------------

struct TerminalInformation {
  std::string imei;              // 14 or 15 digits (UTF8String, TS 29.272 7.3.4)
  std::string software_version;  // 2 digits
};

struct UpdateLocationRequest {
  std::string user_name;
  Octets<3> visited_plmn{};
  std::uint32_t rat_type = 1004;  // EUTRAN (TS 29.212 5.3.31)
  std::uint32_t ulr_flags = 0;
  std::optional<TerminalInformation> terminal_information;
  std::vector<SupportedFeatures> supported_features;
};

struct ApnConfiguration {
  std::uint32_t context_identifier = 1;
  std::string service_selection;  // the APN
  std::int32_t pdn_type = 0;      // IPv4
  std::int32_t qci = 9;
  std::uint32_t priority_level = 8;
  std::int32_t pre_emption_capability = 1;    // PRE-EMPTION_CAPABILITY_DISABLED
  std::int32_t pre_emption_vulnerability = 0;  // PRE-EMPTION_VULNERABILITY_ENABLED
  std::uint32_t ambr_ul = 0;  // bit/s; 0 = no per-APN AMBR
  std::uint32_t ambr_dl = 0;
  // Served-Party-IP-Address (TS 29.272 7.3.35, at most two): a static IPv4 address and/or IPv6 /64 prefix.
  std::optional<Octets<4>> served_ipv4;
  std::optional<Octets<8>> served_ipv6_prefix;
};

struct SubscriptionData {
  std::string msisdn;               // digits; TBCD on the wire
  std::int32_t subscriber_status = 0;       // SERVICE_GRANTED
  std::int32_t network_access_mode = 2;     // ONLY_PACKET
  std::uint32_t access_restriction_data = 0;
  std::uint32_t ambr_ul = 0;
  std::uint32_t ambr_dl = 0;
  std::uint32_t default_context_identifier = 1;
  std::vector<ApnConfiguration> apns;
};

struct UpdateLocationAnswer {
  ResultCode result;
  std::uint32_t ula_flags = 1;  // bit 0: Separation Indication (TS 29.272 7.3.8), as HSSs commonly send
  std::optional<SubscriptionData> subscription;
  std::optional<BindingRestriction> binding_restriction;
  std::vector<SupportedFeatures> supported_features;
};

// ----- PUR / PUA, CLR / CLA -----------------------------------------------------------------------------------

struct PurgeUeRequest {
  std::string user_name;
};
struct PurgeUeAnswer {
  ResultCode result;
  std::uint32_t pua_flags = 0;
};

struct CancelLocationRequest {
  std::string user_name;
  std::int32_t cancellation_type = 0;  // MME_UPDATE_PROCEDURE
};
struct CancelLocationAnswer {
  ResultCode result;
};

// ----- IDR / IDA (TS 29.272 5.2.2.1) with the over-the-air KME of DESIGN 3.3 steps 9 and 13 -------------------

struct BindingProvisioningInfo {
  Bytes wrapped_kme;            // KME wrapped for the device's public key
  Octets<16> hss_nonce{};       // NHSS
  std::uint32_t kme_id = 0;
  std::uint32_t key_wrap_scheme = 0;  // crypto::KeyWrapScheme values: 1 ECIES A, 2 ECIES B, 3 RSA-OAEP-SHA-256
};

struct InsertSubscriberDataRequest {
  std::string user_name;
  std::uint32_t idr_flags = 0;
  std::optional<BindingProvisioningInfo> binding;
};

struct InsertSubscriberDataAnswer {
  ResultCode result;
  std::optional<Octets<32>> binding_response;  // Rsp = HMAC-SHA-256(KME, NHSS)
  std::optional<BindingFailureReport> binding_failure_report;  // e.g. UNWRAP_FAILED
};

bool advertises_binding(const std::vector<SupportedFeatures>& features, std::uint32_t binding_vendor);

}  // namespace simbind::diameter
