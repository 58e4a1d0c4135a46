// simbind-mme: wires the configuration to the S6a client, the EMM procedures and the NAS/TCP server.
#include "common/daemon/daemon_runner.h"
#include "common/diameter/dictionary.h"
#include "common/diameter/peer_metrics.h"
#include "common/diameter/stack.h"
#include "common/diameter/stack_supervision.h"
#include "services/mme/access_links.h"
#include "services/mme/diameter_hss_link.h"
#include "services/mme/emm_engine.h"
#include "services/mme/mme_config.h"
#include "services/mme/mme_metrics.h"
#include "services/mme/nas_server.h"
#include "services/mme/s1ap_server.h"

using namespace simbind;

namespace {

int run(const mme::MmeConfig& config, std::monostate&, daemon::Runtime& runtime) {
  // Every exposure below is declared after what it reads, so it is withdrawn before that goes.
  const diameter::PeerConfig& hss = config.diameter.peers.front();
  mme::DiameterHssLink hss_link(hss.identity, config.hss_realm, config.dictionary.vendor_id, config.s6a_timeout,
                                config.ulr_timeout);
  mme::EmmEngine engine(config, hss_link);
  const auto engine_metrics = mme::expose_mme_counters(runtime.registry(), engine.counters());

  auto server = mme::NasServer::listen(
      config.nas_listen, config.nas_port,
      [&engine](mme::ConnectionId c, nas::Frame f) { engine.on_frame(c, std::move(f)); },
      [&engine](mme::ConnectionId c) { engine.on_connection_closed(c); });
  if (!server) return runtime.fail("nas: " + server.error().message);
  mme::AccessLinks links(**server);
  engine.attach_transport(links);
  const auto nas_metrics = mme::expose_nas_server_counters(runtime.registry(), (*server)->counters());

  // S1-MME beside NAS/TCP: frames from either reach the same engine on the NAS server's loop.
  std::unique_ptr<mme::S1apServer> s1ap;
  if (config.s1ap.enabled) {
    auto started = mme::S1apServer::start(
        config.s1ap, mme::ServedNetwork{config.plmn, config.tac, config.mme_group_id, config.mme_code}, links,
        [&engine](mme::ConnectionId c, nas::Frame f) { engine.on_frame(c, std::move(f)); },
        [&engine](mme::ConnectionId c) { engine.on_connection_closed(c); });
    if (!started) return runtime.fail("s1ap: " + started.error().message);
    s1ap = std::move(*started);
    links.set_s1ap(s1ap.get());
  }
  const auto s1ap_metrics =
      s1ap ? mme::expose_s1ap_counters(runtime.registry(), s1ap->counters()) : std::vector<metrics::Exposure>{};

  auto stack = diameter::DiameterStack::start(config.diameter, [&]() -> Result<void> {
    auto dict = diameter::define_dictionary(config.dictionary);
    if (!dict) return std::unexpected(dict.error());
    return mme::register_mme_s6a_handlers(
        [&engine](const std::string& imsi) { engine.cancel_location(imsi); },
        [&engine](diameter::InsertSubscriberDataRequest idr, mme::IdaReply reply) {
          engine.insert_subscriber_data(std::move(idr), std::move(reply));
        },
        config.dictionary.vendor_id);
  });
  if (!stack) return runtime.fail("diameter: " + stack.error().message);
  const auto peer_metrics = diameter::expose_peer_states(runtime.registry(), **stack);
  (*server)->start_loop();
  log::info("NAS/TCP on {}:{}; PLMN {}, TAC {}", config.nas_listen, (*server)->port(), config.plmn.to_string(),
            config.tac);
  if (s1ap) {
    log::info("S1AP on {}:{} (SCTP, {}{})", config.s1ap.listen, s1ap->port(), sctp::to_string(s1ap->backend()),
              config.s1ap.sctp.udp_encapsulation_port
                  ? ", UDP encapsulation on port " + std::to_string(config.s1ap.sctp.udp_encapsulation_port)
                  : std::string());
  }
  if ((*stack)->wait_peer_open(hss.identity, std::chrono::seconds(10))) {
    log::info("S6a connection to {} open", hss.identity);
  } else {
    log::warn("no S6a connection to {} yet ({}:{}): attaches are rejected (#17) until it opens", hss.identity,
              hss.address, hss.port);
  }

  runtime.serve([&] { diameter::exit_when_stack_stops(**stack, runtime.health()); });
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
  return runtime.exit_code();
}

}  // namespace

int main(int argc, char** argv) {
  return daemon::run(argc, argv, daemon::Definition<mme::MmeConfig>{
      .name = "simbind-mme",
      .about = "simbind-mme: MME with ME binding (NAS over TCP, S6a over freeDiameter)",
      .metrics_namespace = "mme",
      .load = mme::load_mme_config,
      .print = mme::print_effective,
      .run = run,
  });
}
