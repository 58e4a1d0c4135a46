#include "services/ue/ue_config.h"

#include <arpa/inet.h>

#include "common/config/config_reader.h"
#include "common/sctp/transport_config_reader.h"

namespace simbind::ue {
namespace {

bool is_ipv4(const std::string& text) {
  in_addr a{};
  return inet_pton(AF_INET, text.c_str(), &a) == 1;
}

Result<UeDaemonConfig> read(config::ConfigReader& reader, const std::string& source) {
  auto root = reader.root();
  root.allow_only({"log_level", "mme", "s1ap", "network", "store", "control", "timers", "nas", "metrics"});
  UeDaemonConfig c;
  c.source_file = source;
  c.log_level = root.choice("log_level", "info", {"trace", "debug", "info", "warn", "error", "off"});

  const auto mme = root.section("mme");
  mme.allow_only({"address", "port", "reconnect_ms", "transport"});
  c.mme_address = mme.string("address", c.mme_address);
  if (c.mme_address.empty()) mme.problem("address", "must not be empty");
  c.mme_port = static_cast<std::uint16_t>(mme.integer("port", c.mme_port, 1, 65535));
  c.reconnect = std::chrono::milliseconds(mme.integer("reconnect_ms", 1000, 10, 600000));
  c.transport = mme.choice("transport", "nas-tcp", {"nas-tcp", "s1ap"}) == "s1ap" ? UeDaemonConfig::Transport::s1ap
                                                                                 : UeDaemonConfig::Transport::nas_tcp;

  const auto s1ap = root.section("s1ap");
  s1ap.allow_only({"sctp", "s1u_address", "ue_capability", "enbs"});
  c.s1ap.sctp = sctp::read_transport_config(s1ap.section("sctp"));
  c.s1ap.s1u_address = s1ap.string("s1u_address", c.s1ap.s1u_address);
  if (!is_ipv4(c.s1ap.s1u_address)) s1ap.problem("s1u_address", "must be an IPv4 address (the eNB's S1-U F-TEID)");
  c.s1ap.send_ue_capability = s1ap.boolean("ue_capability", true);
  if (s1ap.has("enbs")) {
    c.s1ap.enbs.clear();
    std::uint32_t n = 0;
    for (const auto& e : s1ap.list("enbs")) {
      e.allow_only({"enb_id", "name", "tac", "cell_id", "local_address"});
      EnbConfig enb;
      enb.enb_id = static_cast<std::uint32_t>(e.integer("enb_id", 1 + n, 0, 0xFFFFF));  // macroENB-ID: 20 bits
      enb.name = e.string("name", "");
      if (!enb.name.empty() && !s1ap::is_printable_name(enb.name)) {
        e.problem("name", "ENBname is a PrintableString of 1 to 150 characters (letters, digits, space, '()+,-./:=?)");
      }
      enb.tac = static_cast<std::uint16_t>(e.integer("tac", 1, 0, 0xffff));
      enb.cell_id = static_cast<std::uint32_t>(e.integer("cell_id", 0, 0, 0xff));
      enb.local_address = e.string("local_address", "");
      if (!enb.local_address.empty() && !is_ipv4(enb.local_address)) {
        e.problem("local_address", "must be an IPv4 address configured on an interface, or empty (any)");
      }
      c.s1ap.enbs.push_back(enb);
      ++n;
    }
    if (c.s1ap.enbs.empty()) s1ap.problem("enbs", "name at least one eNB");
  }

  const auto network = root.section("network");
  network.allow_only({"plmn"});
  const std::string plmn = network.string("plmn", "00101");
  if (auto p = parse_plmn_digits(plmn)) {
    c.nas.serving_plmn = *p;
    c.s1ap.plmn = *p;
  } else {
    network.problem("plmn", p.error().message + ", got '" + plmn + "'");
  }

  const auto store = root.section("store");
  store.allow_only({"directory", "storage_key_file"});
  c.store_directory = store.string("directory", c.store_directory);
  c.storage_key_file = store.required_string("storage_key_file");

  const auto control = root.section("control");
  control.allow_only({"listen", "tls"});
  c.control_listen = control.host_port("listen", c.control_listen);
  c.control_tls = rpc::read_optional_tls(control);

  const auto timers = root.section("timers");
  timers.allow_only({"t3410_ms", "t3411_ms", "t3421_ms", "t3482_ms", "max_attach_attempts"});
  const auto ms = [&timers](const char* key, std::int64_t fallback) {
    return std::chrono::milliseconds(timers.integer(key, fallback, 10, 3'600'000));
  };
  c.nas.t3410 = ms("t3410_ms", 15000);
  c.nas.t3411 = ms("t3411_ms", 10000);
  c.nas.t3421 = ms("t3421_ms", 15000);
  c.nas.t3482 = ms("t3482_ms", 8000);
  c.nas.max_attach_attempts = static_cast<unsigned>(timers.integer("max_attach_attempts", 5, 1, 100));

  const auto nas = root.section("nas");
  nas.allow_only({"reattach_on_request", "binding_container_type"});
  c.nas.reattach_on_request = nas.boolean("reattach_on_request", true);
  c.nas.binding_container_type =
      static_cast<std::uint8_t>(nas.integer("binding_container_type", nas::kDefaultBindingContainerType, 1, 255));

  c.metrics = metrics::read_metrics_config(root);
  c.s1ap.mme_address = c.mme_address;
  c.s1ap.mme_port = c.mme_port;
  c.s1ap.reconnect = c.reconnect;

  if (auto done = reader.finish(); !done) return std::unexpected(done.error());
  return c;
}

}  // namespace

Result<Plmn> parse_plmn_digits(const std::string& digits) {
  if (digits.size() != 5 && digits.size() != 6) {
    return fail(ErrorCode::invalid_argument, "a PLMN is MCC and MNC as 5 or 6 digits (e.g. 00101)");
  }
  return Plmn::create(digits.substr(0, 3), digits.substr(3));
}

Result<UeDaemonConfig> load_ue_config(const std::string& path) { return config::load_config_file(path, read); }

Result<UeDaemonConfig> parse_ue_config(const std::string& yaml, const std::string& name) {
  return config::load_config_text(yaml, name, read);
}

void print_effective(std::ostream& o, const UeDaemonConfig& c) {
  o << "# effective configuration (from " << c.source_file << ")\n"
    << "log_level: " << c.log_level << "\n"
    << "mme:\n  address: " << c.mme_address << "\n  port: " << c.mme_port
    << "\n  reconnect_ms: " << c.reconnect.count() << "\n  transport: "
    << (c.transport == UeDaemonConfig::Transport::s1ap ? "s1ap" : "nas-tcp") << "\n";
  if (c.transport == UeDaemonConfig::Transport::s1ap) {
    o << "s1ap:\n  sctp:\n";
    sctp::print_transport_config(o, c.s1ap.sctp, "    ");
    o << "  s1u_address: " << c.s1ap.s1u_address << "\n  ue_capability: " << (c.s1ap.send_ue_capability ? "true" : "false")
      << "\n  enbs:\n";
    for (const auto& e : c.s1ap.enbs) {
      o << "    - enb_id: " << e.enb_id << "\n      name: \"" << e.name << "\"\n      tac: " << e.tac
        << "\n      cell_id: " << e.cell_id << "\n      local_address: \"" << e.local_address << "\"\n";
    }
  }
  o << "network:\n  plmn: " << c.nas.serving_plmn.mcc() << c.nas.serving_plmn.mnc() << "\n"
    << "store:\n  directory: " << c.store_directory << "\n  storage_key_file: " << c.storage_key_file << "\n"
    << "control:\n  listen: " << c.control_listen << "\n";
  rpc::print_optional_tls(o, "  ", c.control_tls, kControlRole);
  o << "timers:\n  t3410_ms: " << c.nas.t3410.count() << "\n  t3411_ms: " << c.nas.t3411.count()
    << "\n  t3421_ms: " << c.nas.t3421.count() << "\n  t3482_ms: " << c.nas.t3482.count()
    << "\n  max_attach_attempts: " << c.nas.max_attach_attempts << "\n"
    << "nas:\n  reattach_on_request: " << (c.nas.reattach_on_request ? "true" : "false")
    << "\n  binding_container_type: " << unsigned{c.nas.binding_container_type} << "\n";
  metrics::print_metrics_config(o, c.metrics);
}

}  // namespace simbind::ue
