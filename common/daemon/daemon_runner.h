// What the five daemons' `main` have in common, in one place: the command line (-c/--config, --print-config),
// the configuration load and its exit status, logging, the termination signals, /metrics and /healthz, and the
// order of exposure and shutdown around the daemon's own parts:
//
//   1. command line; configuration read and checked (exit 2 on stderr: "<name>: configuration error:");
//      --print-config prints the effective configuration and exits 0;
//   2. `prepare`: what the configuration names and must be readable before anything starts (TLS files, keys);
//      an error is a configuration error as in 1;
//   3. logging, termination signals blocked in every thread started from here on;
//   4. the metrics server, first, so that /healthz answers 503 ("starting") while the rest starts;
//   5. `run`: the daemon's own parts, each exposure declared after what it reads (metrics::Exposure);
//      it returns Runtime::fail / Runtime::configuration_error if one cannot start;
//   6. Runtime::serve: "<name> ready", /healthz 200; waits for SIGINT/SIGTERM or request_termination;
//      logs why it stops; withdraws /metrics and /healthz, so no scrape reads a part being torn down;
//   7. `run` stops its parts in its own documented order and returns Runtime::exit_code().
#pragma once

#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <variant>

#include "common/log/log.h"
#include "common/metrics/health.h"
#include "common/metrics/http_server.h"
#include "common/metrics/registry.h"
#include "common/util/error.h"

namespace simbind::daemon {

// Exit statuses of a daemon that does not start (docs/CONFIGURATION.md and docs/OPERATIONS.md, which also give 69).
inline constexpr int kExitStartFailure = 1;
inline constexpr int kExitConfigurationError = 2;

// What the runner hands to the daemon's own part (step 5 on): its registry, its readiness, and the steps it
// must take in order.
class Runtime {
 public:
  Runtime(std::string name, std::string config_path, std::string metrics_namespace);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  const std::string& config_path() const { return config_path_; }
  metrics::Registry& registry() { return registry_; }
  metrics::Health& health() { return health_; }

  // Step 4: false (and the reason logged) if metrics.listen cannot be served.
  bool start_metrics(const metrics::MetricsConfig& config);

  // A part that cannot start: logs `message`, withdraws /metrics and /healthz (so that `run` may tear down parts
  // in any order from here), and returns the exit status for `run` to return.
  int fail(const std::string& message);
  int configuration_error(const std::string& message);

  // Step 6. `on_ready` runs just after /healthz turns 200, for supervision that may take it back at once
  // (diameter::exit_when_stack_stops).
  void serve(const std::function<void()>& on_ready = {});

  // Step 7: 0, or the status a part asked for with request_termination (kExitServiceLost).
  int exit_code() const;

 private:
  std::string name_;
  std::string config_path_;
  metrics::Registry registry_;
  metrics::Health health_;
  std::unique_ptr<metrics::MetricsServer> metrics_server_;
};

// Steps 1 and 2: the command line and the configuration. Returns the exit status when main must return at once
// (a parse error, --help, --print-config, a configuration error), or nothing to go on with `config_path`.
struct CommandLine {
  std::string config_path;
  bool print_config = false;
};
std::optional<int> parse_command_line(int argc, char** argv, const std::string& about, CommandLine& out);
int report_configuration_error(const std::string& name, const std::string& message);
// Step 3.
void start_logging(const std::string& name, const std::string& level);

// One daemon: what is its own. `Prepared` carries what `prepare` read (TLS files, keys) to `run`.
template <class Config, class Prepared = std::monostate>
struct Definition {
  std::string name;               // "simbind-hss": the log's name and the messages' prefix
  std::string about;              // --help's first line
  std::string metrics_namespace;  // metric names render as simbind_<namespace>_<name>
  std::function<Result<Config>(const std::string& path)> load;
  std::function<void(std::ostream&, const Config&)> print;
  std::function<Result<Prepared>(const Config&)> prepare = [](const Config&) -> Result<Prepared> {
    return Prepared{};
  };
  std::function<int(const Config&, Prepared&, Runtime&)> run;
};

// A daemon's whole `main`: `return daemon::run(argc, argv, definition);`.
template <class Config, class Prepared>
int run(int argc, char** argv, const Definition<Config, Prepared>& daemon) {
  CommandLine command_line;
  if (auto done = parse_command_line(argc, argv, daemon.about, command_line)) return *done;

  Result<Config> config = daemon.load(command_line.config_path);
  if (!config) return report_configuration_error(daemon.name, config.error().message);
  if (command_line.print_config) {
    daemon.print(std::cout, *config);
    return 0;
  }
  Result<Prepared> prepared = daemon.prepare(*config);
  if (!prepared) return report_configuration_error(daemon.name, prepared.error().message);

  start_logging(daemon.name, config->log_level);
  Runtime runtime(daemon.name, command_line.config_path, daemon.metrics_namespace);
  if (!runtime.start_metrics(config->metrics)) return kExitStartFailure;
  return daemon.run(*config, *prepared, runtime);
}

}  // namespace simbind::daemon
