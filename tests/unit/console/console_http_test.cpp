// simbind-console's web server on a real socket: the admin token (header and sign-in cookie), the header every
// action needs, hostile bodies, daemons that do not answer, HTTPS, and the live feed as server-sent events with
// its resume point. The daemons are absent here (an address nothing listens on); the browser test
// (tests/console) drives the page against the real ones.
#include "services/console/console_http.h"

#include <gtest/gtest.h>
#include <grpcpp/grpcpp.h>
#include <httplib.h>
#include <atomic>
#include <filesystem>
#include <fstream>

#include "tests/unit/console/test_backends.h"
#include "tests/unit/support/test_certificate.h"

namespace simbind::console {
namespace {

const std::string kToken(64, 'a');

// A self-signed certificate for 127.0.0.1 and its key, written as PEM files in `dir`.
void write_certificate(const std::string& dir) {
  const auto c = test::self_signed_certificate({{"CN", "127.0.0.1"}});
  std::ofstream(dir + "/c.crt") << c.cert_pem;
  std::ofstream(dir + "/c.key") << c.key_pem;
}

class ConsoleHttpTest : public ::testing::Test {
 protected:
  void start(bool https, bool with_token = true) {
    dir_ = std::filesystem::temp_directory_path() / ("console-http-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    config_.http.listen = "127.0.0.1:8088";
    if (https) {
      write_certificate(dir_.string());
      config_.http.tls_cert = (dir_ / "c.crt").string();
      config_.http.tls_key = (dir_ / "c.key").string();
    }
    if (with_token) secrets_.token = kToken;
    backends_ = test::backends_with_hss_at();  // no daemon answers
    feed_ = std::make_unique<EventFeed>(backends_, std::chrono::milliseconds(100));
    actions_ = std::make_unique<LabActions>(backends_, "00101", std::nullopt);
    auto http = ConsoleHttp::start(config_, secrets_, backends_, *feed_, *actions_, counters_, true);
    ASSERT_TRUE(http.has_value()) << http.error().message;
    http_ = std::move(*http);
  }
  void TearDown() override {
    http_.reset();
    actions_.reset();
    feed_.reset();
    std::filesystem::remove_all(dir_);
  }
  httplib::Client client() {
    httplib::Client c("127.0.0.1", http_->port());
    c.set_read_timeout(5, 0);
    return c;
  }
  httplib::Headers auth() const { return {{"Authorization", "Bearer " + kToken}}; }
  httplib::Headers action_headers() const {
    return {{"Authorization", "Bearer " + kToken}, {"X-Simbind-Console", "1"}};
  }

  std::filesystem::path dir_;
  ConsoleConfig config_;
  ConsoleSecrets secrets_;
  ConsoleCounters counters_;
  Backends backends_;
  std::unique_ptr<EventFeed> feed_;
  std::unique_ptr<LabActions> actions_;
  std::unique_ptr<ConsoleHttp> http_;
};

TEST_F(ConsoleHttpTest, when_a_token_is_configured_then_only_its_bearer_or_its_cookie_gets_in) {
  start(false);
  auto c = client();
  auto r = c.Get("/api/overview");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  r = c.Get("/api/overview", httplib::Headers{{"Authorization", "Bearer " + std::string(64, 'b')}});
  EXPECT_EQ(r->status, 401);
  r = c.Get("/api/overview", httplib::Headers{{"Authorization", "Bearer " + kToken.substr(1)}});
  EXPECT_EQ(r->status, 401) << "a prefix of the token is not the token";
  r = c.Get("/api/overview", auth());
  ASSERT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("\"ue_stream\":false"), std::string::npos) << r->body;

  r = c.Get("/");
  EXPECT_EQ(r->status, 303);
  EXPECT_EQ(r->get_header_value("Location"), "/login");
  r = c.Post("/login", "token=" + std::string(64, 'c'), "application/x-www-form-urlencoded");
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->get_header_value("Set-Cookie"), "");
  r = c.Post("/login", "token=" + kToken, "application/x-www-form-urlencoded");
  ASSERT_EQ(r->status, 303);
  const std::string cookie = r->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  r = c.Get("/", httplib::Headers{{"Cookie", "other=1; " + cookie.substr(0, cookie.find(';'))}});
  ASSERT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("simbind console"), std::string::npos);
  EXPECT_NE(r->get_header_value("Content-Security-Policy").find("default-src 'self'"), std::string::npos);
}

