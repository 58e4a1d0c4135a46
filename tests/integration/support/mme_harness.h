// A simbind-mme process for integration tests, configured against an HssHarness, with short NAS timers.
#pragma once

#include <memory>
#include <string>

#include "tests/integration/support/hss_harness.h"

namespace simbind::test {

struct MmeHarnessConfig {
  std::string identity = "mme.test.simbind.lab";
  std::string log_level = "debug";
  std::string extra_yaml;      // appended (top-level sections)
  std::string timers_yaml = "timers:\n  t3450_ms: 1000\n  t3460_ms: 1000\n  t3470_ms: 1000\n  t3485_ms: 1000\n";
  int hss_timeout_ms = 3000;
  int metrics_port = 0;  // non-zero: metrics.listen on 127.0.0.1:metrics_port
  // S1AP (usrsctp) beside NAS/TCP; UeHarness then runs its eNBs against it. By default on when the environment
  // says SIMBIND_TEST_ACCESS=s1ap: the same end-to-end tests then run over S1AP (ctest runs them both ways).
  bool s1ap = s1ap_under_test();
  static bool s1ap_under_test();
};

// The sctp: section the harnesses give simbind-mme and simbind-ue.
extern const char* const kTestSctpYaml;

class MmeHarness {
 public:
  MmeHarness(const HssHarness& hss, MmeHarnessConfig config = {});
  // Starts simbind-mme and waits for "simbind-mme ready" and its S6a connection.
  bool start();
  DaemonProcess& process() { return *process_; }
  int nas_port() const { return nas_port_; }
  bool s1ap() const { return config_.s1ap; }
  int s1ap_port() const { return s1ap_port_; }
  int metrics_port() const { return config_.metrics_port; }
  const std::string& config_path() const { return config_path_; }

 private:
  MmeHarnessConfig config_;
  TempDir dir_;
  int nas_port_;
  int diameter_port_;
  int s1ap_port_ = 0;
  std::string config_path_;
  std::unique_ptr<DaemonProcess> process_;
};

}  // namespace simbind::test
