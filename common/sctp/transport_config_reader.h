// The `sctp:` section shared by simbind-mme's and simbind-ue's S1AP configuration:
//   backend: auto            # kernel | usrsctp | auto (the kernel's when it has SCTP, usrsctp otherwise)
//   udp_port: 0              # usrsctp only: 0 = SCTP over raw IP; else SCTP over UDP (RFC 6951) on this port
//   remote_udp_port: 0       # the peer's UDP port (0 = udp_port)
//   streams: 2               # outbound streams asked for at association setup
//   heartbeat_ms: 5000
//   max_retransmissions: 5   # then the association is declared lost
#pragma once

#include <ostream>

#include "common/config/config_reader.h"
#include "common/sctp/sctp.h"

namespace simbind::sctp {

TransportConfig read_transport_config(const config::ConfigReader::Section& s);
void print_transport_config(std::ostream& out, const TransportConfig& c, const std::string& indent);

}  // namespace simbind::sctp
