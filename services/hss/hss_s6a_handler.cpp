#include "services/hss/hss_s6a_handler.h"

#include <algorithm>

#include "common/crypto/auth_vector.h"
#include "common/diameter/avp_codes.h"
#include "common/log/log.h"
#include "common/util/hex.h"

namespace simbind::hss {
namespace {

// Subscription-Data (TS 29.272 7.3.2) with every APN configuration (7.3.34/7.3.35), in the stored order.
diameter::SubscriptionData subscription_data(const SubscriptionProfile& p) {
  diameter::SubscriptionData data;
  data.msisdn = p.msisdn;
  data.subscriber_status = static_cast<std::int32_t>(p.status);
  data.network_access_mode = static_cast<std::int32_t>(p.network_access_mode);
  data.access_restriction_data = p.access_restriction;
  data.ambr_ul = p.ue_ambr_ul;
  data.ambr_dl = p.ue_ambr_dl;
  data.default_context_identifier = p.default_context_id;
  for (const auto& a : p.apns) {
    diameter::ApnConfiguration apn;
    apn.context_identifier = a.context_id;
    apn.service_selection = a.apn;
    apn.pdn_type = static_cast<std::int32_t>(a.pdn_type);
    apn.qci = a.qci;
    apn.priority_level = a.arp.priority_level;
    apn.pre_emption_capability = static_cast<std::int32_t>(a.arp.capability);
    apn.pre_emption_vulnerability = static_cast<std::int32_t>(a.arp.vulnerability);
    apn.ambr_ul = a.ambr_ul;
    apn.ambr_dl = a.ambr_dl;
    apn.served_ipv4 = a.static_ipv4;
    apn.served_ipv6_prefix = a.static_ipv6_prefix;
    data.apns.push_back(std::move(apn));
  }
  return data;
}

using diameter::ResultCode;
namespace exp = diameter::experimental;

// How the vectors of one AIR are made.
enum class AvMode { regular, provisioning_only, pre_processed, pre_processed_silent, refused };

const char* mode_name(AvMode m) {
  switch (m) {
    case AvMode::regular: return "regular";
    case AvMode::provisioning_only: return "provisioning-only";
    case AvMode::pre_processed: return "pre-processed";
    case AvMode::pre_processed_silent: return "pre-processed (no binding AVPs: MME without the feature)";
    case AvMode::refused: return "refused";
  }
  return "?";
}

// DESIGN 3.1-3.3 and 5.2: the binding state of the subscription and what the MME supports decide the AVs.
AvMode choose_mode(const Subscriber& s, bool mme_supports_binding, NonBindingMmePolicy policy) {
  if (s.binding.policy == BindingPolicy::off) return AvMode::regular;
  const bool has_kme = s.binding.state == BindingState::established && s.binding.kme && s.binding.kme_id;
  if (mme_supports_binding) return has_kme ? AvMode::pre_processed : AvMode::provisioning_only;
  switch (policy) {
    case NonBindingMmePolicy::pre_processed: return has_kme ? AvMode::pre_processed_silent : AvMode::refused;
    case NonBindingMmePolicy::regular: return AvMode::regular;
    case NonBindingMmePolicy::reject: return AvMode::refused;
  }
  return AvMode::refused;
}

// The metrics label of a Binding-Failure-Report.
std::string report_name(diameter::BindingFailureReport r) {
  switch (r) {
    case diameter::BindingFailureReport::mac_failure_pre_processed: return "mac-failure-pre-processed";
    case diameter::BindingFailureReport::no_kme: return "no-kme";
    case diameter::BindingFailureReport::unwrap_failed: return "unwrap-failed";
  }
  return std::to_string(static_cast<int>(r));
}

std::vector<diameter::SupportedFeatures> echo_binding_feature(bool supported, std::uint32_t vendor) {
  if (!supported) return {};
  return {{vendor, diameter::kBindingFeatureListId, diameter::kBindingFeatureBit}};
}

}  // namespace

Result<Subscriber> S6aHandler::find_subscriber(const std::string& user_name) {
  auto imsi = Imsi::create(user_name);
  if (!imsi) return std::unexpected(imsi.error());
  return store_.get(*imsi);
}

void S6aHandler::audit(const Subscriber& s, const char* event, const char* decision, const std::string& reason,
                       const std::string& imei) {
  AuditEvent e{0, 0, s.imsi.str(), event, decision, reason, imei};
  if (auto r = store_.append_audit(e); !r) log::error("audit write failed for {}: {}", s.imsi.str(), r.error().message);
}

bool S6aHandler::resynchronise(const Subscriber& s, ByteView resync_info) {
  crypto::Rand rand_seen{};
  crypto::Auts auts{};
  std::copy_n(resync_info.begin(), 16, rand_seen.begin());
  std::copy_n(resync_info.begin() + 16, 14, auts.begin());
  const crypto::Milenage milenage(s.k, s.opc);

  std::vector<crypto::Rand> candidates{rand_seen};
  if (s.binding.kme) candidates.insert(candidates.begin(), crypto::decrypt_rand(*s.binding.kme, rand_seen));
  for (const auto& rand : candidates) {
    const auto check = crypto::verify_auts(milenage, rand, auts);
    if (!check.mac_s_valid) continue;
    if (auto r = store_.resync_sqn(s.imsi, check.sqn_ms); !r) {
      log::error("AIR {}: SQN resynchronisation not stored: {}", s.imsi.str(), r.error().message);
      return false;
    }
    log::info("AIR {}: resynchronised to SQN_MS {}", s.imsi.str(), to_hex(check.sqn_ms));
    return true;
  }
  return false;
}

diameter::AuthInfoAnswer S6aHandler::on_air(const diameter::AuthInfoRequest& req, const PeerIdentity& mme) {
  diameter::AuthInfoAnswer answer;
  auto sub = find_subscriber(req.user_name);
  if (!sub) {
    log::info("AIR {} from {}: unknown subscriber", req.user_name, mme.host);
    answer.result = ResultCode::exp(exp::user_unknown);
    return answer;
  }
  const Subscriber& s = *sub;
  const std::uint32_t vendor = config_.dictionary.vendor_id;
  const bool mme_binding = diameter::advertises_binding(req.supported_features, vendor);
  answer.supported_features = echo_binding_feature(mme_binding, vendor);

  std::uint32_t failure_reports = s.binding.failure_reports;
  if (req.binding_failure_report) {
    const auto report = static_cast<int>(*req.binding_failure_report);
    counters_.binding_failure_reports.inc({report_name(*req.binding_failure_report)});
    AuditEvent e{0, 0, s.imsi.str(), "binding-failure-report", "recorded",
                 "MME " + mme.host + " reported failure " + std::to_string(report), ""};
    auto count = store_.record_failure_report(s.imsi, e);
    if (count) failure_reports = *count;
    log::info("AIR {}: Binding-Failure-Report {} from {} (count {})", s.imsi.str(), report, mme.host,
              count ? std::to_string(*count) : "not stored");
  }

  if (req.resync_info && !resynchronise(s, *req.resync_info)) {
    log::warn("AIR {}: AUTS does not verify (MAC-S), no vectors", s.imsi.str());
    audit(s, "resync", "rejected", "AUTS MAC-S did not verify");
    answer.result = ResultCode::exp(exp::authentication_data_unavailable);
    return answer;
  }

  AvMode mode = choose_mode(s, mme_binding, config_.non_binding_mme);
  const unsigned fallback = config_.provisioning.fallback_after_reports;
  if (mode == AvMode::pre_processed && config_.provisioning.enabled() && fallback > 0 && failure_reports >= fallback) {
    // DESIGN 3.5: the device failed pre-processed AVs (KME lost, or another device). One regular AV with
    // PROVISIONING_ONLY lets the bound device prove itself again, or an authorized new one bind; any other
    // device is refused at the ULR, when its IMEI is known under NAS security.
    mode = AvMode::provisioning_only;
    counters_.binding("fallback", "failure-reports");
    audit(s, "air", "fallback", std::to_string(failure_reports) +
                                    " Binding-Failure-Report(s): a regular AV with PROVISIONING_ONLY, the device must "
                                    "prove itself at the ULR");
  }
  if (mode == AvMode::refused) {
    log::info("AIR {} from {}: refused, binding required and the MME does not support it", s.imsi.str(), mme.host);
    audit(s, "air", "rejected", "binding required; MME " + mme.host + " does not advertise the binding feature");
    counters_.binding("rejected", "mme-without-binding");
    answer.result = ResultCode::exp(exp::unknown_eps_subscription);
    return answer;
  }

  const std::size_t n = std::clamp<std::size_t>(req.requested_vectors, 1, config_.max_vectors);
  auto sqns = store_.allocate_sqns(s.imsi, n);
  if (!sqns) {
    log::error("AIR {}: no SQN: {}", s.imsi.str(), sqns.error().message);
    answer.result = ResultCode::exp(exp::authentication_data_unavailable);
    return answer;
  }

  const bool pre = mode == AvMode::pre_processed || mode == AvMode::pre_processed_silent;
  const crypto::Amf base_amf = crypto::amf_from_value(s.amf | crypto::kAmfSeparationBit);
  const crypto::Amf amf = pre ? crypto::binding_amf(base_amf, *s.binding.kme_id, config_.amf_layout) : base_amf;
  const crypto::Milenage milenage(s.k, s.opc);
  for (const auto& sqn : *sqns) {
    // TS 33.401 6.1.2 / DESIGN 4: for a pre-processed AV the binding bits are in the AMF before f1 (so MAC-A
    // covers them), and only RAND is replaced by RAND* afterwards.
    const auto av = crypto::make_eutran_vector(milenage, crypto::random_octets<16>(), sqn, amf, req.visited_plmn);
    diameter::EutranVectorData v;
    v.rand = pre ? crypto::encrypt_rand(*s.binding.kme, av.rand) : av.rand;
    v.xres.assign(av.xres.begin(), av.xres.end());
    v.autn = av.autn;
    v.kasme = av.kasme;
    if (mme_binding) {
      v.av_type = pre ? diameter::BindingAvType::pre_processed : diameter::BindingAvType::regular;
      if (pre) v.kme_id = to_uint(*s.binding.kme_id);
    }
    answer.vectors.push_back(std::move(v));
  }
  (pre ? counters_.pre_processed_vectors : counters_.regular_vectors).inc(answer.vectors.size());
  if (mode == AvMode::provisioning_only) {
    answer.binding_restriction = diameter::BindingRestriction::provisioning_only;
  } else if (mme_binding) {
    answer.binding_restriction = diameter::BindingRestriction::none;
  }
  if (mode != AvMode::regular) {
    audit(s, "air", mode_name(mode), std::to_string(n) + " vector(s) for MME " + mme.host);
  }
  // Regular vectors are routine (thousands per second under load): debug. Binding decisions: info.
  if (mode == AvMode::regular) {
    log::debug("AIR {} from {}: {} regular vector(s)", s.imsi.str(), mme.host, n);
  } else {
    log::info("AIR {} from {}: {} {} vector(s)", s.imsi.str(), mme.host, n, mode_name(mode));
  }
  return answer;
}

UlrOutcome S6aHandler::on_ulr(const diameter::UpdateLocationRequest& req, const PeerIdentity& mme) {
  UlrOutcome out;
  auto sub = find_subscriber(req.user_name);
  if (!sub) {
    log::info("ULR {} from {}: unknown subscriber", req.user_name, mme.host);
    out.answer.result = ResultCode::exp(exp::user_unknown);
    return out;
  }
  const Subscriber& s = *sub;
  const std::uint32_t vendor = config_.dictionary.vendor_id;
  const bool mme_binding = diameter::advertises_binding(req.supported_features, vendor);
  out.answer.supported_features = echo_binding_feature(mme_binding, vendor);

  constexpr std::uint32_t kSkipSubscriberData = 1u << 2;  // ULR-Flags bit 2 (TS 29.272 7.3.7)
  if ((req.ulr_flags & kSkipSubscriberData) == 0) {
    out.answer.subscription = subscription_data(s.profile);
  }

  bool needs_provisioning = s.binding.policy == BindingPolicy::required &&
                            !(s.binding.state == BindingState::established && s.binding.kme);
  if (s.binding.policy == BindingPolicy::required && mme_binding && req.terminal_information) {
    const auto imei = Imei::from_s6a(req.terminal_information->imei);
    const std::string claimed = imei ? imei->str() : req.terminal_information->imei;
    diameter::TerminalInformation terminal{claimed, req.terminal_information->software_version};
    const bool bound = s.binding.state == BindingState::established && s.binding.kme;
    const unsigned fallback = config_.provisioning.fallback_after_reports;
    std::optional<std::string> why;
    if (!bound) {
      why = "first binding";
    } else if (!s.binding.authorized_imei.empty() && claimed == s.binding.authorized_imei) {
      why = "authorized device change from IMEI " + s.binding.bound_imei;
    } else if (claimed == s.binding.bound_imei) {
      if (fallback > 0 && s.binding.failure_reports >= fallback) why = "lost KME: the bound device proves itself again";
    } else if (!s.binding.bound_imei.empty()) {
      // DESIGN 3.5: a UICC in another device without an authorized change never gets service.
      audit(s, "ulr", "rejected",
            "IMEI " + claimed + " is not the bound device " + s.binding.bound_imei + " and no device change is authorized",
            claimed);
      log::info("ULR {} from {}: rejected, IMEI {} is not the bound device", s.imsi.str(), mme.host, claimed);
      counters_.binding("rejected", "not-the-bound-device");
      out.answer.result = ResultCode::exp(exp::unknown_eps_subscription);
      out.answer.subscription.reset();
      return out;
    }
    if (why) {
      needs_provisioning = true;
      if (config_.provisioning.enabled()) {
        out.provision = ProvisioningJob{s, terminal, *why};
      } else {
        log::info("ULR {}: {} needed, but binding.kek_file is not set: no over-the-air provisioning", s.imsi.str(),
                  *why);
      }
    }
  }
  LocationRecord location = s.location;
  if (!s.location.mme_host.empty() && s.location.mme_host != mme.host && !s.location.purged) {
    out.cancel_old_mme = PeerIdentity{s.location.mme_host, s.location.mme_realm};
  }
  location.mme_host = mme.host;
  location.mme_realm = mme.realm;
  location.purged = false;
  // Terminal-Information is what the UE claims: kept as the last IMEI seen, never taken as proof (DESIGN 3.3).
  // One form whatever the MME sends (14 or 15 digits): the 15-digit IMEI with its check digit (TS 23.003 6.2.1);
  // the Software-Version (IMEISV) is not kept.
  if (req.terminal_information) {
    const auto imei = Imei::from_s6a(req.terminal_information->imei);
    location.last_imei = imei ? imei->str() : req.terminal_information->imei;
  }
  if (auto r = store_.update_location(s.imsi, location); !r) {
    log::error("ULR {}: location not stored: {}", s.imsi.str(), r.error().message);
    out.answer.result = ResultCode::base(diameter::result::unable_to_comply);
    return out;
  }

  if (mme_binding) {
    out.answer.binding_restriction =
        needs_provisioning ? diameter::BindingRestriction::provisioning_only : diameter::BindingRestriction::none;
  }
  log::info("ULR {} from {}: accepted{}{}", s.imsi.str(), mme.host,
            req.terminal_information ? ", IMEI " + location.last_imei : std::string(),
            needs_provisioning && mme_binding ? ", provisioning only" : "");
  return out;
}

diameter::PurgeUeAnswer S6aHandler::on_pur(const diameter::PurgeUeRequest& req, const PeerIdentity& mme) {
  diameter::PurgeUeAnswer answer;
  auto sub = find_subscriber(req.user_name);
  if (!sub) {
    answer.result = ResultCode::exp(exp::user_unknown);
    return answer;
  }
  LocationRecord location = sub->location;
  if (location.mme_host == mme.host) location.purged = true;  // a purge from a stale MME changes nothing
  if (auto r = store_.update_location(sub->imsi, location); !r) {
    answer.result = ResultCode::base(diameter::result::unable_to_comply);
    return answer;
  }
  log::info("PUR {} from {}: purged", sub->imsi.str(), mme.host);
  return answer;
}

}  // namespace simbind::hss
