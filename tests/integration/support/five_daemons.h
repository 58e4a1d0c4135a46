// The five daemons as real processes on loopback, started in the order the testbed uses: simbind-keydir (mTLS,
// lab CA), simbind-hss (with simbind-prov as a Diameter peer and the KEK they share), simbind-prov, simbind-mme
// and simbind-ue; stopped in the reverse order. With the small admin and control helpers the end-to-end tests
// share (device creation, detach, moving a UICC; the HSS's binding status and audit are HssHarness's).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "tests/integration/support/backoffice_harness.h"
#include "tests/integration/support/hss_harness.h"
#include "tests/integration/support/mme_harness.h"
#include "tests/integration/support/ue_harness.h"

namespace simbind::test {

struct FiveDaemonOptions {
  bool with_back_office = true;  // prov's factory KME store and admin API (scenario 1)
  bool with_metrics = false;     // metrics.listen on a free loopback port for every daemon
  // simbind-ue's timers: T3410 long enough for an over-the-air KME establishment, T3411 short for the
  // re-attach the MME asks for afterwards.
  std::string ue_yaml = "timers: {t3410_ms: 15000, t3411_ms: 500}\n";
};

class FiveDaemons {
 public:
  explicit FiveDaemons(FiveDaemonOptions options = {});
  ~FiveDaemons();  // simbind-ue, -mme, -prov, -hss, -keydir
  FiveDaemons(const FiveDaemons&) = delete;
  FiveDaemons& operator=(const FiveDaemons&) = delete;

  // Starts all five and waits until each is ready and prov's Diameter connection to the HSS is up. Empty on
  // success; otherwise which daemon did not start, with its log.
  std::string start();

  BackofficeHarness& office() { return *office_; }
  HssHarness& hss() { return *hss_; }
  MmeHarness& mme() { return *mme_; }
  UeHarness& ue() { return *ue_; }

  // A device in simbind-ue with the UICC of `sub` (none: an empty device), its public key registered in keydir
  // as the factory would (unless register_key is false). Returns its 15-digit IMEI.
  std::string make_device(const std::string& imei14, const HssHarness::Created* sub, bool register_key = true);
  // Until the UE is attached with a bearer (after the network's re-attach request), or the timeout.
  bool wait_attached_with_bearer(const std::string& imei, std::chrono::seconds timeout);
  grpc::Status move_uicc(const std::string& imsi, const std::string& to_imei);
  grpc::Status detach(const std::string& imei);

 private:
  FiveDaemonOptions options_;
  std::unique_ptr<BackofficeHarness> office_;
  std::unique_ptr<HssHarness> hss_;
  std::unique_ptr<MmeHarness> mme_;
  std::unique_ptr<UeHarness> ue_;
};

// A gtest fixture whose tests share one FiveDaemons, started once for the suite with Options::options(); a test
// of a suite whose daemons did not start fails with the reason instead of running.
template <class Options>
class FiveDaemonSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    five_ = std::make_unique<FiveDaemons>(Options::options());
    start_failure_ = five_->start();
  }
  static void TearDownTestSuite() { five_.reset(); }
  void SetUp() override { ASSERT_TRUE(start_failure_.empty()) << start_failure_; }

  static FiveDaemons& five() { return *five_; }
  static BackofficeHarness& office() { return five_->office(); }
  static HssHarness& hss() { return five_->hss(); }
  static MmeHarness& mme() { return five_->mme(); }
  static UeHarness& ue() { return five_->ue(); }

 private:
  static inline std::unique_ptr<FiveDaemons> five_;
  static inline std::string start_failure_;
};

}  // namespace simbind::test
