// simbind-s6a-bench: keeps W AIRs outstanding against one Diameter node (simbind-hss, or the fixed-answer node)
// for a while and reports answers/s and p50/p99 latency. It is a Diameter client process with its own
// freeDiameter stack (one per process), connecting to the node under test on loopback.
//
//   simbind-s6a-bench --peer hss.simbind.lab --port 3868 --imsi-base 001010000000001 --imsis 100
//                     --window 64 --seconds 10 [--binding] [--json]
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <thread>
#include <vector>

#include "common/diameter/dictionary.h"
#include "common/diameter/exchange.h"
#include "common/diameter/s6a_codec.h"
#include "common/diameter/stack.h"
#include "common/log/log.h"
#include "common/util/identifiers.h"
#include "common/util/signals.h"

using namespace simbind;
using namespace simbind::diameter;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string identity = "bench.simbind.lab";
  std::string realm = "simbind.lab";
  std::string peer = "hss.simbind.lab";
  int port = 3868;
  std::uint64_t imsi_base = 1010000000001;  // 001010000000001 without its leading zeros
  unsigned imsis = 100;
  unsigned window = 16;
  double seconds = 10;
  double warmup = 2;
  bool binding = false;
  bool json = false;
  std::string procedure = "air";  // or "ulr"
  std::uint64_t count = 0;        // stop after this many answers (0 = run for --seconds)
  int connect_timeout = 30;
  TlsConfig tls;
};

class Load {
 public:
  Load(const Options& o) : o_(o) {}

  void run() {
    start_ = Clock::now();
    measure_from_ = start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o_.warmup));
    stop_at_ = measure_from_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o_.seconds));
    for (unsigned i = 0; i < o_.window; ++i) send_one();
    while (Clock::now() < stop_at_ && !(o_.count && answered_ >= o_.count)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stopping_ = true;
    // Let the outstanding requests come back (or time out) before the stack goes away.
    const auto drain_deadline = Clock::now() + std::chrono::seconds(10);
    while (outstanding_ > 0 && Clock::now() < drain_deadline) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  void report(std::ostream& out) {
    std::lock_guard lock(mutex_);
    std::sort(latencies_us_.begin(), latencies_us_.end());
    auto pct = [this](double p) -> double {
      if (latencies_us_.empty()) return 0;
      return latencies_us_[std::min(latencies_us_.size() - 1, static_cast<std::size_t>(p * latencies_us_.size()))];
    };
    // --count: the rate over the time the answers took (first request to last successful answer).
    const double seconds =
        o_.count ? std::chrono::duration<double>(std::max(last_answer_, start_) - start_).count() : o_.seconds;
    const double rate = seconds > 0 ? static_cast<double>(latencies_us_.size()) / seconds : 0.0;
    if (o_.json) {
      out << "{\"window\":" << o_.window << ",\"seconds\":" << seconds << ",\"answers\":" << latencies_us_.size()
          << ",\"answers_per_s\":" << rate << ",\"p50_us\":" << pct(0.50) << ",\"p99_us\":" << pct(0.99)
          << ",\"errors\":" << errors_ << ",\"failures\":" << failures_ << "}\n";
    } else {
      out << "window " << o_.window << ": " << latencies_us_.size() << " answers in " << seconds << " s = " << rate
          << " answers/s, p50 " << pct(0.50) << " us, p99 " << pct(0.99) << " us, " << errors_
          << " transport errors, " << failures_ << " non-success answers\n";
    }
  }

  bool ok() const { return errors_ == 0 && failures_ == 0 && !latencies_us_.empty(); }

 private:
  Message next_request() {
    const std::uint64_t n = next_.fetch_add(1) % o_.imsis;
    std::vector<SupportedFeatures> features;
    if (o_.binding) features.push_back({kDefaultBindingVendor, kBindingFeatureListId, kBindingFeatureBit});
    if (o_.procedure == "ulr") {
      UpdateLocationRequest r;
      r.user_name = pad_imsi(o_.imsi_base + n);
      r.visited_plmn = Plmn::create("001", "01")->encode();
      r.supported_features = features;
      return encode_ulr(r, o_.realm);
    }
    AuthInfoRequest r;
    r.user_name = pad_imsi(o_.imsi_base + n);
    r.visited_plmn = Plmn::create("001", "01")->encode();
    r.supported_features = features;
    return encode_air(r, o_.realm, kDefaultBindingVendor);
  }

  void send_one() {
    if (stopping_ || (o_.count && sent_ >= o_.count)) return;
    ++sent_;
    const auto sent_at = Clock::now();
    ++outstanding_;
    auto sent = send_request(next_request(), std::chrono::seconds(5),
                             [this, sent_at](Result<Message> answer) { on_answer(sent_at, std::move(answer)); });
    if (!sent) {
      --outstanding_;
      ++errors_;
    }
  }

  void on_answer(Clock::time_point sent_at, Result<Message> answer) {
    const auto now = Clock::now();
    ++answered_;
    if (!answer) {
      ++errors_;
    } else if (o_.count || (sent_at >= measure_from_ && now <= stop_at_)) {
      const auto outcome = answer->outcome();
      if (!outcome || !outcome->success()) {
        ++failures_;
      } else {
        std::lock_guard lock(mutex_);
        latencies_us_.push_back(std::chrono::duration<double, std::micro>(now - sent_at).count());
        last_answer_ = std::max(last_answer_, now);
      }
    }
    --outstanding_;
    send_one();
  }

  static std::string pad_imsi(std::uint64_t v) {
    std::string s = std::to_string(v);
    return std::string(15 - std::min<std::size_t>(15, s.size()), '0') + s;
  }

  const Options o_;
  Clock::time_point start_, measure_from_, stop_at_;
  Clock::time_point last_answer_{};  // with --count, the run lasts from start_ to here (guarded by mutex_)
  std::atomic<bool> stopping_{false};
  std::atomic<int> outstanding_{0};
  std::atomic<std::uint64_t> next_{0}, sent_{0}, answered_{0};
  std::atomic<std::uint64_t> errors_{0}, failures_{0};
  std::mutex mutex_;
  std::vector<double> latencies_us_;
};

