// A simbind-ue process for integration tests, connected to an MmeHarness, with its device store and storage key
// in a temporary directory, and a UeControl client.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "tests/integration/support/mme_harness.h"
#include "ue_control.grpc.pb.h"

namespace simbind::test {

class UeHarness {
 public:
  // metrics_port non-zero: metrics.listen on 127.0.0.1:metrics_port.
  UeHarness(const MmeHarness& mme, std::string extra_yaml = "", int metrics_port = 0, std::string plmn = "00101");
  // Starts simbind-ue and waits for "simbind-ue ready".
  bool start();
  std::string store_directory() const { return dir_.file("devices"); }
  DaemonProcess& process() { return *process_; }
  int control_port() const { return control_port_; }
  int metrics_port() const { return metrics_port_; }
  const TempDir& dir() const { return dir_; }
  simbind::ue::v1::UeControl::Stub& control();

  // CreateUes with a profiles YAML text; fails the test on a refusal.
  simbind::ue::v1::CreateUesResponse create(const std::string& profiles_yaml);
  simbind::ue::v1::AttachResult attach(const std::string& imei, const std::string& apn = "");
  simbind::ue::v1::UeStatus status(const std::string& imei);

 private:
  TempDir dir_;
  int control_port_;
  int metrics_port_;
  bool s1ap_ = false;  // the UEs reach the MME as S1AP eNBs (the MmeHarness serves S1AP)
  std::string config_path_;
  std::unique_ptr<DaemonProcess> process_;
  std::unique_ptr<simbind::ue::v1::UeControl::Stub> stub_;
};

}  // namespace simbind::test
