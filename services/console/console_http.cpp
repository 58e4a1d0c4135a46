// The only file of the console that serves HTTP (cpp-httplib is a large header, slow to compile).
#include "services/console/console_http.h"

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/config/config_reader.h"
#include "common/log/log.h"
#include "common/util/secure.h"
#include "services/console/counters.h"
#include "services/console/web_assets.h"

namespace simbind::console {
namespace {

using nlohmann::json;
constexpr const char* kJson = "application/json";
constexpr std::size_t kMaxEventStreams = 16;  // each open page holds one thread while it listens
constexpr auto kListTimeout = std::chrono::seconds(10);

json step_json(const FeedItem& item) {
  const LadderStep& s = item.step;
  return json{{"seq", item.seq}, {"us", s.us},     {"rank", s.rank}, {"imei", s.imei}, {"imsi", s.imsi},
              {"from", s.from},  {"to", s.to},     {"text", s.text}, {"tone", s.tone}};
}

std::string policy_name(hss::v1::BindingPolicy p) { return p == hss::v1::BINDING_POLICY_REQUIRED ? "required" : "off"; }
std::string state_name(hss::v1::BindingState s) {
  switch (s) {
    case hss::v1::BINDING_STATE_PENDING: return "pending";
    case hss::v1::BINDING_STATE_ESTABLISHED: return "established";
    default: return "none";
  }
}

json subscriber_json(const hss::v1::Subscriber& s) {
  const auto& b = s.binding();
  return json{{"imsi", s.imsi()},
              {"policy", policy_name(b.policy())},
              {"state", state_name(b.state())},
              {"has_kme", b.has_kme()},
              {"kme_id", b.kme_id()},
              {"bound_imei", b.bound_imei()},
              {"authorized_imei", b.authorized_imei()},
              {"failure_reports", b.failure_reports()},
              {"last_imei", s.last_imei()},
              {"mme_host", s.mme_host()},
              {"purged", s.purged()}};
}

json ue_json(const ue::v1::UeStatus& u) {
  json kmes = json::array();
  for (const auto& k : u.kmes()) kmes.push_back({{"plmn", k.plmn()}, {"kme_id", k.kme_id()}, {"confirmed", k.confirmed()}});
  return json{{"imei", u.imei()},           {"imsi", u.imsi()},
              {"state", u.state()},         {"attached", u.attached()},
              {"without_pdn", u.registered_without_pdn()},
              {"ip", u.ip()},               {"key_scheme", u.key_scheme()},
              {"last_emm_cause", u.last_emm_cause()},
              {"kmes", kmes}};
}

// offset and limit query parameters; limit 1..200 (default 50).
std::pair<std::size_t, std::size_t> page_of(const httplib::Request& req) {
  const auto number = [&](const char* key, std::size_t fallback, std::size_t max) {
    if (!req.has_param(key)) return fallback;
    const std::string v = req.get_param_value(key);
    if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos) return fallback;
    return std::min<std::size_t>(std::stoul(v), max);
  };
  return {number("offset", 0, 100000000), std::max<std::size_t>(1, number("limit", 50, 200))};
}

// Text from the daemons is meant to be UTF-8; a byte that is not becomes U+FFFD rather than an exception.
std::string text_of(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

void reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(text_of(body), kJson);
}

// A Host header naming a loopback address or localhost, with or without a port.
bool loopback_host(const std::string& host_header) {
  std::string host = host_header;
  if (!host.empty() && host.front() == '[') {
    host = host.substr(0, host.find(']') + 1);
  } else if (const auto colon = host.find(':'); colon != std::string::npos) {
    host.resize(colon);
  }
  return host == "localhost" || host == "[::1]" || (host.rfind("127.", 0) == 0 &&
                                                   host.find_first_not_of("0123456789.") == std::string::npos);
}

std::string cookie_value(const httplib::Request& req, const std::string& name) {
  const std::string cookies = req.get_header_value("Cookie");
  const std::string key = name + "=";
  std::size_t at = 0;
  while (at < cookies.size()) {
    while (at < cookies.size() && (cookies[at] == ' ' || cookies[at] == ';')) ++at;
    const auto end = cookies.find(';', at);
    const std::string pair = cookies.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (pair.rfind(key, 0) == 0) return pair.substr(key.size());
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return {};
}

// Every daemon of `targets` (daemon -> HOST:PORT); one that does not answer is listed in `missing`.
struct CounterScrape {
  std::vector<CounterValue> values;
  std::vector<std::string> missing;
};
CounterScrape scrape_counters(const std::map<std::string, std::string>& targets) {
  CounterScrape out;
  for (const auto& [daemon, address] : targets) {
    const auto hp = config::parse_host_port(address);  // checked when the configuration was read
    if (!hp) {
      out.missing.push_back(daemon);
      continue;
    }
    httplib::Client client(hp->host, hp->port);
    client.set_connection_timeout(1, 0);
    client.set_read_timeout(2, 0);
    auto res = client.Get("/metrics");
    if (!res || res->status != 200) {
      out.missing.push_back(daemon);
      continue;
    }
    auto values = pick_counters(daemon, res->body);
    out.values.insert(out.values.end(), values.begin(), values.end());
  }
  return out;
}

constexpr const char* kLoginPage = R"(<!doctype html><html><head><meta charset="utf-8"><title>simbind console: sign in</title>
<link rel="stylesheet" href="/style.css"></head><body class="login"><form method="post" action="/login">
<h1>simbind console</h1><p>This console is reachable from the network: give the admin token (the content of the
console's <code>http.token_file</code>).</p><input type="password" name="token" autocomplete="off" autofocus>
<button type="submit">Sign in</button>%MESSAGE%</form></body></html>)";

}  // namespace

struct ConsoleHttp::Impl {
  std::unique_ptr<httplib::Server> server;
  std::thread thread;
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> streams{0};
  // ListUes answers every UE at once: kept for a second, so that a few pages polling do not each ask for thousands.
  std::mutex ues_mutex;
  std::chrono::steady_clock::time_point ues_at{};
  ue::v1::ListUesResponse ues;
  grpc::Status ues_status;
};

ConsoleHttp::ConsoleHttp(std::unique_ptr<Impl> impl, std::uint16_t port, bool https)
    : impl_(std::move(impl)), port_(port), https_(https) {}

ConsoleHttp::~ConsoleHttp() {
  impl_->stopping = true;
  impl_->server->stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

Result<std::unique_ptr<ConsoleHttp>> ConsoleHttp::start(const ConsoleConfig& config, const ConsoleSecrets& secrets,
                                                        Backends& backends, EventFeed& feed, LabActions& actions,
                                                        ConsoleCounters& counters, bool any_port) {
  auto impl = std::make_unique<Impl>();
  const bool https = !config.http.tls_cert.empty();
  if (https) {
    impl->server = std::make_unique<httplib::SSLServer>(config.http.tls_cert.c_str(), config.http.tls_key.c_str());
  } else {
    impl->server = std::make_unique<httplib::Server>();
  }
  if (!impl->server->is_valid()) {
    return fail(ErrorCode::config_error, "http.tls: cannot use " + config.http.tls_cert + " and " + config.http.tls_key +
                                             " as a certificate and its key");
  }
  httplib::Server& server = *impl->server;
  Impl* state = impl.get();
  server.new_task_queue = [] { return new httplib::ThreadPool(kMaxEventStreams + 8); };
  server.set_read_timeout(10, 0);
  server.set_write_timeout(10, 0);
  server.set_payload_max_length(64 * 1024);  // the largest request is an action's few fields
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });

