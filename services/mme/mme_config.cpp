#include "services/mme/mme_config.h"

#include <arpa/inet.h>

#include "common/config/config_reader.h"
#include "common/sctp/transport_config_reader.h"

namespace simbind::mme {
namespace {

std::uint8_t algorithm(const config::ConfigReader::Section& s, const std::string& key) {
  // 2 = 128-EIA2/128-EEA2. 0 = the null algorithm, for captures that must show NAS in clear (TS 33.401 5.1.3.2
  // allows EIA0 only for emergency calls: a lab setting, never the default).
  return s.choice(key, "2", {"0", "2"}) == "0" ? 0 : 2;
}

std::chrono::milliseconds ms(const config::ConfigReader::Section& s, const std::string& key,
                             std::chrono::milliseconds fallback) {
  return std::chrono::milliseconds(s.integer(key, fallback.count(), 10, 600'000));
}

bool is_ipv4(const std::string& text) {
  in_addr a{};
  return inet_pton(AF_INET, text.c_str(), &a) == 1;
}

Result<MmeConfig> read(config::ConfigReader& reader, const std::string& source) {
  auto root = reader.root();
  root.allow_only({"log_level", "diameter", "hss", "network", "nas", "s1ap", "timers", "pdn", "binding", "metrics"});

  MmeConfig c;
  c.source_file = source;
  c.log_level = root.choice("log_level", "info", {"trace", "debug", "info", "warn", "error", "off"});
  c.diameter = diameter::read_stack_config(root.section("diameter"), "mme.simbind.lab");
  if (c.diameter.peers.empty()) root.problem("diameter.peers", "name the HSS (identity, address, port)");

  const auto hss = root.section("hss");
  hss.allow_only({"realm", "timeout_ms", "ulr_timeout_ms"});
  c.hss_realm = hss.string("realm", c.diameter.realm);
  c.s6a_timeout = ms(hss, "timeout_ms", c.s6a_timeout);
  c.ulr_timeout = ms(hss, "ulr_timeout_ms", c.ulr_timeout);

  const auto network = root.section("network");
  network.allow_only({"mcc", "mnc", "tac", "mme_group_id", "mme_code"});
  const std::string mcc = network.string("mcc", "001");
  const std::string mnc = network.string("mnc", "01");
  if (auto plmn = Plmn::create(mcc, mnc)) {
    c.plmn = *plmn;
  } else {
    network.problem("mnc", plmn.error().message);
  }
  c.tac = static_cast<std::uint16_t>(network.integer("tac", 1, 0, 0xffff));
  c.mme_group_id = static_cast<std::uint16_t>(network.integer("mme_group_id", 1, 0, 0xffff));
  c.mme_code = static_cast<std::uint8_t>(network.integer("mme_code", 1, 0, 0xff));

  const auto nas = root.section("nas");
  nas.allow_only({"listen", "port", "integrity", "ciphering", "max_resyncs", "binding_container_type"});
  c.nas_listen = nas.string("listen", "127.0.0.1");
  c.nas_port = static_cast<std::uint16_t>(nas.integer("port", 36412, 0, 65535));
  c.algorithms.integrity = algorithm(nas, "integrity");
  c.algorithms.ciphering = algorithm(nas, "ciphering");
  c.max_resyncs = static_cast<unsigned>(nas.integer("max_resyncs", 2, 0, 5));
  c.binding_container_type = static_cast<std::uint8_t>(
      nas.integer("binding_container_type", nas::kDefaultBindingContainerType, 1, 255));

  const auto s1ap = root.section("s1ap");
  s1ap.allow_only({"listen", "port", "sctp", "mme_name", "relative_capacity", "sgw_s1u_address",
                   "setup_failure_time_to_wait"});
  c.s1ap.enabled = s1ap.has("listen");
  c.s1ap.listen = s1ap.string("listen", c.s1ap.listen);
  if (!is_ipv4(c.s1ap.listen)) s1ap.problem("listen", "must be an IPv4 address (0.0.0.0 for all)");
  c.s1ap.port = static_cast<std::uint16_t>(s1ap.integer("port", sctp::kS1apPort, 0, 65535));
  c.s1ap.sctp = sctp::read_transport_config(s1ap.section("sctp"));
  c.s1ap.mme_name = s1ap.string("mme_name", c.s1ap.mme_name);
  if (!s1ap::is_printable_name(c.s1ap.mme_name)) {
    s1ap.problem("mme_name", "MMEname is a PrintableString of 1 to 150 characters (letters, digits, space, '()+,-./:=?)");
  }
  c.s1ap.relative_capacity = static_cast<std::uint8_t>(s1ap.integer("relative_capacity", 255, 0, 255));
  c.s1ap.sgw_s1u_address = s1ap.string("sgw_s1u_address", c.s1ap.sgw_s1u_address);
  if (!is_ipv4(c.s1ap.sgw_s1u_address)) s1ap.problem("sgw_s1u_address", "must be an IPv4 address (the S-GW F-TEID)");
  {
    // TimeToWait ::= ENUMERATED {v1s, v2s, v5s, v10s, v20s, v60s}
    const std::string ttw = s1ap.choice("setup_failure_time_to_wait", "5", {"1", "2", "5", "10", "20", "60"});
    const char* values[] = {"1", "2", "5", "10", "20", "60"};
    for (std::uint8_t i = 0; i < 6; ++i) {
      if (ttw == values[i]) c.s1ap.setup_failure_time_to_wait = i;
    }
  }

  const auto timers = root.section("timers");
  timers.allow_only({"t3450_ms", "t3460_ms", "t3470_ms", "t3485_ms", "t3422_ms", "binding_response_ms",
                     "max_transmissions"});
  c.timers.t3450 = ms(timers, "t3450_ms", c.timers.t3450);
  c.timers.t3460 = ms(timers, "t3460_ms", c.timers.t3460);
  c.timers.t3470 = ms(timers, "t3470_ms", c.timers.t3470);
  c.timers.t3485 = ms(timers, "t3485_ms", c.timers.t3485);
  c.timers.t3422 = ms(timers, "t3422_ms", c.timers.t3422);
  c.timers.binding_response = ms(timers, "binding_response_ms", c.timers.binding_response);
  c.timers.max_transmissions = static_cast<unsigned>(timers.integer("max_transmissions", 5, 1, 10));

  const auto pdn = root.section("pdn");
  pdn.allow_only({"pool", "ipv6_pool"});
  c.pdn_pool_cidr = pdn.string("pool", c.pdn_pool_cidr);
  if (auto range = Ipv4Pool::parse_cidr(c.pdn_pool_cidr)) {
    c.pdn_pool = *range;
  } else {
    pdn.problem("pool", range.error().message);
  }
  c.pdn_pool6_cidr = pdn.string("ipv6_pool", c.pdn_pool6_cidr);
  if (auto range = Ipv6Pool::parse_cidr(c.pdn_pool6_cidr)) {
    c.pdn_pool6 = *range;
  } else {
    pdn.problem("ipv6_pool", range.error().message);
  }

  const auto binding = root.section("binding");
  binding.allow_only({"vendor_id"});
  c.dictionary.vendor_id = static_cast<std::uint32_t>(
      binding.integer("vendor_id", diameter::kDefaultBindingVendor, 1, 0xffffffff));

  c.metrics = metrics::read_metrics_config(root);

  if (auto done = reader.finish(); !done) return std::unexpected(done.error());
  return c;
}

}  // namespace

Result<MmeConfig> load_mme_config(const std::string& path) { return config::load_config_file(path, read); }

Result<MmeConfig> parse_mme_config(const std::string& yaml, const std::string& name) {
  return config::load_config_text(yaml, name, read);
}

void print_effective(std::ostream& out, const MmeConfig& c) {
  out << "# effective configuration of simbind-mme (from " << c.source_file << ")\n"
      << "log_level: " << c.log_level << "\n";
  diameter::print_stack_config(out, c.diameter);
  out << "hss:\n  realm: " << c.hss_realm << "\n  timeout_ms: " << c.s6a_timeout.count()
      << "\n  ulr_timeout_ms: " << c.ulr_timeout.count() << "\n"
      << "network:\n  mcc: " << c.plmn.mcc() << "\n  mnc: " << c.plmn.mnc() << "\n  tac: " << c.tac
      << "\n  mme_group_id: " << c.mme_group_id << "\n  mme_code: " << unsigned{c.mme_code} << "\n"
      << "nas:\n  listen: " << c.nas_listen << "\n  port: " << c.nas_port
      << "\n  integrity: " << unsigned{c.algorithms.integrity} << "\n  ciphering: " << unsigned{c.algorithms.ciphering}
      << "\n  max_resyncs: " << c.max_resyncs << "\n  binding_container_type: " << unsigned{c.binding_container_type}
      << "\n"
      ;
  if (c.s1ap.enabled) {
    out << "s1ap:\n  listen: " << c.s1ap.listen << "\n  port: " << c.s1ap.port << "\n  sctp:\n";
    sctp::print_transport_config(out, c.s1ap.sctp, "    ");
    out << "  mme_name: " << c.s1ap.mme_name << "\n  relative_capacity: " << unsigned{c.s1ap.relative_capacity}
        << "\n  sgw_s1u_address: " << c.s1ap.sgw_s1u_address << "\n  setup_failure_time_to_wait: "
        << s1ap::time_to_wait_seconds(c.s1ap.setup_failure_time_to_wait) << "\n";
  } else {
    out << "# s1ap: off (no s1ap.listen)\n";
  }
  out << "timers:\n  t3450_ms: " << c.timers.t3450.count() << "\n  t3460_ms: " << c.timers.t3460.count()
      << "\n  t3470_ms: " << c.timers.t3470.count() << "\n  t3485_ms: " << c.timers.t3485.count()
      << "\n  t3422_ms: " << c.timers.t3422.count() << "\n  binding_response_ms: " << c.timers.binding_response.count()
      << "\n  max_transmissions: " << c.timers.max_transmissions << "\n"
      << "pdn:\n  pool: " << c.pdn_pool_cidr << "\n  ipv6_pool: " << c.pdn_pool6_cidr << "\n"
      << "binding:\n  vendor_id: " << c.dictionary.vendor_id << "\n";
  metrics::print_metrics_config(out, c.metrics);
}

}  // namespace simbind::mme
