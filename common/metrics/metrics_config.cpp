#include "common/metrics/metrics_config.h"

#include <charconv>

namespace simbind::metrics {

MetricsConfig read_metrics_config(const config::ConfigReader::Section& root) {
  MetricsConfig c;
  if (!root.has("metrics")) return c;
  const auto section = root.section("metrics");
  section.allow_only({"listen"});
  if (!section.has("listen")) return c;
  const std::string listen = section.host_port("listen", "");
  const auto colon = listen.rfind(':');
  std::string host = colon == std::string::npos ? "" : listen.substr(0, colon);
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(listen.data() + colon + 1, listen.data() + listen.size(), port);
  if (colon == std::string::npos || ec != std::errc() || port == 0 || port > 65535) return c;  // a problem already
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  (void)end;
  c.listen = listen;
  c.host = host;
  c.port = static_cast<std::uint16_t>(port);
  return c;
}

void print_metrics_config(std::ostream& out, const MetricsConfig& c) {
  out << "metrics:\n  listen: " << (c.enabled() ? c.listen : "(none: no metrics/health endpoint)") << "\n";
}

}  // namespace simbind::metrics