  const std::string token = secrets.token;
  const bool secure_cookie = https;
  server.set_pre_routing_handler([token](const httplib::Request& req, httplib::Response& res) {
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Content-Security-Policy", "default-src 'self'; style-src 'self'; img-src 'self' data:");
    if (token.empty()) {
      // Without a token the console is on loopback. A web page whose host name an attacker re-points at 127.0.0.1
      // (DNS rebinding) would be "same origin" and could send the action header: such requests carry that host
      // name, so only loopback names are served.
      if (loopback_host(req.get_header_value("Host"))) return httplib::Server::HandlerResponse::Unhandled;
      reply(res, 403, json{{"ok", false}, {"message", "this console answers to 127.0.0.1, localhost or [::1] only"}});
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.path == "/login" || req.path == "/style.css") return httplib::Server::HandlerResponse::Unhandled;
    std::string given = cookie_value(req, "simbind_console_token");
    const std::string auth = req.get_header_value("Authorization");
    if (auth.rfind("Bearer ", 0) == 0) given = auth.substr(7);
    if (constant_time_equal(given, token)) return httplib::Server::HandlerResponse::Unhandled;
    if (req.path.rfind("/api/", 0) == 0) {
      reply(res, 401, json{{"ok", false}, {"message", "the admin token is required"}});
    } else {
      res.status = 303;
      res.set_header("Location", "/login");
    }
    return httplib::Server::HandlerResponse::Handled;
  });
  server.Get("/login", [](const httplib::Request&, httplib::Response& res) {
    std::string page = kLoginPage;
    page.replace(page.find("%MESSAGE%"), 9, "");
    res.set_content(page, "text/html; charset=utf-8");
  });
  server.Post("/login", [token, secure_cookie](const httplib::Request& req, httplib::Response& res) {
    if (!token.empty() && constant_time_equal(req.get_param_value("token"), token)) {
      res.status = 303;
      res.set_header("Set-Cookie", "simbind_console_token=" + token + "; Path=/; HttpOnly; SameSite=Strict" +
                                       (secure_cookie ? "; Secure" : ""));
      res.set_header("Location", "/");
      return;
    }
    log::warn("console: sign-in refused from {}", req.remote_addr);
    std::string page = kLoginPage;
    page.replace(page.find("%MESSAGE%"), 9, token.empty() ? "<p>No token is configured: nothing to sign in to.</p>"
                                                          : "<p class=\"bad\">Wrong token.</p>");
    res.status = 401;
    res.set_content(page, "text/html; charset=utf-8");
  });