TEST_F(ConsoleHttpTest, when_there_is_no_token_then_only_requests_naming_a_loopback_host_are_served) {
  start(false, false);
  auto c = client();
  auto r = c.Get("/api/overview");  // httplib sends Host: 127.0.0.1:PORT
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  for (const char* host : {"localhost:8088", "[::1]:8088", "127.0.0.1"}) {
    EXPECT_EQ(c.Get("/api/overview", httplib::Headers{{"Host", host}})->status, 200) << host;
  }
  for (const char* host : {"attacker.example:8088", "127.0.0.1.attacker.example", "localhost.attacker.example"}) {
    r = c.Post("/api/actions/detach", httplib::Headers{{"Host", host}, {"X-Simbind-Console", "1"}},
               "{\"imei\":\"356938040000001\"}", "application/json");
    EXPECT_EQ(r->status, 403) << host << " (a DNS-rebound page)";
  }
  EXPECT_EQ(counters_.actions.value({"detach", "refused"}), 0u) << "nothing ran";
}

TEST_F(ConsoleHttpTest, when_the_page_asks_for_its_files_then_they_come_from_the_binary) {
  start(false);
  auto c = client();
  auto r = c.Get("/app.js", auth());
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_NE(r->body.find("async function scenario"), std::string::npos);
  r = c.Get("/style.css");  // the sign-in page needs it before the token
  EXPECT_EQ(r->status, 200);
  r = c.Get("/etc/passwd", auth());
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->body.find("no such page"), std::string::npos);
}

TEST_F(ConsoleHttpTest, when_an_action_lacks_the_console_header_or_a_sane_body_then_it_is_refused_and_nothing_runs) {
  start(false);
  auto c = client();
  auto r = c.Post("/api/actions/detach", auth(), "{\"imei\":\"356938040000001\"}", "application/json");
  EXPECT_EQ(r->status, 403) << "a foreign page's form post has no X-Simbind-Console";
  r = c.Post("/api/actions/detach", action_headers(), "[1,2]", "application/json");
  EXPECT_EQ(r->status, 400);
  r = c.Post("/api/actions/detach", action_headers(), "{\"imei\":", "application/json");
  EXPECT_EQ(r->status, 400);
  r = c.Post("/api/actions/detach", action_headers(), "{\"imei\": 5}", "application/json");
  ASSERT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("'imei' is required"), std::string::npos) << r->body;
  r = c.Post("/api/actions/launch-missiles", action_headers(), "{}", "application/json");
  EXPECT_NE(r->body.find("no action 'launch-missiles'"), std::string::npos) << r->body;
  EXPECT_EQ(counters_.actions.value({"unknown", "refused"}), 1u) << "a made-up name does not become a label";
  EXPECT_EQ(counters_.actions.value({"detach", "refused"}), 1u) << "only the one that got past the checks";
  r = c.Post("/api/actions/new-device", action_headers(), "{\"binding\":\"sometimes\"}", "application/json");
  EXPECT_NE(r->body.find("binding: required or off"), std::string::npos) << r->body;
  r = c.Post("/api/actions/factory-kme", action_headers(), "{\"imsi\":\"001010000000001\",\"imei\":\"35693804000000\"}",
             "application/json");
  EXPECT_NE(r->body.find("no lab.transfer_key_file"), std::string::npos) << r->body;
  r = c.Post("/api/actions/detach", action_headers(), std::string(200 * 1024, ' '), "application/json");
  EXPECT_EQ(r->status, 413);
}

TEST_F(ConsoleHttpTest, when_the_daemons_do_not_answer_then_the_api_says_which_and_the_console_keeps_serving) {
  start(false);
  auto c = client();
  auto r = c.Get("/api/subscribers?offset=x&limit=99999999999", auth());
  ASSERT_EQ(r->status, 502);
  EXPECT_NE(r->body.find("simbind-hss: UNAVAILABLE"), std::string::npos) << r->body;
  r = c.Get("/api/ues", auth());
  ASSERT_EQ(r->status, 502);
  EXPECT_NE(r->body.find("simbind-ue: UNAVAILABLE"), std::string::npos) << r->body;
  r = c.Post("/api/actions/attach", action_headers(), "{\"imei\":\"356938040000001\"}", "application/json");
  ASSERT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("\"ok\":false"), std::string::npos);
  EXPECT_NE(r->body.find("simbind-ue Attach: UNAVAILABLE"), std::string::npos) << r->body;
  r = c.Get("/api/overview", auth());
  EXPECT_EQ(r->status, 200);
  config_.counters = {{"mme", "127.0.0.1:1"}};  // read per request: nothing listens there
  r = c.Get("/api/counters", auth());
  ASSERT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("\"missing\":[\"mme\"]"), std::string::npos) << r->body;
}

