#include "common/metrics/registry.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>
#include <vector>

#include "common/config/config_reader.h"
#include "common/metrics/metrics_config.h"
#include "common/metrics/text_format.h"

namespace simbind::metrics {
namespace {

TEST(MetricsRegistry, RendersExactTextFormat) {
  Registry r("mme");
  auto& attaches = r.counter("attaches_completed", "Attaches completed (ATTACH COMPLETE received).");
  auto& rejects = r.counter("attach_rejects", "ATTACH REJECTs sent, by EMM cause.", {"cause"});
  auto& ues = r.gauge("ues", "UE contexts held.");
  attaches.series().inc();
  attaches.series().inc(2);
  rejects.inc({"17"});
  rejects.inc({"3"}, 4);
  ues.series().set(-2);
  const std::string expected =
      "# HELP simbind_mme_attaches_completed_total Attaches completed (ATTACH COMPLETE received).\n"
      "# TYPE simbind_mme_attaches_completed_total counter\n"
      "simbind_mme_attaches_completed_total 3\n"
      "# HELP simbind_mme_attach_rejects_total ATTACH REJECTs sent, by EMM cause.\n"
      "# TYPE simbind_mme_attach_rejects_total counter\n"
      "simbind_mme_attach_rejects_total{cause=\"17\"} 1\n"
      "simbind_mme_attach_rejects_total{cause=\"3\"} 4\n"
      "# HELP simbind_mme_ues UE contexts held.\n"
      "# TYPE simbind_mme_ues gauge\n"
      "simbind_mme_ues -2\n";
  EXPECT_EQ(r.render(), expected);
}

TEST(MetricsRegistry, EscapesLabelValuesAndHelp) {
  Registry r("hss");
  auto& f = r.counter("odd_total", "help with \\ and\nnewline", {"reason", "peer"});
  f.inc({"say \"no\"", "a\\b\nc"});
  const std::string out = r.render();
  EXPECT_NE(out.find("# HELP simbind_hss_odd_total help with \\\\ and\\nnewline\n"), std::string::npos) << out;
  // A name that already ends in _total does not get a second one.
  EXPECT_NE(out.find("simbind_hss_odd_total{reason=\"say \\\"no\\\"\",peer=\"a\\\\b\\nc\"} 1\n"), std::string::npos)
      << out;
  EXPECT_EQ(escape_label_value("plain"), "plain");
  EXPECT_EQ(format_value(0), "0");
  EXPECT_EQ(format_value(12345678901.0), "12345678901");
  EXPECT_EQ(format_value(0.5), "0.5");
}

TEST(MetricsRegistry, RejectsMalformedNamesAndLabelCounts) {
  Registry r("ue");
  EXPECT_THROW(r.counter("bad-name", "x"), std::logic_error);
  EXPECT_THROW(r.counter("ok", "x", {"__reserved"}), std::logic_error);
  auto& f = r.counter("by_result", "x", {"result"});
  EXPECT_THROW(f.inc({}), std::logic_error);
  EXPECT_THROW(f.inc({"a", "b"}), std::logic_error);
  EXPECT_EQ(&r.counter("by_result", "x", {"result"}), &f);  // same name: same family
  EXPECT_THROW(r.gauge("by_result", "x"), std::logic_error);
}

TEST(MetricsRegistry, ExposedAndCallbackFamiliesGoWithTheirHandle) {
  Registry r("prov");
  CounterFamily owned_elsewhere("lookups", "Key directory lookups.", {"result"});
  owned_elsewhere.inc({"found"});
  int calls = 0;
  {
    Exposure a = r.expose(owned_elsewhere);
    Exposure b = r.callback(MetricType::gauge, "diameter_peer_up", "Peer open.", {"peer"}, [&calls] {
      ++calls;
      return std::vector<Sample>{{{"hss.simbind.lab"}, 1}, {{"wrong", "count"}, 1}};
    });
    const std::string out = r.render();
    EXPECT_NE(out.find("simbind_prov_lookups_total{result=\"found\"} 1\n"), std::string::npos) << out;
    EXPECT_NE(out.find("simbind_prov_diameter_peer_up{peer=\"hss.simbind.lab\"} 1\n"), std::string::npos) << out;
    EXPECT_EQ(out.find("wrong"), std::string::npos) << "a sample with the wrong label count is left out";
    EXPECT_EQ(calls, 1);
    Exposure moved = std::move(b);
    EXPECT_NE(r.render().find("diameter_peer_up"), std::string::npos);
    EXPECT_EQ(calls, 2);
  }
  EXPECT_EQ(r.render(), "");
  EXPECT_EQ(calls, 2);
}

TEST(MetricsRegistry, ConcurrentIncrementsAreAllCounted) {
  Registry r("mme");
  auto& plain = r.counter("events", "Events.");
  auto& labelled = r.counter("answers", "Answers.", {"result"});
  const Counter hot = plain.series();
  constexpr int kThreads = 4;
  constexpr int kPerThread = 100000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        hot.inc();
        labelled.inc({i % 2 ? "2001" : std::to_string(5000 + t)});
        if (i % 1000 == 0) (void)r.render();  // scrapes while counting
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(hot.value(), static_cast<std::uint64_t>(kThreads) * kPerThread);
  EXPECT_EQ(labelled.value({"2001"}), static_cast<std::uint64_t>(kThreads) * kPerThread / 2);
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(labelled.value({std::to_string(5000 + t)}), kPerThread / 2u);
}

MetricsConfig read(const std::string& yaml, std::string* error = nullptr) {
  auto reader = config::ConfigReader::load_string(yaml, "test.yaml");
  EXPECT_TRUE(reader.has_value());
  const auto c = read_metrics_config(reader->root());
  auto done = reader->finish();
  if (error) *error = done ? "" : done.error().message;
  return c;
}

TEST(MetricsConfigTest, ListenIsOptionalAndValidated) {
  EXPECT_FALSE(read("log_level: info\n").enabled());
  const auto c = read("metrics:\n  listen: 0.0.0.0:9100\n");
  EXPECT_TRUE(c.enabled());
  EXPECT_EQ(c.host, "0.0.0.0");
  EXPECT_EQ(c.port, 9100);
  EXPECT_EQ(read("metrics:\n  listen: \"[::1]:9101\"\n").host, "::1");
  for (const char* bad : {"metrics:\n  listen: nohost\n", "metrics:\n  listen: 127.0.0.1:70000\n",
                          "metrics:\n  listen: :9100\n", "metrics:\n  lisen: 127.0.0.1:9100\n"}) {
    std::string error;
    read(bad, &error);
    EXPECT_NE(error.find("test.yaml: metrics.lis"), std::string::npos) << bad << " -> " << error;
  }
}

}  // namespace
}  // namespace simbind::metrics