int any_free_port() {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len);
  close(s);
  return ntohs(addr.sin_port);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"simbind-s6a-bench: AIR load against one S6a node"};
  app.add_option("--identity", o.identity, "our Diameter identity");
  app.add_option("--realm", o.realm, "Diameter realm");
  app.add_option("--peer", o.peer, "identity of the node under test")->required();
  app.add_option("--port", o.port, "its port on 127.0.0.1")->required();
  std::string imsi_base = "001010000000001";
  app.add_option("--imsi-base", imsi_base, "first IMSI (15 digits)")->check([](const std::string& v) {
    return v.size() == 15 && v.find_first_not_of("0123456789") == std::string::npos ? "" : "must be 15 digits";
  });
  app.add_option("--imsis", o.imsis, "number of consecutive IMSIs to cycle through")->check(CLI::Range(1u, 10'000'000u));
  app.add_option("--window", o.window, "outstanding requests")->check(CLI::Range(1u, 4096u));
  app.add_option("--seconds", o.seconds, "measured duration");
  app.add_option("--warmup", o.warmup, "unmeasured start");
  app.add_option("--connect-timeout", o.connect_timeout, "seconds to wait for the peer");
  app.add_flag("--binding", o.binding, "advertise the ME-binding feature");
  app.add_option("--procedure", o.procedure, "air or ulr")->check(CLI::IsMember({"air", "ulr"}));
  app.add_option("--count", o.count, "stop after this many answers (no warm-up)");
  app.add_flag("--json", o.json, "one JSON line");
  app.add_option("--tls-cert", o.tls.cert_file, "TLS certificate (PEM); with --tls-key and --tls-ca");
  app.add_option("--tls-key", o.tls.key_file, "TLS private key (PEM)");
  app.add_option("--tls-ca", o.tls.ca_file, "CA certificate that signs the peer (PEM)");
  CLI11_PARSE(app, argc, argv);
  o.imsi_base = std::stoull(imsi_base, nullptr, 10);

  log::init("simbind-s6a-bench", spdlog::level::warn);
  block_termination_signals();
  StackConfig sc;
  sc.identity = o.identity;
  sc.realm = o.realm;
  sc.port = static_cast<std::uint16_t>(any_free_port());  // freeDiameter always listens; we only connect out
  sc.tc_timer_s = 1;
  sc.tls = o.tls;
  sc.peers.push_back(PeerConfig{o.peer, "127.0.0.1", static_cast<std::uint16_t>(o.port)});
  auto stack = DiameterStack::start(sc, setup_s6a_node);
  if (!stack) {
    std::cerr << "simbind-s6a-bench: " << stack.error().message << "\n";
    return 1;
  }
  if (!(*stack)->wait_peer_open(o.peer, std::chrono::seconds(o.connect_timeout))) {
    std::cerr << "simbind-s6a-bench: " << o.peer << " is not open after " << o.connect_timeout
              << " s (refused, or not running)\n";
    return 3;
  }
  if (o.count) o.warmup = 0;
  Load load(o);
  load.run();
  load.report(std::cout);
  return load.ok() ? 0 : 1;
}
