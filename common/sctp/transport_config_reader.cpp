#include "common/sctp/transport_config_reader.h"

namespace simbind::sctp {

TransportConfig read_transport_config(const config::ConfigReader::Section& s) {
  s.allow_only({"backend", "udp_port", "remote_udp_port", "streams", "heartbeat_ms", "max_retransmissions"});
  TransportConfig c;
  c.backend = *parse_backend(s.choice("backend", "auto", {"kernel", "usrsctp", "auto"}));
  c.udp_encapsulation_port = static_cast<std::uint16_t>(s.integer("udp_port", 0, 0, 65535));
  c.remote_udp_port = static_cast<std::uint16_t>(s.integer("remote_udp_port", 0, 0, 65535));
  if (c.udp_encapsulation_port != 0 && c.backend == Backend::kernel) {
    s.problem("udp_port", "UDP encapsulation needs the usrsctp backend (the kernel's SCTP runs on IP)");
  }
  c.streams = static_cast<std::uint16_t>(s.integer("streams", 2, 1, 1024));
  c.heartbeat_interval = std::chrono::milliseconds(s.integer("heartbeat_ms", 5000, 100, 600'000));
  c.max_retransmissions = static_cast<unsigned>(s.integer("max_retransmissions", 5, 1, 20));
  return c;
}

void print_transport_config(std::ostream& out, const TransportConfig& c, const std::string& indent) {
  out << indent << "backend: " << (c.backend == Backend::automatic ? "auto" : to_string(c.backend)) << "\n"
      << indent << "udp_port: " << c.udp_encapsulation_port << "\n"
      << indent << "remote_udp_port: " << c.remote_udp_port << "\n"
      << indent << "streams: " << c.streams << "\n"
      << indent << "heartbeat_ms: " << c.heartbeat_interval.count() << "\n"
      << indent << "max_retransmissions: " << c.max_retransmissions << "\n";
}

}  // namespace simbind::sctp