  for (const char* path : {"/", "/app.js", "/style.css"}) {
    server.Get(path, [](const httplib::Request& req, httplib::Response& res) {
      const WebAsset* a = find_web_asset(req.path);
      res.set_header("Cache-Control", "no-cache");
      res.set_content(std::string(a->body), std::string(a->content_type));
    });
  }

  server.Get("/api/overview", [&feed, &actions, &config](const httplib::Request&, httplib::Response& res) {
    const FeedStatus s = feed.status();
    reply(res, 200,
          json{{"ue_stream", s.ue_stream},
               {"hss_audit", s.hss_audit},
               {"problem", s.problem},
               {"plmn", config.plmn},
               {"factory_kmes", actions.factory_kmes()},
               {"last_seq", feed.last_seq()}});
  });

  server.Get("/api/subscribers", [&backends](const httplib::Request& req, httplib::Response& res) {
    const auto [offset, limit] = page_of(req);
    hss::v1::ListSubscribersRequest request;
    request.set_offset(static_cast<std::uint32_t>(offset));
    request.set_limit(static_cast<std::uint32_t>(limit));
    hss::v1::ListSubscribersResponse answer;
    const grpc::Status status = backends.hss->ListSubscribers(call_context(kListTimeout).get(), request, &answer);
    if (!status.ok()) return reply(res, 502, json{{"ok", false}, {"message", "simbind-hss: " + describe(status)}});
    json list = json::array();
    for (const auto& s : answer.subscribers()) list.push_back(subscriber_json(s));
    reply(res, 200, json{{"ok", true}, {"total", answer.total()}, {"offset", offset}, {"subscribers", list}});
  });

  server.Get("/api/ues", [&backends, state](const httplib::Request& req, httplib::Response& res) {
    const auto [offset, limit] = page_of(req);
    const std::string query = req.get_param_value("q");
    std::lock_guard lock(state->ues_mutex);
    const auto now = std::chrono::steady_clock::now();
    if (now - state->ues_at > std::chrono::seconds(1)) {
      state->ues.Clear();
      state->ues_status = backends.ue->ListUes(call_context(kListTimeout).get(), ue::v1::ListUesRequest(), &state->ues);
      state->ues_at = now;
    }
    if (!state->ues_status.ok()) {
      return reply(res, 502, json{{"ok", false}, {"message", "simbind-ue: " + describe(state->ues_status)}});
    }
    json list = json::array();
    std::size_t matched = 0;
    for (const auto& u : state->ues.ues()) {
      if (!query.empty() && u.imei().find(query) == std::string::npos && u.imsi().find(query) == std::string::npos) continue;
      if (matched++ >= offset && list.size() < limit) list.push_back(ue_json(u));
    }
    reply(res, 200, json{{"ok", true}, {"total", matched}, {"offset", offset}, {"registered", state->ues.registered()},
                         {"mme_connected", state->ues.mme_connected()}, {"ues", list}});
  });

