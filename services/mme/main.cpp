// simbind-mme: wires the configuration to the S6a client, the EMM procedures and the NAS/TCP server.
#include <CLI/CLI.hpp>
#include <iostream>

#include "common/diameter/dictionary.h"
#include "common/diameter/peer_metrics.h"
#include "common/diameter/stack.h"
#include "common/diameter/stack_supervision.h"
#include "common/log/log.h"
#include "common/metrics/http_server.h"
#include "common/util/signals.h"
#include "services/mme/access_links.h"
#include "services/mme/diameter_hss_link.h"
#include "services/mme/emm_engine.h"
#include "services/mme/mme_config.h"
#include "services/mme/mme_metrics.h"
#include "services/mme/nas_server.h"
#include "services/mme/s1ap_server.h"

using namespace simbind;

int main(int argc, char** argv) {
  CLI::App app{"simbind-mme: MME with ME binding (NAS over TCP, S6a over freeDiameter)"};
  std::string config_path;
  bool print_config = false;
  app.add_option("-c,--config", config_path, "YAML configuration file")->required();
  app.add_flag("--print-config", print_config, "print the effective configuration and exit");
  CLI11_PARSE(app, argc, argv);

  auto config = mme::load_mme_config(config_path);
  if (!config) {
    std::cerr << "simbind-mme: configuration error:\n" << config.error().message << "\n";
    return 2;
  }
  if (print_config) {
    mme::print_effective(std::cout, *config);
    return 0;
  }
  log::init("simbind-mme", *log::parse_level(config->log_level));
  block_termination_signals();

  // First, so that /healthz answers 503 while the rest starts. Every exposure below is declared after what it
  // reads, so it is withdrawn before that goes.
  metrics::Registry registry("mme");
  metrics::Health health;
  auto metrics_server = metrics::MetricsServer::start_if_configured(config->metrics, registry, health.checker());
  if (!metrics_server) {
    log::error("{}", metrics_server.error().message);
    return 1;
  }
  if (*metrics_server) log::info("metrics on {} (/metrics, /healthz)", config->metrics.listen);

  const diameter::PeerConfig& hss = config->diameter.peers.front();
  mme::DiameterHssLink hss_link(hss.identity, config->hss_realm, config->dictionary.vendor_id, config->s6a_timeout,
                                config->ulr_timeout);
  mme::EmmEngine engine(*config, hss_link);
  const auto engine_metrics = mme::expose_mme_counters(registry, engine.counters());

  auto server = mme::NasServer::listen(
      config->nas_listen, config->nas_port,
      [&engine](mme::ConnectionId c, nas::Frame f) { engine.on_frame(c, std::move(f)); },
      [&engine](mme::ConnectionId c) { engine.on_connection_closed(c); });
  if (!server) {
    log::error("nas: {}", server.error().message);
    return 1;
  }
  mme::AccessLinks links(**server);
  engine.attach_transport(links);
  const auto nas_metrics = mme::expose_nas_server_counters(registry, (*server)->counters());

  // S1-MME beside NAS/TCP: frames from either reach the same engine on the NAS server's loop.
  std::unique_ptr<mme::S1apServer> s1ap;
  if (config->s1ap.enabled) {
    auto started = mme::S1apServer::start(
        config->s1ap, mme::ServedNetwork{config->plmn, config->tac, config->mme_group_id, config->mme_code}, links,
        [&engine](mme::ConnectionId c, nas::Frame f) { engine.on_frame(c, std::move(f)); },
        [&engine](mme::ConnectionId c) { engine.on_connection_closed(c); });
    if (!started) {
      log::error("s1ap: {}", started.error().message);
      return 1;
    }
    s1ap = std::move(*started);
    links.set_s1ap(s1ap.get());
  }
  const auto s1ap_metrics = s1ap ? mme::expose_s1ap_counters(registry, s1ap->counters()) : std::vector<metrics::Exposure>{};

  auto stack = diameter::DiameterStack::start(config->diameter, [&]() -> Result<void> {
    auto dict = diameter::define_dictionary(config->dictionary);
    if (!dict) return std::unexpected(dict.error());
    return mme::register_mme_s6a_handlers(
        [&engine](const std::string& imsi) { engine.cancel_location(imsi); },
        [&engine](diameter::InsertSubscriberDataRequest idr, mme::IdaReply reply) {
          engine.insert_subscriber_data(std::move(idr), std::move(reply));
        },
        config->dictionary.vendor_id);
  });
  if (!stack) {
    log::error("diameter: {}", stack.error().message);
    return 1;
  }
  const auto peer_metrics = diameter::expose_peer_states(registry, **stack);
  (*server)->start_loop();
  log::info("NAS/TCP on {}:{}; PLMN {}, TAC {}", config->nas_listen, (*server)->port(), config->plmn.to_string(),
            config->tac);
  if (s1ap) {
    log::info("S1AP on {}:{} (SCTP, {}{})", config->s1ap.listen, s1ap->port(), sctp::to_string(s1ap->backend()),
              config->s1ap.sctp.udp_encapsulation_port
                  ? ", UDP encapsulation on port " + std::to_string(config->s1ap.sctp.udp_encapsulation_port)
                  : std::string());
  }
  if ((*stack)->wait_peer_open(hss.identity, std::chrono::seconds(10))) {
    log::info("S6a connection to {} open", hss.identity);
  } else {
    log::warn("no S6a connection to {} yet ({}:{}): attaches are rejected (#17) until it opens", hss.identity,
              hss.address, hss.port);
  }
  log::info("simbind-mme ready");
  health.set_ready();
  diameter::exit_when_stack_stops(**stack, health);

  const int sig = wait_for_termination_signal();
  diameter::log_shutdown("simbind-mme", sig);
  metrics_server->reset();  // no scrape from here on reads a part being torn down
  // Diameter first: no answer can then be posted to a loop that is gone.
  stack->reset();
  // No SCTP callback after stop(); the loop then ends (with whatever it had queued) before the S1AP state goes.
  if (s1ap) s1ap->stop();
  server->reset();
  s1ap.reset();
  const auto& c = engine.counters();
  log::info("attach requests {}, completed {}, without PDN {}, rejected {}; NAS malformed {}, integrity failures {}",
            c.attach_requests.load(), c.attaches_completed.load(), c.attaches_without_pdn.load(),
            c.attaches_rejected.load(), c.nas_malformed.load(), c.nas_integrity_failures.load());
  return termination_exit_code();
}
