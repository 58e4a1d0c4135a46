#include "common/metrics/metrics_config.h"

#include <charconv>

namespace simbind::metrics {

MetricsConfig read_metrics_config(const config::ConfigReader::Section& root) {
  MetricsConfig c;
  if (!root.has("metrics")) return c;
  const auto section = root.section("metrics");
  section.allow_only({"listen"});
  const std::string listen = section.string("listen", "");
  if (listen.empty()) return c;
  // HOST:PORT; the last colon separates the port (IPv6 addresses come in brackets: [::1]:9100).
  const auto colon = listen.rfind(':');
  std::string host = colon == std::string::npos ? "" : listen.substr(0, colon);
  const std::string port_text = colon == std::string::npos ? "" : listen.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
    section.problem("listen", "must be HOST:PORT with a port 1..65535, got '" + listen + "'");
    return c;
  }
  c.listen = listen;
  c.host = host;
  c.port = static_cast<std::uint16_t>(port);
  return c;
}

void print_metrics_config(std::ostream& out, const MetricsConfig& c) {
  out << "metrics:\n  listen: " << (c.enabled() ? c.listen : "(none: no metrics/health endpoint)") << "\n";
}

}  // namespace simbind::metrics
