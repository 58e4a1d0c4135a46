// S1AP's own failure cases across the real processes (simbind-ue as eNB over usrsctp, simbind-mme, simbind-hss):
// the eNB's association killed in the middle of attaches (the MME releases those UEs, the eNB sets up again, the
// UEs attach again), the MME killed and restarted under its eNB, and an eNB refused at S1 SETUP. The procedures
// themselves run over S1AP in attach_e2e_s1ap and binding_e2e_s1ap (the NAS/TCP tests with SIMBIND_TEST_ACCESS).
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <tuple>
#include <thread>

#include "common/util/identifiers.h"
#include "tests/integration/support/metrics_scrape.h"
#include "tests/integration/support/ue_harness.h"

namespace simbind::test {
namespace {

namespace uev1 = simbind::ue::v1;

std::string imei(const std::string& fourteen) { return Imei::create(fourteen)->str(); }

MmeHarnessConfig s1ap_mme() {
  MmeHarnessConfig c;
  c.s1ap = true;
  c.metrics_port = free_port();
  return c;
}

// N subscribers in N MEs, created in the HSS and the emulator; returns the IMEIs.
std::vector<std::string> make_ues(HssHarness& hss, UeHarness& ue, unsigned n, unsigned base) {
  std::string profiles = "ues:\n";
  std::vector<std::string> imeis;
  for (unsigned i = 0; i < n; ++i) {
    char imsi[16], body[15];
    std::snprintf(imsi, sizeof imsi, "00101%010u", base + i);
    std::snprintf(body, sizeof body, "35693803%06u", base + i);
    const auto sub = hss.create_subscriber(imsi);
    imeis.push_back(imei(body));
    profiles += "  - imei: \"" + imeis.back() + "\"\n    uicc: {imsi: \"" + sub.imsi + "\", k: " + sub.k +
                ", opc: " + sub.opc + "}\n";
  }
  ue.create(profiles);
  return imeis;
}

// After a restart of simbind-ue: the harness's channel reconnects on its first call, which may fail; wait until the
// control API answers again.
void wait_for_control(UeHarness& ue, const std::string& imei15) {
  for (int i = 0; i < 100; ++i) {
    uev1::StatusRequest req;
    req.set_imei(imei15);
    uev1::UeStatus out;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    if (ue.control().Status(&ctx, req, &out).ok()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "simbind-ue's control API does not answer after its restart";
}

void start_attach(UeHarness& ue, const std::string& imei15) {
  uev1::AttachRequest req;
  req.set_imei(imei15);
  req.set_wait(false);
  uev1::AttachResult out;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  ASSERT_TRUE(ue.control().Attach(&ctx, req, &out).ok());
}

// simbind-hss, simbind-mme with S1AP and metrics, simbind-ue as its eNB; started in that order.
struct S1apBed {
  HssHarness hss;
  std::unique_ptr<MmeHarness> mme;
  std::unique_ptr<UeHarness> ue;
  bool start() {
    if (!hss.start()) return fail("simbind-hss", hss.process().log());
    mme = std::make_unique<MmeHarness>(hss, s1ap_mme());
    if (!mme->start()) return fail("simbind-mme", mme->process().log());
    ue = std::make_unique<UeHarness>(*mme);
    if (!ue->start()) return fail("simbind-ue", ue->process().log());
    return true;
  }
  std::tuple<HssHarness&, MmeHarness&, UeHarness&> parts() { return {hss, *mme, *ue}; }
  static bool fail(const char* who, const std::string& log) {
    ADD_FAILURE() << who << " did not start:\n" << log;
    return false;
  }
};

// The value of an unlabelled series in the Prometheus text; -1 when it is not there.
double metric(int port, const std::string& name) {
  const std::string body = scrape_metrics(port);
  const auto at = body.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stod(body.substr(at + name.size() + 2));
}

TEST(S1apEndToEnd, AnEnbKilledMidAttachIsCleanedUpAndItsUesAttachAgainAfterItSetsUpAgain) {
  S1apBed bed;
  ASSERT_TRUE(bed.start());
  auto [hss, mme, ue] = bed.parts();  // references into the bed
  const auto imeis = make_ues(hss, ue, 50, 7000);
  // The emulator writes its devices off its loop: they must be on disk before the kill, or the restarted eNB's
  // emulator would not know them (a fact of the store, not of S1AP).
  const auto written = [&] {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(ue.store_directory())) {
      n += e.path().filename().string().rfind("me-", 0) == 0 ? 1 : 0;
    }
    return n;
  };
  for (int i = 0; i < 100 && written() < imeis.size(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(written(), imeis.size());

  for (const auto& i : imeis) start_attach(ue, i);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));  // some attaches in flight, some done
  ue.process().kill9();                                         // the eNB dies without an ABORT

  // No ABORT came: the MME finds out by heartbeats (500 ms, 3 retransmissions in the harness) and releases the UEs.
  ASSERT_TRUE(mme.process().wait_for_log("lost", std::chrono::seconds(20))) << mme.process().log();
  ASSERT_TRUE(mme.process().wait_for_log("UE context(s) released", std::chrono::seconds(2)));
  {
    // "S1AP: association with ... lost: ...; N UE context(s) released": the UEs it had (attaching or attached) go.
    const std::string log = mme.process().log();
    const auto at = log.rfind(" UE context(s) released");
    const auto start = log.rfind(' ', at - 1);
    EXPECT_GE(std::stoi(log.substr(start + 1, at - start - 1)), 1) << log.substr(start - 120, 200);
  }
  EXPECT_EQ(metric(mme.metrics_port(), "simbind_mme_s1ap_associations_lost_total"), 1);

  // The same eNB (same store, same configuration) comes back, sets up again, and every UE attaches.
  ASSERT_TRUE(ue.start()) << ue.process().log();
  wait_for_control(ue, imeis.front());
  EXPECT_EQ(metric(mme.metrics_port(), "simbind_mme_s1ap_setups_accepted_total"), 2);
  for (const auto& i : imeis) {
    const auto r = ue.attach(i);
    EXPECT_TRUE(r.success()) << i << ": " << r.failure() << ": " << r.message();
  }
}

TEST(S1apEndToEnd, TheEnbSetsUpAgainWhenTheMmeRestartsAndItsUesAttachAgain) {
  S1apBed bed;
  ASSERT_TRUE(bed.start());
  auto [hss, mme, ue] = bed.parts();  // references into the bed
  const auto imeis = make_ues(hss, ue, 5, 7100);
  for (const auto& i : imeis) ASSERT_TRUE(ue.attach(i).success());

  mme.process().kill9();
  ASSERT_TRUE(ue.process().wait_for_log("lost", std::chrono::seconds(20))) << ue.process().log();
  ASSERT_TRUE(mme.start()) << mme.process().log();
  // The eNB reconnects on its own and runs S1 SETUP again (a second "accepted" in the same log).
  const auto accepted_twice = [&] {
    const std::string log = ue.process().log();
    const auto first = log.find("S1 SETUP accepted");
    return first != std::string::npos && log.find("S1 SETUP accepted", first + 1) != std::string::npos;
  };
  for (int i = 0; i < 200 && !accepted_twice(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(accepted_twice()) << ue.process().log();
  for (const auto& i : imeis) {
    const auto r = ue.attach(i);
    EXPECT_TRUE(r.success()) << i << ": " << r.failure() << ": " << r.message();
    EXPECT_FALSE(r.ip().empty());
  }
}

TEST(S1apEndToEnd, AnEnbOfAnotherPlmnIsRefusedAtS1SetupAndTriesAgainAfterTheTimeToWait) {
  HssHarness hss;
  ASSERT_TRUE(hss.start()) << hss.process().log();
  MmeHarness mme(hss, s1ap_mme());
  ASSERT_TRUE(mme.start()) << mme.process().log();
  // The eNB broadcasts PLMN 001/02; the MME serves 001/01.
  UeHarness ue(mme, "", 0, "00102");
  ASSERT_TRUE(ue.process().start());
  ASSERT_TRUE(ue.process().wait_for_log("S1 SETUP FAILURE", std::chrono::seconds(20))) << ue.process().log();
  EXPECT_TRUE(ue.process().wait_for_log("trying again in 5000 ms", std::chrono::seconds(1))) << ue.process().log();
  EXPECT_TRUE(mme.process().wait_for_log("no supported TA broadcasts our PLMN", std::chrono::seconds(1)));
  // After the time to wait (v5s), the eNB asks again and is refused again: it never gives up, never attaches.
  EXPECT_TRUE(mme.process().wait_for_log("S1AP: S1 SETUP from", std::chrono::seconds(1)));
  std::this_thread::sleep_for(std::chrono::milliseconds(5500));
  EXPECT_EQ(metric(mme.metrics_port(), "simbind_mme_s1ap_setups_refused_total"), 2);
  EXPECT_EQ(metric(mme.metrics_port(), "simbind_mme_s1ap_setups_accepted_total"), 0);
}

}  // namespace
}  // namespace simbind::test
