// The metrics endpoints of all five daemons, scraped over HTTP while they do real work: simbind-keydir (mTLS,
// lab CA), simbind-prov, simbind-hss, simbind-mme and simbind-ue, each with metrics.listen on loopback. A
// regular attach, then an over-the-air KME establishment; each daemon's counters must move by exactly what
// happened (scrapes before and after), the Diameter peer gauges must say up, /healthz 200.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "common/util/identifiers.h"
#include "keydir.grpc.pb.h"
#include "tests/integration/support/metrics_scrape.h"
#include "tests/integration/support/backoffice_harness.h"
#include "tests/integration/support/ue_harness.h"

namespace simbind::test {
namespace {

namespace uev1 = simbind::ue::v1;

double value(int port, const std::string& series) {
  const double v = sample_value(scrape_metrics(port), series);
  return v < 0 ? 0 : v;  // a labelled series appears with its first event
}

// Polls until `series` reaches `expected` (counters move a moment after the reply the test waited for).
double wait_value(int port, const std::string& series, double expected) {
  double v = 0;
  for (int i = 0; i < 100; ++i) {
    v = value(port, series);
    if (v >= expected) return v;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return v;
}

std::unique_ptr<BackofficeHarness> g_office;
std::unique_ptr<HssHarness> g_hss;
std::unique_ptr<MmeHarness> g_mme;
std::unique_ptr<UeHarness> g_ue;

class MetricsEndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    g_office = std::make_unique<BackofficeHarness>(BackofficeOptions{.with_back_office = false, .with_metrics = true});
    ASSERT_TRUE(g_office->make_pki());
    ASSERT_TRUE(g_office->start_keydir()) << g_office->keydir->log();
    HssHarnessConfig hc;
    hc.more_peers = {"prov.test.simbind.lab"};
    hc.metrics_port = free_port();
    const std::string kek = g_office->dir.write("hss-kek.key", g_office->kek_hex + "\n");
    hc.extra_yaml = "binding:\n  prov_identity: prov.test.simbind.lab\n  kek_file: " + kek +
                    "\n  prov_timeout_ms: 4000\n  ida_timeout_ms: 6000\n";
    g_hss = std::make_unique<HssHarness>(hc);
    ASSERT_TRUE(g_hss->start()) << g_hss->process().log();
    ASSERT_TRUE(g_office->start_prov(*g_hss)) << g_office->prov->log();
    ASSERT_TRUE(g_hss->process().wait_for_log("prov.test.simbind.lab", std::chrono::seconds(15)));
    MmeHarnessConfig mc;
    mc.metrics_port = free_port();
    g_mme = std::make_unique<MmeHarness>(*g_hss, mc);
    ASSERT_TRUE(g_mme->start()) << g_mme->process().log();
    g_ue = std::make_unique<UeHarness>(*g_mme, "timers: {t3410_ms: 15000, t3411_ms: 500}\n", free_port());
    ASSERT_TRUE(g_ue->start()) << g_ue->process().log();
  }
  static void TearDownTestSuite() {
    g_ue.reset();
    g_mme.reset();
    g_office->prov.reset();
    g_hss.reset();
    g_office.reset();
  }

