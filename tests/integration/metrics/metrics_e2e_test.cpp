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
#include "tests/integration/support/five_daemons.h"

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

struct MetricsEndToEndDaemons {
  // Every daemon with metrics.listen; prov without the back office.
  static FiveDaemonOptions options() { return FiveDaemonOptions{.with_back_office = false, .with_metrics = true}; }
};
class MetricsEndToEnd : public FiveDaemonSuite<MetricsEndToEndDaemons> {};

TEST_F(MetricsEndToEnd, EveryDaemonIsHealthyAndItsDiameterPeersAreUp) {
  for (int port : {hss().metrics_port(), mme().metrics_port(), ue().metrics_port(), office().keydir_metrics,
                   office().prov_metrics}) {
    EXPECT_EQ(healthz_status(port), 200) << "port " << port;
    EXPECT_EQ(http_get("127.0.0.1", static_cast<std::uint16_t>(port), "/nothing").status, 404);
  }
  EXPECT_EQ(wait_value(mme().metrics_port(), "simbind_mme_diameter_peer_up{peer=\"hss.test.simbind.lab\"}", 1), 1);
  EXPECT_EQ(wait_value(hss().metrics_port(), "simbind_hss_diameter_peer_up{peer=\"mme.test.simbind.lab\"}", 1), 1);
  EXPECT_EQ(wait_value(hss().metrics_port(), "simbind_hss_diameter_peer_up{peer=\"prov.test.simbind.lab\"}", 1), 1);
  EXPECT_EQ(wait_value(office().prov_metrics, "simbind_prov_diameter_peer_up{peer=\"hss.test.simbind.lab\"}", 1), 1);
  EXPECT_EQ(wait_value(ue().metrics_port(), "simbind_ue_nas_connected", 1), 1);
  // The exposition names each family before its samples.
  const std::string exposition = scrape_metrics(mme().metrics_port());
  EXPECT_NE(exposition.find("# TYPE simbind_mme_attaches_completed_total counter\n"), std::string::npos) << exposition;
  EXPECT_NE(exposition.find("# TYPE simbind_mme_diameter_peer_up gauge\n"), std::string::npos) << exposition;
}

TEST_F(MetricsEndToEnd, RegularAttachMovesHssMmeAndUeCounters) {
  const int hss_port = hss().metrics_port(), mme_port = mme().metrics_port(), ue_port = ue().metrics_port();
  const std::string air = "simbind_hss_s6a_answers_total{command=\"AIR\",result=\"2001\"}";
  const std::string ulr = "simbind_hss_s6a_answers_total{command=\"ULR\",result=\"2001\"}";
  const std::string regular = "simbind_hss_vectors_issued_total{type=\"regular\"}";
  const std::string mme_aia = "simbind_mme_s6a_answers_total{command=\"AIR\",result=\"2001\"}";
  const std::string requests = "simbind_mme_attach_requests_total";
  const std::string completed = "simbind_mme_attaches_completed_total";
  const std::string attached = "simbind_ue_attaches_total{outcome=\"attached\"}";
  const double air0 = value(hss_port, air), ulr0 = value(hss_port, ulr), regular0 = value(hss_port, regular);
  const double aia0 = value(mme_port, mme_aia), requests0 = value(mme_port, requests);
  const double completed0 = value(mme_port, completed);
  const double attached0 = value(ue_port, attached);

  const auto sub = hss().create_subscriber("001010000009001");
  const std::string me = five().make_device("35693803569001", &sub, false);
  const auto r = ue().attach(me);
  ASSERT_TRUE(r.success()) << r.failure() << ": " << r.message();

  EXPECT_EQ(wait_value(mme_port, completed, completed0 + 1), completed0 + 1);
  EXPECT_EQ(value(mme_port, requests), requests0 + 1);
  EXPECT_EQ(value(mme_port, mme_aia), aia0 + 1);
  EXPECT_EQ(value(hss_port, air), air0 + 1);
  EXPECT_EQ(value(hss_port, ulr), ulr0 + 1);
  EXPECT_EQ(value(hss_port, regular), regular0 + 1);
  EXPECT_EQ(wait_value(ue_port, attached, attached0 + 1), attached0 + 1);
  EXPECT_EQ(value(mme_port, "simbind_mme_attaches_rejected_total"), 0);
}

TEST_F(MetricsEndToEnd, OverTheAirKmeMovesKeydirProvHssAndUeCounters) {
  const int hss_port = hss().metrics_port(), ue_port = ue().metrics_port();
  const int keydir = office().keydir_metrics, prov = office().prov_metrics;
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
  const double established0 = value(hss_port, established), pre0 = value(hss_port, pre);
  const double stored0 = value(ue_port, stored);
  const double without_pdn0 = value(mme().metrics_port(), without_pdn);

  const auto sub = hss().create_subscriber("001010000009002", true);
  const std::string me = five().make_device("35693803569002", &sub, true);
  const auto first = ue().attach(me);
  EXPECT_TRUE(first.registered_without_pdn()) << first.failure() << ": " << first.message();

  EXPECT_EQ(value(keydir, registered), registered0 + 1);
  EXPECT_EQ(value(keydir, looked_up), looked_up0 + 1);
  EXPECT_EQ(value(prov, found), found0 + 1);
  EXPECT_EQ(value(prov, kea), kea0 + 1);
  EXPECT_EQ(value(hss_port, established), established0 + 1);
  EXPECT_EQ(wait_value(ue_port, stored, stored0 + 1), stored0 + 1);
  EXPECT_EQ(wait_value(mme().metrics_port(), without_pdn, without_pdn0 + 1), without_pdn0 + 1);
  // The network detaches with "re-attach required"; the re-attach gets a pre-processed vector.
  EXPECT_GE(wait_value(hss_port, pre, pre0 + 1), pre0 + 1);
}

TEST_F(MetricsEndToEnd, APortInUseIsAStartupErrorNamingTheAddress) {
  HssHarnessConfig hc;
  hc.metrics_port = mme().metrics_port();  // taken
  HssHarness second(hc);
  EXPECT_FALSE(second.start());
  EXPECT_NE(second.process().log().find("metrics.listen: cannot listen on 127.0.0.1:" +
                                        std::to_string(mme().metrics_port())),
            std::string::npos)
      << second.process().log();

  std::string printed;
  ASSERT_EQ(run_command(daemon_path("services/mme/simbind-mme") + " --config " + mme().config_path() +
                            " --print-config",
                        &printed),
            0);
  EXPECT_NE(printed.find("metrics:\n  listen: 127.0.0.1:" + std::to_string(mme().metrics_port()) + "\n"),
            std::string::npos)
      << printed;
}

}  // namespace
}  // namespace simbind::test