  server.Get("/api/ladder", [&feed](const httplib::Request& req, httplib::Response& res) {
    json steps = json::array();
    for (const auto& item : feed.about(req.get_param_value("imei"), req.get_param_value("imsi"), 500)) {
      steps.push_back(step_json(item));
    }
    reply(res, 200, json{{"ok", true}, {"steps", steps}});
  });

  server.Get("/api/counters", [&config](const httplib::Request&, httplib::Response& res) {
    const CounterScrape scrape = scrape_counters(config.counters);
    json values = json::array();
    for (const auto& v : scrape.values) {
      values.push_back({{"daemon", v.daemon}, {"name", v.name}, {"labels", v.labels}, {"value", v.value}});
    }
    reply(res, 200, json{{"ok", true}, {"counters", values}, {"missing", scrape.missing}});
  });

  // The live feed: every ladder step after the one the page has (Last-Event-ID, or ?after=), as they come.
  server.Get("/api/events", [&feed, &counters, state](const httplib::Request& req, httplib::Response& res) {
    if (state->streams.fetch_add(1) >= kMaxEventStreams) {
      state->streams.fetch_sub(1);
      return reply(res, 503, json{{"ok", false}, {"message", "too many open pages"}});
    }
    counters.event_streams.labels({}).inc();
    std::string from = req.get_header_value("Last-Event-ID");
    if (from.empty()) from = req.get_param_value("after");
    std::uint64_t after = feed.last_seq();
    if (!from.empty() && from.size() < 20 && from.find_first_not_of("0123456789") == std::string::npos) {
      after = std::stoull(from);
    }
    res.set_header("Cache-Control", "no-cache");
    auto cursor = std::make_shared<std::uint64_t>(after);
    res.set_chunked_content_provider(
        "text/event-stream",
        [&feed, state, cursor](std::size_t, httplib::DataSink& sink) {
          if (state->stopping) return false;
          const auto items = feed.after(*cursor, 200, std::chrono::seconds(1));
          std::string out;
          for (const auto& item : items) {
            out += "id: " + std::to_string(item.seq) + "\ndata: " + text_of(step_json(item)) + "\n\n";
            *cursor = item.seq;
          }
          if (out.empty()) out = ": idle\n\n";  // tells a dead connection apart from a quiet feed
          return sink.write(out.data(), out.size());
        },
        [state, &counters](bool) {
          state->streams.fetch_sub(1);
          counters.event_streams.labels({}).dec();
        });
  });

  server.Post(R"(/api/actions/([a-z-]+))", [&actions, &counters](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("X-Simbind-Console") != "1") {
      return reply(res, 403, json{{"ok", false}, {"message", "actions need the header X-Simbind-Console: 1"}});
    }
    json request = json::object();
    if (!req.body.empty()) {
      request = json::parse(req.body, nullptr, false);
      if (request.is_discarded() || !request.is_object()) {
        return reply(res, 400, json{{"ok", false}, {"message", "the body must be a JSON object"}});
      }
    }
    const std::string name = req.matches[1];
    const json outcome = actions.run(name, request);
    counters.actions.inc({LabActions::known(name) ? name : "unknown", outcome.value("ok", false) ? "ok" : "refused"});
    log::info("console: action {} from {}: {}", name, req.remote_addr, outcome.value("message", std::string()));
    reply(res, 200, outcome);
  });

  server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.status == 404 && res.body.empty()) {
      reply(res, 404, json{{"ok", false}, {"message", "no such page or API: " + req.path}});
    }
  });
  server.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown error";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    log::warn("console: {} {} failed: {}", req.method, req.path, what);
    reply(res, 500, json{{"ok", false}, {"message", "internal error: " + what}});
  });

  const auto hp = config::parse_host_port(config.http.listen);
  int port = -1;
  if (hp && any_port) {
    port = server.bind_to_any_port(hp->host);
  } else if (hp && server.bind_to_port(hp->host, hp->port)) {
    port = hp->port;
  }
  if (port <= 0) return fail(ErrorCode::io_error, "http.listen: cannot listen on " + config.http.listen);
  impl->thread = std::thread([&server] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return std::unique_ptr<ConsoleHttp>(new ConsoleHttp(std::move(impl), static_cast<std::uint16_t>(port), https));
}

}  // namespace simbind::console
