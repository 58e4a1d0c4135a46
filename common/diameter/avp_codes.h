// The one place that knows Diameter AVP, command and application codes (RFC 6733, TS 29.272, DESIGN 5.2/5.3).
#pragma once

#include <cstdint>

namespace simbind::diameter {

inline constexpr std::uint32_t kVendor3gpp = 10415;
inline constexpr std::uint32_t kS6aApplicationId = 16777251;

// Binding AVPs (DESIGN 5.2): vendor 32473 by default (RFC 5612 documentation enterprise number), configurable.
inline constexpr std::uint32_t kDefaultBindingVendor = 32473;
// Bp (DESIGN 5.3): lab defaults. The two command codes are RFC 6733's experimental-use codes.
inline constexpr std::uint32_t kDefaultBpApplicationId = 16777216 + 32473;
inline constexpr std::uint32_t kDefaultBpKmeEstablishmentCode = 16777214;
inline constexpr std::uint32_t kDefaultBpBindingActivationCode = 16777215;

namespace cmd {
inline constexpr std::uint32_t update_location = 316;
inline constexpr std::uint32_t cancel_location = 317;
inline constexpr std::uint32_t authentication_information = 318;
inline constexpr std::uint32_t insert_subscriber_data = 319;
inline constexpr std::uint32_t purge_ue = 321;
inline constexpr std::uint32_t notify = 323;
}  // namespace cmd

// Base protocol (vendor 0).
namespace avp {
inline constexpr std::uint32_t user_name = 1;
inline constexpr std::uint32_t session_id = 263;
inline constexpr std::uint32_t origin_host = 264;
inline constexpr std::uint32_t vendor_id = 266;
inline constexpr std::uint32_t result_code = 268;
inline constexpr std::uint32_t auth_session_state = 277;
inline constexpr std::uint32_t failed_avp = 279;
inline constexpr std::uint32_t destination_realm = 283;
inline constexpr std::uint32_t destination_host = 293;
inline constexpr std::uint32_t origin_realm = 296;
inline constexpr std::uint32_t experimental_result = 297;
inline constexpr std::uint32_t experimental_result_code = 298;
inline constexpr std::uint32_t auth_application_id = 258;
inline constexpr std::uint32_t vendor_specific_application_id = 260;
inline constexpr std::uint32_t service_selection = 493;  // RFC 5778
}  // namespace avp

// 3GPP (vendor 10415), TS 29.272 clause 7.3 and TS 29.212/29.214/32.299 where S6a reuses them.
namespace avp3gpp {
inline constexpr std::uint32_t rat_type = 1032;
inline constexpr std::uint32_t max_requested_bandwidth_ul = 516;
inline constexpr std::uint32_t max_requested_bandwidth_dl = 515;
inline constexpr std::uint32_t qos_class_identifier = 1028;
inline constexpr std::uint32_t allocation_retention_priority = 1034;
inline constexpr std::uint32_t priority_level = 1046;
inline constexpr std::uint32_t pre_emption_capability = 1047;
inline constexpr std::uint32_t pre_emption_vulnerability = 1048;
inline constexpr std::uint32_t msisdn = 701;
inline constexpr std::uint32_t supported_features = 628;
inline constexpr std::uint32_t feature_list_id = 629;
inline constexpr std::uint32_t feature_list = 630;
inline constexpr std::uint32_t subscription_data = 1400;
inline constexpr std::uint32_t terminal_information = 1401;
inline constexpr std::uint32_t imei = 1402;
inline constexpr std::uint32_t software_version = 1403;
inline constexpr std::uint32_t ulr_flags = 1405;
inline constexpr std::uint32_t ula_flags = 1406;
inline constexpr std::uint32_t visited_plmn_id = 1407;
inline constexpr std::uint32_t requested_eutran_authentication_info = 1408;
inline constexpr std::uint32_t number_of_requested_vectors = 1410;
inline constexpr std::uint32_t re_synchronization_info = 1411;
inline constexpr std::uint32_t immediate_response_preferred = 1412;
inline constexpr std::uint32_t authentication_info = 1413;
inline constexpr std::uint32_t e_utran_vector = 1414;
inline constexpr std::uint32_t rand = 1447;
inline constexpr std::uint32_t xres = 1448;
inline constexpr std::uint32_t autn = 1449;
inline constexpr std::uint32_t kasme = 1450;
inline constexpr std::uint32_t cancellation_type = 1420;
inline constexpr std::uint32_t subscriber_status = 1424;
inline constexpr std::uint32_t context_identifier = 1423;
inline constexpr std::uint32_t all_apn_configurations_included_indicator = 1428;
inline constexpr std::uint32_t apn_configuration_profile = 1429;
inline constexpr std::uint32_t apn_configuration = 1430;
inline constexpr std::uint32_t eps_subscribed_qos_profile = 1431;
inline constexpr std::uint32_t ambr = 1435;
inline constexpr std::uint32_t pdn_type = 1456;
inline constexpr std::uint32_t served_party_ip_address = 848;  // TS 32.299 7.2.187, in APN-Configuration
inline constexpr std::uint32_t network_access_mode = 1417;
inline constexpr std::uint32_t access_restriction_data = 1426;
inline constexpr std::uint32_t pur_flags = 1635;
inline constexpr std::uint32_t pua_flags = 1442;
inline constexpr std::uint32_t idr_flags = 1490;
inline constexpr std::uint32_t ida_flags = 1441;
}  // namespace avp3gpp

// Binding AVPs (DESIGN 5.2), under the configured binding vendor.
namespace avpbind {
inline constexpr std::uint32_t binding_av_type = 1;
inline constexpr std::uint32_t kme_id = 2;
inline constexpr std::uint32_t binding_restriction = 3;
inline constexpr std::uint32_t binding_provisioning_info = 4;
inline constexpr std::uint32_t wrapped_kme = 5;
inline constexpr std::uint32_t hss_nonce = 6;
inline constexpr std::uint32_t key_wrap_scheme = 7;
inline constexpr std::uint32_t binding_response = 8;
inline constexpr std::uint32_t binding_failure_report = 9;
inline constexpr std::uint32_t hss_wrapped_kme = 10;
}  // namespace avpbind

// Result codes (RFC 6733 7.1, TS 29.272 7.4).
namespace result {
inline constexpr std::uint32_t success = 2001;
inline constexpr std::uint32_t unable_to_comply = 5012;
inline constexpr std::uint32_t missing_avp = 5005;
inline constexpr std::uint32_t invalid_avp_value = 5004;
inline constexpr std::uint32_t unable_to_deliver = 3002;
inline constexpr std::uint32_t too_busy = 3004;
}  // namespace result
namespace experimental {
inline constexpr std::uint32_t user_unknown = 5001;
inline constexpr std::uint32_t roaming_not_allowed = 5004;
inline constexpr std::uint32_t unknown_eps_subscription = 5420;
inline constexpr std::uint32_t rat_not_allowed = 5421;
inline constexpr std::uint32_t authentication_data_unavailable = 4181;
}  // namespace experimental

}  // namespace simbind::diameter
