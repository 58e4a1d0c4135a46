#include "tests/integration/support/five_daemons.h"

#include <gtest/gtest.h>

#include <thread>

#include "common/util/identifiers.h"

namespace simbind::test {

namespace uev1 = simbind::ue::v1;

FiveDaemons::FiveDaemons(FiveDaemonOptions options) : options_(std::move(options)) {}

FiveDaemons::~FiveDaemons() {
  ue_.reset();
  mme_.reset();
  if (office_) office_->prov.reset();
  hss_.reset();
  office_.reset();
}

std::string FiveDaemons::start() {
  office_ = std::make_unique<BackofficeHarness>(
      BackofficeOptions{.with_back_office = options_.with_back_office, .with_metrics = options_.with_metrics});
  if (!office_->make_pki()) return "the lab PKI (deploy/certs/lab-ca.sh) failed";
  if (!office_->start_keydir()) return "simbind-keydir did not start:\n" + office_->keydir->log();

  HssHarnessConfig hc;
  hc.more_peers = {"prov.test.simbind.lab"};
  if (options_.with_metrics) hc.metrics_port = free_port();
  const std::string kek = office_->dir.write("hss-kek.key", office_->kek_hex + "\n");
  hc.extra_yaml = "binding:\n  prov_identity: prov.test.simbind.lab\n  kek_file: " + kek +
                  "\n  prov_timeout_ms: 4000\n  ida_timeout_ms: 6000\n";
  hss_ = std::make_unique<HssHarness>(hc);
  if (!hss_->start()) return "simbind-hss did not start:\n" + hss_->process().log();
  if (!office_->start_prov(*hss_)) return "simbind-prov did not start:\n" + office_->prov->log();
  if (!hss_->process().wait_for_log("prov.test.simbind.lab", std::chrono::seconds(15))) {
    return "simbind-prov's Diameter connection to simbind-hss did not open:\n" + hss_->process().log();
  }

  MmeHarnessConfig mc;
  if (options_.with_metrics) mc.metrics_port = free_port();
  mme_ = std::make_unique<MmeHarness>(*hss_, mc);
  if (!mme_->start()) return "simbind-mme did not start:\n" + mme_->process().log();
  ue_ = std::make_unique<UeHarness>(*mme_, options_.ue_yaml, options_.with_metrics ? free_port() : 0);
  if (!ue_->start()) return "simbind-ue did not start:\n" + ue_->process().log();
  return "";
}

std::string FiveDaemons::make_device(const std::string& imei14, const HssHarness::Created* sub, bool register_key) {
  const std::string me = Imei::create(imei14)->str();
  std::string yaml = "ues:\n  - imei: \"" + me + "\"\n";
  if (sub) yaml += "    uicc: {imsi: \"" + sub->imsi + "\", k: " + sub->k + ", opc: " + sub->opc + "}\n";
  ue_->create(yaml);
  if (register_key) {
    const auto st = office_->register_device(me, ue_->status(me));
    EXPECT_TRUE(st.ok()) << "registering " << me << " in keydir: " << st.error_message();
  }
  return me;
}

bool FiveDaemons::wait_attached_with_bearer(const std::string& imei, std::chrono::seconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    const auto s = ue_->status(imei);
    if (s.attached() && !s.ip().empty()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

grpc::Status FiveDaemons::move_uicc(const std::string& imsi, const std::string& to_imei) {
  uev1::MoveUiccRequest req;
  req.set_imsi(imsi);
  req.set_to_imei(to_imei);
  uev1::UeStatus out;
  grpc::ClientContext ctx;
  return ue_->control().MoveUicc(&ctx, req, &out);
}

grpc::Status FiveDaemons::detach(const std::string& imei) {
  uev1::DetachRequest req;
  req.set_imei(imei);
  uev1::DetachResult out;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  return ue_->control().Detach(&ctx, req, &out);
}

}  // namespace simbind::test
