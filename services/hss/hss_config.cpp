#include "services/hss/hss_config.h"

#include <algorithm>
#include <iomanip>

#include "common/config/config_reader.h"

namespace simbind::hss {

namespace {

Result<HssConfig> read(config::ConfigReader& reader, const std::string& source) {
  auto root = reader.root();
  root.allow_only({"log_level", "diameter", "store", "auth", "binding", "admin", "metrics"});

  HssConfig c;
  c.source_file = source;
  c.log_level = root.choice("log_level", "info", {"trace", "debug", "info", "warn", "error", "off"});
  c.diameter = diameter::read_stack_config(root.section("diameter"), "hss.simbind.lab");

  const auto store = root.section("store");
  store.allow_only({"path", "master_key_file", "preload"});
  c.store_path = store.string("path", "hss.db");
  c.master_key_file = store.required_string("master_key_file");
  c.store_preload = static_cast<std::size_t>(store.integer("preload", 1'000'000, 0, 100'000'000));

  const auto auth = root.section("auth");
  auth.allow_only({"max_vectors", "sqn"});
  c.max_vectors = static_cast<unsigned>(auth.integer("max_vectors", 5, 1, 32));
  const auto sqn = auth.section("sqn");
  sqn.allow_only({"ind_bits", "scheme", "reservation_block"});
  c.sqn.ind_bits = static_cast<unsigned>(sqn.integer("ind_bits", 5, 0, 16));
  c.sqn.scheme = sqn.choice("scheme", "counter", {"counter", "time"}) == "time" ? crypto::SeqScheme::time_based
                                                                                : crypto::SeqScheme::counter;
  c.sqn.reservation_block = static_cast<std::uint64_t>(sqn.integer("reservation_block", 1000, 1, 1'000'000));

  const auto binding = root.section("binding");
  binding.allow_only({"vendor_id", "amf_indicator_mask", "amf_kme_id_mask", "non_binding_mme", "bp_application_id",
                      "bp_kme_establishment_code", "bp_binding_activation_code", "prov_identity", "prov_realm",
                      "kek_file", "prov_timeout_ms", "ida_timeout_ms", "fallback_after_reports"});
  diameter::read_binding_dictionary_config(binding, c.dictionary);
  c.amf_layout.indicator_mask = static_cast<std::uint16_t>(binding.integer("amf_indicator_mask", 0x0080, 1, 0x7fff));
  c.amf_layout.kme_id_mask = static_cast<std::uint16_t>(binding.integer("amf_kme_id_mask", 0x0060, 0, 0x7fff));
  if ((c.amf_layout.indicator_mask & c.amf_layout.kme_id_mask) != 0) {
    binding.problem("amf_kme_id_mask", "must not overlap amf_indicator_mask");
  }
  const std::string policy =
      binding.choice("non_binding_mme", "pre-processed", {"pre-processed", "regular", "reject"});
  c.non_binding_mme = policy == "regular"  ? NonBindingMmePolicy::regular
                      : policy == "reject" ? NonBindingMmePolicy::reject
                                           : NonBindingMmePolicy::pre_processed;

  auto& p = c.provisioning;
  p.prov_identity = binding.string("prov_identity", p.prov_identity);
  p.prov_realm = binding.string("prov_realm", c.diameter.realm);
  p.kek_file = binding.string("kek_file", "");
  p.prov_timeout = std::chrono::milliseconds(binding.integer("prov_timeout_ms", 5000, 100, 120'000));
  p.ida_timeout = std::chrono::milliseconds(binding.integer("ida_timeout_ms", 10000, 100, 120'000));
  p.fallback_after_reports = static_cast<unsigned>(binding.integer("fallback_after_reports", 1, 0, 1000));
  if (p.enabled() && std::none_of(c.diameter.peers.begin(), c.diameter.peers.end(),
                                  [&p](const diameter::PeerConfig& peer) { return peer.identity == p.prov_identity; })) {
    binding.problem("prov_identity", "'" + p.prov_identity + "' must also be listed in diameter.peers");
  }

  const auto admin = root.section("admin");
  admin.allow_only({"listen", "tls"});
  c.admin_listen = admin.host_port("listen", "127.0.0.1:9080");
  c.admin_tls = rpc::read_optional_tls(admin);

  c.metrics = metrics::read_metrics_config(root);

  if (auto done = reader.finish(); !done) return std::unexpected(done.error());
  return c;
}

}  // namespace

Result<HssConfig> load_hss_config(const std::string& path) { return config::load_config_file(path, read); }

Result<HssConfig> parse_hss_config(const std::string& yaml, const std::string& name) {
  return config::load_config_text(yaml, name, read);
}

void print_effective(std::ostream& o, const HssConfig& c) {
  o << "# effective configuration (from " << c.source_file << ")\n"
    << "log_level: " << c.log_level << "\n";
  diameter::print_stack_config(o, c.diameter);
  o << "store:\n  path: " << c.store_path << "\n  master_key_file: " << c.master_key_file
    << "\n  preload: " << c.store_preload << "\n"
    << "auth:\n  max_vectors: " << c.max_vectors << "\n  sqn:\n    ind_bits: " << c.sqn.ind_bits
    << "\n    scheme: " << (c.sqn.scheme == crypto::SeqScheme::time_based ? "time" : "counter")
    << "\n    reservation_block: " << c.sqn.reservation_block << "\n"
    << "binding:\n  vendor_id: " << c.dictionary.vendor_id << std::hex << std::setfill('0')
    << "\n  amf_indicator_mask: 0x" << std::setw(4) << c.amf_layout.indicator_mask << "\n  amf_kme_id_mask: 0x"
    << std::setw(4) << c.amf_layout.kme_id_mask << std::dec << "\n  non_binding_mme: "
    << (c.non_binding_mme == NonBindingMmePolicy::regular  ? "regular"
        : c.non_binding_mme == NonBindingMmePolicy::reject ? "reject"
                                                           : "pre-processed")
    << "\n  bp_application_id: " << c.dictionary.bp_application_id
    << "\n  prov_identity: " << c.provisioning.prov_identity << "\n  prov_realm: " << c.provisioning.prov_realm
    << "\n  kek_file: " << (c.provisioning.enabled() ? c.provisioning.kek_file : "(none: no over-the-air provisioning)")
    << "\n  prov_timeout_ms: " << c.provisioning.prov_timeout.count()
    << "\n  ida_timeout_ms: " << c.provisioning.ida_timeout.count()
    << "\n  fallback_after_reports: " << c.provisioning.fallback_after_reports << "\n"
    << "admin:\n  listen: " << c.admin_listen << "\n";
  rpc::print_optional_tls(o, "  ", c.admin_tls, kAdminRole);
  metrics::print_metrics_config(o, c.metrics);
}

}  // namespace simbind::hss
