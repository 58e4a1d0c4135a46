// A simbind-hss process for integration tests, with its config, master key and store in a temporary directory,
// and an admin client.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "hss_admin.grpc.pb.h"
#include "tests/integration/support/process.h"

namespace simbind::test {

struct HssHarnessConfig {
  std::string identity = "hss.test.simbind.lab";
  std::string mme_identity = "mme.test.simbind.lab";
  std::string extra_yaml;  // appended to the generated config
  std::string diameter_yaml;  // extra lines inside `diameter:` (indented by two spaces), e.g. a tls section
  std::string admin_yaml;     // extra lines inside `admin:` (indented by two spaces), e.g. a tls section
  std::vector<std::string> more_peers;  // other Diameter identities the HSS accepts
  int metrics_port = 0;                 // non-zero: metrics.listen on 127.0.0.1:metrics_port
};

class HssHarness {
 public:
  explicit HssHarness(HssHarnessConfig config = {});

  // Starts simbind-hss and waits for "simbind-hss ready".
  bool start();
  DaemonProcess& process() { return *process_; }
  int diameter_port() const { return diameter_port_; }
  int admin_port() const { return admin_port_; }
  int metrics_port() const { return config_.metrics_port; }
  const TempDir& dir() const { return dir_; }
  const std::string& config_path() const { return config_path_; }
  std::string master_key_hex() const { return master_key_hex_; }

  simbind::hss::v1::HssAdmin::Stub& admin();

  // A subscriber with random K and OPc (returned as hex), created through the admin API.
  struct Created {
    std::string imsi, k, opc;
  };
  Created create_subscriber(const std::string& imsi, bool binding_required = false);
  // Admin API reads; a failed call fails the test (and gives an empty message).
  simbind::hss::v1::Subscriber subscriber(const std::string& imsi);
  simbind::hss::v1::BindingStatus binding_status(const std::string& imsi);
  // The audit of `imsi`, one "event decision reason" line per event.
  std::string audit_text(const std::string& imsi);

 private:
  HssHarnessConfig config_;
  TempDir dir_;
  int diameter_port_;
  int admin_port_;
  std::string master_key_hex_;
  std::string config_path_;
  std::unique_ptr<DaemonProcess> process_;
  std::unique_ptr<simbind::hss::v1::HssAdmin::Stub> stub_;
};

std::string random_hex(std::size_t octets);

}  // namespace simbind::test
