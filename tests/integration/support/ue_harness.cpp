#include "tests/integration/support/ue_harness.h"

#include <gtest/gtest.h>

#include "tests/integration/support/metrics_scrape.h"

namespace simbind::test {

UeHarness::UeHarness(const MmeHarness& mme, std::string extra_yaml, int metrics_port, std::string plmn)
    : control_port_(free_port()), metrics_port_(metrics_port), s1ap_(mme.s1ap()) {
  const std::string key_file = dir_.write("storage.key", random_hex(32) + "\n");
  const std::string yaml = "log_level: info\n"
                           "mme:\n"
                           "  address: 127.0.0.1\n" +
                           (mme.s1ap() ? "  port: " + std::to_string(mme.s1ap_port()) + "\n  transport: s1ap\n"
                                             "s1ap:\n" + std::string(kTestSctpYaml)
                                       : "  port: " + std::to_string(mme.nas_port()) + "\n") +
                           "network:\n"
                           "  plmn: \"" + plmn + "\"\n"
                           "store:\n"
                           "  directory: " + dir_.file("devices") + "\n"
                           "  storage_key_file: " + key_file + "\n"
                           "control:\n"
                           "  listen: 127.0.0.1:" + std::to_string(control_port_) + "\n" +
                           metrics_yaml(metrics_port_) + extra_yaml;
  config_path_ = dir_.write("ue.yaml", yaml);
  process_ = std::make_unique<DaemonProcess>("simbind-ue", daemon_path("services/ue/simbind-ue"),
                                             std::vector<std::string>{"--config", config_path_}, dir_.file("ue.log"));
}

bool UeHarness::start() {
  if (!process_->start()) return false;
  if (!process_->wait_for_log("simbind-ue ready", std::chrono::seconds(30))) return false;
  // Over S1AP the UEs can attach once an eNB is set up (NAS/TCP connects in the background the same way, but
  // within milliseconds; S1 SETUP takes an SCTP handshake and a round trip more).
  return !s1ap_ || process_->wait_for_log("S1 SETUP accepted", std::chrono::seconds(30));
}

simbind::ue::v1::UeControl::Stub& UeHarness::control() {
  if (!stub_) {
    auto channel =
        grpc::CreateChannel("127.0.0.1:" + std::to_string(control_port_), grpc::InsecureChannelCredentials());
    stub_ = simbind::ue::v1::UeControl::NewStub(channel);
  }
  return *stub_;
}

simbind::ue::v1::CreateUesResponse UeHarness::create(const std::string& profiles_yaml) {
  simbind::ue::v1::CreateUesRequest req;
  req.set_profiles_yaml(profiles_yaml);
  simbind::ue::v1::CreateUesResponse out;
  grpc::ClientContext ctx;
  const auto status = control().CreateUes(&ctx, req, &out);
  EXPECT_TRUE(status.ok()) << "CreateUes: " << status.error_message();
  return out;
}

simbind::ue::v1::AttachResult UeHarness::attach(const std::string& imei, const std::string& apn) {
  simbind::ue::v1::AttachRequest req;
  req.set_imei(imei);
  req.set_apn(apn);
  req.set_wait(true);
  simbind::ue::v1::AttachResult out;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  const auto status = control().Attach(&ctx, req, &out);
  EXPECT_TRUE(status.ok()) << "Attach " << imei << ": " << status.error_message();
  return out;
}

simbind::ue::v1::UeStatus UeHarness::status(const std::string& imei) {
  simbind::ue::v1::StatusRequest req;
  req.set_imei(imei);
  simbind::ue::v1::UeStatus out;
  grpc::ClientContext ctx;
  const auto st = control().Status(&ctx, req, &out);
  EXPECT_TRUE(st.ok()) << "Status " << imei << ": " << st.error_message();
  return out;
}

}  // namespace simbind::test
