#include "common/daemon/daemon_runner.h"

#include <CLI/CLI.hpp>

#include "common/util/signals.h"

namespace simbind::daemon {

Runtime::Runtime(std::string name, std::string config_path, std::string metrics_namespace)
    : name_(std::move(name)), config_path_(std::move(config_path)), registry_(std::move(metrics_namespace)) {}

// Whatever way `run` returns, no scrape reads the registry's families after this.
Runtime::~Runtime() { metrics_server_.reset(); }

bool Runtime::start_metrics(const metrics::MetricsConfig& config) {
  auto server = metrics::MetricsServer::start_if_configured(config, registry_, health_.checker());
  if (!server) {
    log::error("{}", server.error().message);
    return false;
  }
  metrics_server_ = std::move(*server);
  if (metrics_server_) log::info("metrics on {} (/metrics, /healthz)", config.listen);
  return true;
}

int Runtime::fail(const std::string& message) {
  log::error("{}", message);
  metrics_server_.reset();  // `run` may now tear down parts whose exposures are still declared
  return kExitStartFailure;
}

int Runtime::configuration_error(const std::string& message) {
  fail(message);
  return kExitConfigurationError;
}

void Runtime::serve(const std::function<void()>& on_ready) {
  log::info("{} ready", name_);
  health_.set_ready();
  if (on_ready) on_ready();

  const int signal = wait_for_termination_signal();
  if (termination_exit_code() != 0) {
    // The reason a part gave when it took readiness back (say "Diameter stack stopped: ...").
    log::error("shutting down: {}; exit status {} for the supervisor to restart {}", health_.check().reason,
               termination_exit_code(), name_);
  } else {
    log::info("signal {}: shutting down", signal);
  }
  health_.set_not_ready("shutting down");
  metrics_server_.reset();  // no scrape from here on reads a part being torn down
}

int Runtime::exit_code() const { return termination_exit_code(); }

std::optional<int> parse_command_line(int argc, char** argv, const std::string& about, CommandLine& out) {
  CLI::App app{about};
  app.add_option("-c,--config", out.config_path, "YAML configuration file")->required();
  app.add_flag("--print-config", out.print_config, "print the effective configuration and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return std::nullopt;
}

int report_configuration_error(const std::string& name, const std::string& message) {
  std::cerr << name << ": configuration error:\n" << message << "\n";
  return kExitConfigurationError;
}

void start_logging(const std::string& name, const std::string& level) {
  // The level was checked with the configuration.
  log::init(name, log::parse_level(level).value_or(spdlog::level::info));
  block_termination_signals();
}

}  // namespace simbind::daemon
