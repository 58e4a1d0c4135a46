// The counters the page shows, picked from a daemon's /metrics text.
#include "services/console/counters.h"

#include <gtest/gtest.h>

namespace simbind::console {
namespace {

TEST(Counters, when_metrics_text_is_read_then_only_the_shown_series_come_out_with_their_labels) {
  const std::string text =
      "# HELP simbind_mme_attaches_completed_total Attaches completed\n"
      "# TYPE simbind_mme_attaches_completed_total counter\n"
      "simbind_mme_attaches_completed_total 12\n"
      "simbind_mme_nas_frames_in_total 900\n"
      "simbind_hss_vectors_issued_total{type=\"regular\"} 3\n"
      "simbind_mme_attaches_rejected_total 2 1700000000000\n"
      "simbind_mme_mac_failures_reported_total{x=\"1\"} not-a-number\n"
      "simbind_mme_detaches_total{broken 1\n";
  const auto values = pick_counters("mme", text);
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[0].name, "attaches_completed");
  EXPECT_EQ(values[0].value, 12);
  EXPECT_EQ(values[1].name, "attaches_rejected");
  EXPECT_EQ(values[1].value, 2) << "a timestamp after the value is not the value";
  const auto hss = pick_counters("hss", text);
  ASSERT_EQ(hss.size(), 1u);
  EXPECT_EQ(hss[0].labels, "type=\"regular\"");
  EXPECT_EQ(hss[0].value, 3);
}

}  // namespace
}  // namespace simbind::console