// Reads the event stream until `want` steps (by "id: ") have arrived, or 5 s.
std::vector<std::string> read_events(httplib::Client& c, const httplib::Headers& headers, const std::string& path,
                                     std::size_t want) {
  std::vector<std::string> ids;
  std::string buffer;
  c.Get(path, headers, [&](const char* data, std::size_t n) {
    buffer.append(data, n);
    std::size_t at;
    while ((at = buffer.find("\n\n")) != std::string::npos) {
      const std::string event = buffer.substr(0, at);
      buffer.erase(0, at + 2);
      if (event.rfind("id: ", 0) == 0) ids.push_back(event);
    }
    return ids.size() < want;
  });
  return ids;
}

TEST_F(ConsoleHttpTest, when_steps_happen_then_the_event_stream_delivers_them_and_resumes_after_the_last_id) {
  start(false);
  LadderStep step{1000, 1, "356938040000001", "001019000000001", "UE", "MME", "ATTACH REQUEST", ""};
  feed_->push({step});
  step.text = "bytes that are not UTF-8: \xff\xfe";
  feed_->push({step});
  auto c = client();
  auto headers = auth();
  const auto events = read_events(c, headers, "/api/events?after=0", 2);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].substr(0, 6), "id: 1\n");
  EXPECT_NE(events[0].find("\"text\":\"ATTACH REQUEST\""), std::string::npos) << events[0];
  EXPECT_NE(events[1].find("not UTF-8: \xef\xbf\xbd"), std::string::npos) << "replaced, not a broken stream";

  std::thread later([this, step]() mutable {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    step.text = "third";
    feed_->push({step});
  });
  headers.emplace("Last-Event-ID", "2");
  const auto resumed = read_events(c, headers, "/api/events", 1);
  later.join();
  ASSERT_EQ(resumed.size(), 1u);
  EXPECT_EQ(resumed[0].substr(0, 6), "id: 3\n");
  EXPECT_NE(resumed[0].find("third"), std::string::npos);

  const auto ladder = c.Get("/api/ladder?imsi=001019000000001", auth());
  ASSERT_EQ(ladder->status, 200);
  EXPECT_NE(ladder->body.find("third"), std::string::npos);
  EXPECT_EQ(c.Get("/api/ladder?imsi=001019999999999", auth())->body.find("third"), std::string::npos);
}

TEST_F(ConsoleHttpTest, when_sixteen_pages_listen_then_a_seventeenth_is_told_so_and_the_rest_keeps_working) {
  start(false);
  std::atomic<bool> done{false};
  std::vector<std::thread> pages;
  for (int i = 0; i < 16; ++i) {
    pages.emplace_back([this, &done] {
      auto c = client();
      c.Get("/api/events", auth(), [&](const char*, std::size_t) { return !done.load(); });
    });
  }
  for (int i = 0; i < 500 && counters_.event_streams.series().value() < 16; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(counters_.event_streams.series().value(), 16);
  auto c = client();
  auto r = c.Get("/api/events", auth());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_NE(r->body.find("too many open pages"), std::string::npos);
  EXPECT_EQ(c.Get("/api/overview", auth())->status, 200) << "the other requests still have threads";
  done = true;
  for (auto& p : pages) p.join();  // each stream writes at least once a second, and stops on the next write
  for (int i = 0; i < 300 && counters_.event_streams.series().value() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(counters_.event_streams.series().value(), 0) << "closed pages give their place back";
}

TEST_F(ConsoleHttpTest, when_https_is_configured_then_the_page_is_served_over_tls_only) {
  start(true);
  httplib::SSLClient tls("127.0.0.1", http_->port());
  tls.enable_server_certificate_verification(false);
  auto r = tls.Get("/api/overview", auth());
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200);
  auto plain = client();
  plain.set_read_timeout(2, 0);
  EXPECT_FALSE(plain.Get("/api/overview", auth())) << "plaintext HTTP must not get an answer";
  r = tls.Post("/login", "token=" + kToken, "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  EXPECT_NE(r->get_header_value("Set-Cookie").find("; Secure"), std::string::npos);
}

}  // namespace
}  // namespace simbind::console
