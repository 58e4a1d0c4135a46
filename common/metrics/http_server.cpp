// The only file that includes cpp-httplib (a large header, slow to compile).
#include "common/metrics/http_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <chrono>
#include <thread>

#include "common/metrics/text_format.h"

namespace simbind::metrics {

struct MetricsServer::Impl {
  httplib::Server server;
  std::thread thread;
};

MetricsServer::MetricsServer(std::unique_ptr<Impl> impl, std::uint16_t port) : impl_(std::move(impl)), port_(port) {}

MetricsServer::~MetricsServer() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(const std::string& host, std::uint16_t port,
                                                            const Registry& registry, ReadinessCheck ready) {
  auto impl = std::make_unique<Impl>();
  auto& server = impl->server;
  // A scrape or a health check now and then: two worker threads are plenty (httplib's default is 8 or more).
  server.new_task_queue = [] { return new httplib::ThreadPool(2); };
  server.set_read_timeout(5, 0);
  server.set_write_timeout(5, 0);
  server.set_keep_alive_max_count(10);
  // httplib's default is SO_REUSEPORT: a second daemon on the same port would bind silently and share the
  // scrapes. SO_REUSEADDR alone allows a quick restart and still makes a port in use a bind failure.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });

  server.Get("/metrics", [&registry](const httplib::Request&, httplib::Response& res) {
    res.status = 200;
    res.set_content(registry.render(), kTextContentType);
  });
  server.Get("/healthz", [ready = std::move(ready)](const httplib::Request&, httplib::Response& res) {
    const Readiness r = ready ? ready() : Readiness{true, ""};
    if (r.ready) {
      res.status = 200;
      res.set_content("ok\n", "text/plain; charset=utf-8");
    } else {
      res.status = 503;
      res.set_content(r.reason + "\n", "text/plain; charset=utf-8");
    }
  });
  // No route: httplib answers 404 with an empty body; say so in words.
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.status == 404) res.set_content("not found: try /metrics or /healthz\n", "text/plain; charset=utf-8");
  });

  const std::string address = host + ":" + std::to_string(port);
  int bound = 0;
  if (port == 0) {
    bound = server.bind_to_any_port(host);
  } else {
    bound = server.bind_to_port(host, port) ? port : -1;
  }
  if (bound <= 0) {
    return fail(ErrorCode::io_error, "cannot listen on " + address + " (address in use, or not an address of this host)");
  }
  impl->thread = std::thread([&server] { server.listen_after_bind(); });
  // stop() does nothing until the accept loop runs (httplib sets is_running there): wait for it, so that a server
  // destroyed right after start cannot leave that loop running forever.
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(impl), static_cast<std::uint16_t>(bound)));
}

Result<std::unique_ptr<MetricsServer>> MetricsServer::start_if_configured(const MetricsConfig& config,
                                                                          const Registry& registry,
                                                                          ReadinessCheck ready) {
  if (!config.enabled()) return std::unique_ptr<MetricsServer>();
  auto server = start(config.host, config.port, registry, std::move(ready));
  if (!server) return fail(ErrorCode::io_error, "metrics.listen: " + server.error().message);
  return server;
}

}  // namespace simbind::metrics
