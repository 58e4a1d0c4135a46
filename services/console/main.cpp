// simbind-console: wires the configuration to the clients of the other daemons, the live feed, the lab actions and
// the web server.
#include "common/daemon/daemon_runner.h"
#include "common/util/secure.h"
#include "services/console/backends.h"
#include "services/console/console_config.h"
#include "services/console/console_http.h"
#include "services/console/event_feed.h"
#include "services/console/lab_actions.h"

using namespace simbind;

namespace {

int run(const console::ConsoleConfig& config, console::ConsoleSecrets& secrets, daemon::Runtime& runtime) {
  console::ConsoleCounters counters;
  std::vector<metrics::Exposure> counter_metrics;
  for (const metrics::Family* f : counters.families()) counter_metrics.push_back(runtime.registry().expose(*f));
  console::Backends backends = console::Backends::connect(config, secrets);
  console::EventFeed feed(backends, std::chrono::milliseconds(400), &counters);
  console::LabActions actions(backends, config.plmn, secrets.transfer_key);
  if (secrets.transfer_key) secure_wipe(*secrets.transfer_key);  // LabActions holds the only copy from here on
  secrets.transfer_key.reset();
  auto http = console::ConsoleHttp::start(config, secrets, backends, feed, actions, counters);
  if (!http) return runtime.fail(http.error().message);
  const auto hp = config::parse_host_port(config.http.listen);
  log::info("console on {}://{}:{}/ (HSS admin {}, UE control {}, prov {}, keydir {})",
            (*http)->https() ? "https" : "http", hp->host, (*http)->port(), config.hss.address, config.ue.address,
            config.prov.address, config.keydir.address);
  runtime.serve();
  http->reset();  // first: no page may call into the feed or the actions while they go
  return runtime.exit_code();
}

}  // namespace

int main(int argc, char** argv) {
  return daemon::run(argc, argv, daemon::Definition<console::ConsoleConfig, console::ConsoleSecrets>{
      .name = "simbind-console",
      .about = "simbind-console: the testbed live in a browser (subscribers, UEs, ladder diagram, lab actions)",
      .metrics_namespace = "console",
      .load = console::load_console_config,
      .print = console::print_effective,
      .prepare = console::read_console_secrets,
      .run = run,
  });
}