  std::string make_device(const std::string& fourteen, const HssHarness::Created& sub, bool register_key) {
    const std::string me = Imei::create(fourteen)->str();
    g_ue->create("ues:\n  - imei: \"" + me + "\"\n    uicc: {imsi: \"" + sub.imsi + "\", k: " + sub.k +
                 ", opc: " + sub.opc + "}\n");
    if (register_key) {
      const auto st = g_office->register_device(me, g_ue->status(me));
      EXPECT_TRUE(st.ok()) << st.error_message();
    }
    return me;
  }
};

TEST_F(MetricsEndToEnd, EveryDaemonIsHealthyAndItsDiameterPeersAreUp) {
  for (int port : {g_hss->metrics_port(), g_mme->metrics_port(), g_ue->metrics_port(), g_office->keydir_metrics,
                   g_office->prov_metrics}) {
    EXPECT_EQ(healthz_status(port), 200) << "port " << port;
    EXPECT_EQ(http_get("127.0.0.1", static_cast<std::uint16_t>(port), "/nothing").status, 404);
  }
  EXPECT_EQ(wait_value(g_mme->metrics_port(), "simbind_mme_diameter_peer_up{peer=\"hss.test.simbind.lab\"}", 1), 1);
  EXPECT_EQ(wait_value(g_hss->metrics_port(), "simbind_hss_diameter_peer_up{peer=\"mme.test.simbind.lab\"}", 1), 1);
  EXPECT_EQ(wait_value(g_hss->metrics_port(), "simbind_hss_diameter_peer_up{peer=\"prov.test.simbind.lab\"}", 1), 1);
  EXPECT_EQ(wait_value(g_office->prov_metrics, "simbind_prov_diameter_peer_up{peer=\"hss.test.simbind.lab\"}", 1), 1);
  EXPECT_EQ(wait_value(g_ue->metrics_port(), "simbind_ue_nas_connected", 1), 1);
  // The exposition names each family before its samples.
  const std::string mme = scrape_metrics(g_mme->metrics_port());
  EXPECT_NE(mme.find("# TYPE simbind_mme_attaches_completed_total counter\n"), std::string::npos) << mme;
  EXPECT_NE(mme.find("# TYPE simbind_mme_diameter_peer_up gauge\n"), std::string::npos) << mme;
}

TEST_F(MetricsEndToEnd, RegularAttachMovesHssMmeAndUeCounters) {
  const int hss = g_hss->metrics_port(), mme = g_mme->metrics_port(), ue = g_ue->metrics_port();
  const std::string air = "simbind_hss_s6a_answers_total{command=\"AIR\",result=\"2001\"}";
  const std::string ulr = "simbind_hss_s6a_answers_total{command=\"ULR\",result=\"2001\"}";
  const std::string regular = "simbind_hss_vectors_issued_total{type=\"regular\"}";
  const std::string mme_aia = "simbind_mme_s6a_answers_total{command=\"AIR\",result=\"2001\"}";
  const std::string requests = "simbind_mme_attach_requests_total";
  const std::string completed = "simbind_mme_attaches_completed_total";
  const std::string attached = "simbind_ue_attaches_total{outcome=\"attached\"}";
  const double air0 = value(hss, air), ulr0 = value(hss, ulr), regular0 = value(hss, regular);
  const double aia0 = value(mme, mme_aia), requests0 = value(mme, requests), completed0 = value(mme, completed);
  const double attached0 = value(ue, attached);

  const auto sub = g_hss->create_subscriber("001010000009001");
  const std::string me = make_device("35693803569001", sub, false);
  const auto r = g_ue->attach(me);
  ASSERT_TRUE(r.success()) << r.failure() << ": " << r.message();

  EXPECT_EQ(wait_value(mme, completed, completed0 + 1), completed0 + 1);
  EXPECT_EQ(value(mme, requests), requests0 + 1);
  EXPECT_EQ(value(mme, mme_aia), aia0 + 1);
  EXPECT_EQ(value(hss, air), air0 + 1);
  EXPECT_EQ(value(hss, ulr), ulr0 + 1);
  EXPECT_EQ(value(hss, regular), regular0 + 1);
  EXPECT_EQ(wait_value(ue, attached, attached0 + 1), attached0 + 1);
  EXPECT_EQ(value(mme, "simbind_mme_attaches_rejected_total"), 0);
}

TEST_F(MetricsEndToEnd, OverTheAirKmeMovesKeydirProvHssAndUeCounters) {
  const int hss = g_hss->metrics_port(), ue = g_ue->metrics_port();
  const int keydir = g_office->keydir_metrics, prov = g_office->prov_metrics;
  const std::string registered = "simbind_keydir_registrations_total{status=\"OK\"}";
  const std::string looked_up = "simbind_keydir_lookups_total{status=\"OK\"}";
  const std::string kea = "simbind_prov_kme_establishments_total{result=\"2001\"}";
  const std::string found = "simbind_prov_keydir_lookups_total{result=\"found\"}";
  const std::string established = "simbind_hss_binding_outcomes_total{outcome=\"established\",reason=\"over-the-air\"}";
  const std::string pre = "simbind_hss_vectors_issued_total{type=\"pre-processed\"}";
  const std::string stored = "simbind_ue_kmes_received_total{result=\"stored\"}";
  const std::string without_pdn = "simbind_mme_attaches_without_pdn_total";
  const double registered0 = value(keydir, registered), looked_up0 = value(keydir, looked_up);
  const double kea0 = value(prov, kea), found0 = value(prov, found);
  const double established0 = value(hss, established), pre0 = value(hss, pre), stored0 = value(ue, stored);
  const double without_pdn0 = value(g_mme->metrics_port(), without_pdn);

  const auto sub = g_hss->create_subscriber("001010000009002", true);
  const std::string me = make_device("35693803569002", sub, true);
  const auto first = g_ue->attach(me);
  EXPECT_TRUE(first.registered_without_pdn()) << first.failure() << ": " << first.message();

  EXPECT_EQ(value(keydir, registered), registered0 + 1);
  EXPECT_EQ(value(keydir, looked_up), looked_up0 + 1);
  EXPECT_EQ(value(prov, found), found0 + 1);
  EXPECT_EQ(value(prov, kea), kea0 + 1);
  EXPECT_EQ(value(hss, established), established0 + 1);
  EXPECT_EQ(wait_value(ue, stored, stored0 + 1), stored0 + 1);
  EXPECT_EQ(wait_value(g_mme->metrics_port(), without_pdn, without_pdn0 + 1), without_pdn0 + 1);
  // The network detaches with "re-attach required"; the re-attach gets a pre-processed vector.
  EXPECT_GE(wait_value(hss, pre, pre0 + 1), pre0 + 1);
}

TEST_F(MetricsEndToEnd, APortInUseIsAStartupErrorNamingTheAddress) {
  HssHarnessConfig hc;
  hc.metrics_port = g_mme->metrics_port();  // taken
  HssHarness second(hc);
  EXPECT_FALSE(second.start());
  EXPECT_NE(second.process().log().find("metrics.listen: cannot listen on 127.0.0.1:" +
                                        std::to_string(g_mme->metrics_port())),
            std::string::npos)
      << second.process().log();

  std::string printed;
  ASSERT_EQ(run_command(daemon_path("services/mme/simbind-mme") + " --config " + g_mme->config_path() +
                            " --print-config",
                        &printed),
            0);
  EXPECT_NE(printed.find("metrics:\n  listen: 127.0.0.1:" + std::to_string(g_mme->metrics_port()) + "\n"),
            std::string::npos)
      << printed;
}

}  // namespace
}  // namespace simbind::test
