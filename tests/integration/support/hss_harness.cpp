#include "tests/integration/support/hss_harness.h"

#include <gtest/gtest.h>

#include "common/crypto/primitives.h"
#include "common/util/hex.h"
#include "tests/integration/support/metrics_scrape.h"

namespace simbind::test {

std::string random_hex(std::size_t octets) {
  Bytes b(octets);
  crypto::random_fill(b);
  return to_hex(b);
}

HssHarness::HssHarness(HssHarnessConfig config)
    : config_(std::move(config)), diameter_port_(free_port()), admin_port_(free_port()),
      master_key_hex_(random_hex(32)) {
  const std::string key_file = dir_.write("master.key", master_key_hex_ + "\n");
  std::string more_peers;
  for (const auto& p : config_.more_peers) more_peers += "    - identity: " + p + "\n";
  const std::string yaml = "log_level: debug\n"
                           "diameter:\n"
                           "  identity: " + config_.identity + "\n"
                           "  realm: simbind.lab\n"
                           "  port: " + std::to_string(diameter_port_) + "\n"
                           "  tc_timer: 1\n" + config_.diameter_yaml +
                           "  peers:\n"
                           "    - identity: " + config_.mme_identity + "\n" + more_peers +
                           "store:\n"
                           "  path: " + dir_.file("hss.db") + "\n"
                           "  master_key_file: " + key_file + "\n"
                           "admin:\n"
                           "  listen: 127.0.0.1:" + std::to_string(admin_port_) + "\n" + config_.admin_yaml +
                           metrics_yaml(config_.metrics_port) + config_.extra_yaml;
  config_path_ = dir_.write("hss.yaml", yaml);
  process_ = std::make_unique<DaemonProcess>("simbind-hss", daemon_path("services/hss/simbind-hss"),
                                             std::vector<std::string>{"--config", config_path_}, dir_.file("hss.log"));
}

bool HssHarness::start() {
  stub_.reset();  // after a restart, a fresh channel rather than one in reconnect backoff
  const std::size_t before = process_->log().size();  // a restart appends to the same log
  if (!process_->start()) return false;
  if (!process_->wait_for_log("simbind-hss ready", std::chrono::seconds(20))) return false;
  // A clean start logs no freeDiameter error (the dictionary's set-up once logged 305 of them unnoticed).
  return process_->log().find("error simbind-hss: freeDiameter:", before) == std::string::npos;
}

simbind::hss::v1::HssAdmin::Stub& HssHarness::admin() {
  if (!stub_) {
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(admin_port_), grpc::InsecureChannelCredentials());
    stub_ = simbind::hss::v1::HssAdmin::NewStub(channel);
  }
  return *stub_;
}

HssHarness::Created HssHarness::create_subscriber(const std::string& imsi, bool binding_required) {
  Created c{imsi, random_hex(16), random_hex(16)};
  simbind::hss::v1::CreateSubscriberRequest req;
  req.set_imsi(imsi);
  req.mutable_keys()->set_k(c.k);
  req.mutable_keys()->set_opc(c.opc);
  req.mutable_profile()->set_msisdn("46700" + imsi.substr(imsi.size() - 6));
  req.set_binding_required(binding_required);
  simbind::hss::v1::Subscriber out;
  grpc::ClientContext ctx;
  const auto status = admin().CreateSubscriber(&ctx, req, &out);
  EXPECT_TRUE(status.ok()) << "CreateSubscriber " << imsi << ": " << status.error_message();
  return c;
}

simbind::hss::v1::Subscriber HssHarness::subscriber(const std::string& imsi) {
  simbind::hss::v1::GetSubscriberRequest req;
  req.set_imsi(imsi);
  simbind::hss::v1::Subscriber out;
  grpc::ClientContext ctx;
  const auto status = admin().GetSubscriber(&ctx, req, &out);
  EXPECT_TRUE(status.ok()) << "GetSubscriber " << imsi << ": " << status.error_message();
  return out;
}

simbind::hss::v1::BindingStatus HssHarness::binding_status(const std::string& imsi) {
  simbind::hss::v1::GetSubscriberRequest req;
  req.set_imsi(imsi);
  simbind::hss::v1::BindingStatus out;
  grpc::ClientContext ctx;
  const auto status = admin().GetBindingStatus(&ctx, req, &out);
  EXPECT_TRUE(status.ok()) << "GetBindingStatus " << imsi << ": " << status.error_message();
  return out;
}

std::string HssHarness::audit_text(const std::string& imsi) {
  simbind::hss::v1::ListAuditEventsRequest req;
  req.set_imsi(imsi);
  simbind::hss::v1::ListAuditEventsResponse out;
  grpc::ClientContext ctx;
  const auto status = admin().ListAuditEvents(&ctx, req, &out);
  EXPECT_TRUE(status.ok()) << "ListAuditEvents " << imsi << ": " << status.error_message();
  std::string text;
  for (const auto& e : out.events()) text += e.event() + " " + e.decision() + " " + e.reason() + "\n";
  return text;
}

}  // namespace simbind::test
