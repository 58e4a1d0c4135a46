// The console's web server (cpp-httplib): the page and its assets (embedded at build time), the JSON API the page
// uses, the live feed as server-sent events, and the lab actions. Loopback by default; on another address the
// configuration requires HTTPS and the admin token (cookie or `Authorization: Bearer`). Every POST must carry
// `X-Simbind-Console: 1`, a header a foreign web page cannot add without a CORS preflight this server never
// grants, so another site open in the lab's browser cannot drive the testbed.
#pragma once

#include <cstdint>
#include <memory>

#include "services/console/backends.h"
#include "services/console/console_config.h"
#include "services/console/console_counters.h"
#include "services/console/event_feed.h"
#include "services/console/lab_actions.h"

namespace simbind::console {

class ConsoleHttp {
 public:
  // Everything given must outlive the server. `any_port` (tests): an ephemeral port on http.listen's host
  // instead of its port; see port().
  static Result<std::unique_ptr<ConsoleHttp>> start(const ConsoleConfig& config, const ConsoleSecrets& secrets,
                                                    Backends& backends, EventFeed& feed, LabActions& actions,
                                                    ConsoleCounters& counters, bool any_port = false);
  ~ConsoleHttp();  // stops serving, ends the event streams, joins the threads
  ConsoleHttp(const ConsoleHttp&) = delete;
  ConsoleHttp& operator=(const ConsoleHttp&) = delete;

  std::uint16_t port() const { return port_; }
  bool https() const { return https_; }

  struct Impl;

 private:
  ConsoleHttp(std::unique_ptr<Impl> impl, std::uint16_t port, bool https);
  std::unique_ptr<Impl> impl_;
  std::uint16_t port_;
  bool https_;
};

}  // namespace simbind::console
