#include "common/metrics/metrics_config.h"

namespace simbind::metrics {

MetricsConfig read_metrics_config(const config::ConfigReader::Section& root) {
  MetricsConfig c;
  if (!root.has("metrics")) return c;
  const auto section = root.section("metrics");
  section.allow_only({"listen"});
  if (!section.has("listen")) return c;
  const std::string listen = section.host_port("listen", "");
  const auto parsed = config::parse_host_port(listen);
  if (!parsed) return c;  // the reader has the problem, with the key
  c.listen = listen;
  c.host = parsed->host;
  c.port = parsed->port;
  return c;
}

void print_metrics_config(std::ostream& out, const MetricsConfig& c) {
  out << "metrics:\n  listen: " << (c.enabled() ? c.listen : "(none: no metrics/health endpoint)") << "\n";
}

}  // namespace simbind::metrics
