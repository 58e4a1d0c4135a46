#include "common/diameter/stack.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/diameter/avp_codes.h"
#include "common/diameter/command_abnf.h"
#include "common/diameter/dictionary.h"
#include "common/diameter/exchange.h"
#include "common/diameter/fd.h"
#include "common/diameter/message.h"
#include "common/diameter/refusals.h"
#include "common/log/log.h"
#include "common/util/signals.h"

namespace simbind::diameter {
namespace {

// freeDiameter cannot be initialised twice in one process, even after a shutdown.
std::atomic<bool> g_stack_started{false};

// A shutdown we did not ask for: freeDiameter stops the whole stack when one of its threads meets an error it
// deems unrecoverable (routing_dispatch.c process_thr). The process would go on without Diameter service; the
// daemon is told instead (DiameterStack::on_failure), once. The last error line before it is the reason.
std::mutex g_failure_mutex;
bool g_orderly_shutdown = false;
bool g_failed = false;
std::string g_last_error;
std::string g_failure_reason;
std::function<void(const std::string&)> g_failure_handler;

void note_error_line(const char* line) {
  std::lock_guard lock(g_failure_mutex);
  g_last_error = line;
}

void note_shutdown() {
  std::function<void(const std::string&)> handler;
  std::string reason;
  {
    std::lock_guard lock(g_failure_mutex);
    if (g_orderly_shutdown || g_failed) return;
    g_failed = true;
    g_failure_reason = g_last_error.empty() ? "freeDiameter initiated its shutdown" : g_last_error;
    handler = g_failure_handler;
    reason = g_failure_reason;
  }
  log::error("diameter: the stack shut itself down; last error: {}", reason);
  if (handler) handler(reason);
}

// Peers accepted when they connect to us (peers with an address are ConnectPeer entries; freeDiameter accepts
// those itself). Written before fd_core_start, read by freeDiameter threads afterwards.
std::mutex g_accept_mutex;
std::set<std::string> g_accepted_identities;
bool g_accept_without_tls = true;
unsigned g_idle_timeout_s = 0;

int validate_peer(struct peer_info* info, int* auth, int (**cb2)(struct peer_info*)) {
  (void)cb2;
  std::string identity(info->pi_diamid, info->pi_diamidlen);
  std::lock_guard lock(g_accept_mutex);
  if (g_accepted_identities.count(identity)) {
    *auth = 1;
    // Without TLS: plain CER/CEA. With TLS the connection came in on the TLS-on-connect port, so the handshake
    // (certificate checked against TLS_CA, its name against the Diameter identity) is already done; keep the
    // default. The in-band ("old") method is not used: a handshake failing after CER/CEA trips an assertion in
    // freeDiameter 1.2.1 (p_psm.c: cur_state != STATE_OPEN_HANDSHAKE) and kills the process.
    if (g_accept_without_tls) info->config.pic_flags.sec = PI_SEC_NONE;
    // freeDiameter drops a peer it did not connect to itself after 3600 s without a routable message (peers.c:
    // PI_EXP_INACTIVE); watchdogs do not count. diameter.idle_timeout decides instead: 0 keeps the link.
    if (g_idle_timeout_s == 0) {
      info->config.pic_flags.exp = PI_EXP_NONE;
    } else {
      info->config.pic_flags.exp = PI_EXP_INACTIVE;
      info->config.pic_lft = g_idle_timeout_s;
    }
    log::info("diameter: accepted peer {}", identity);
  } else {
    *auth = -1;
    log::warn("diameter: refused unknown peer {} (not in diameter.peers)", identity);
  }
  return 0;
}

// freeDiameter's own log lines, at our levels. freeDiameter stops some of its threads with pthread_cancel (the
// connecting thread once a peer link opens), and a thread cancelled inside a write of the logger unwinds through
// spdlog, which reports "Rethrowing unknown exception in logger" and loses the line: no cancellation while logging.
void fd_logger(int level, const char* format, va_list args) {
  int cancel_state = 0;
  pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel_state);
  struct RestoreCancel {
    int state;
    ~RestoreCancel() { pthread_setcancelstate(state, nullptr); }
  } restore{cancel_state};
  char buf[1024];
  std::vsnprintf(buf, sizeof buf, format, args);
  // freeDiameter reports every shutdown at error level, ours too: ours is not an error; any other is a failure.
  const bool shutdown = std::strstr(buf, "shutdown sequence") != nullptr;
  switch (level) {
    case FD_LOG_ERROR:
    case FD_LOG_FATAL:
      if (shutdown) {
        log::info("freeDiameter: {}", buf);
        note_shutdown();
      } else {
        log::error("freeDiameter: {}", buf);
        note_error_line(buf);
      }
      break;
    case FD_LOG_NOTICE: log::info("freeDiameter: {}", buf); break;
    default: log::debug("freeDiameter: {}", buf); break;
  }
}

// With no hook registered for a message event, freeDiameter formats a text dump of every message under a global
// lock and discards it: a third of the throughput (DESIGN 10). Registered hooks replace that; the error events
// get a log line.
// Who sent a received message: the peer it came from, else its Origin-Host.
std::string source_of(struct msg* msg, struct peer_hdr* peer) {
  if (peer != nullptr) return peer->info.pi_diamid;
  DiamId_t id = nullptr;
  size_t len = 0;
  if (msg != nullptr && fd_msg_source_get(msg, &id, &len) == 0 && id != nullptr) return std::string(id, len);
  return "an unidentified peer";
}

// freeDiameter 1.2.1 (fd_msg_parse_or_error) drops an answer that breaks the rules, except one whose base
// Result-Code is an error (neither 1xxx nor 2xxx): that one reaches the request's callback all the same.
bool freediameter_rescues(struct msg* answer) {
  for (struct avp* a = AvpRef::first_child(answer); a != nullptr; a = AvpRef::next_sibling(a)) {
    const AvpRef ref(a);
    if (ref.code() != avp::result_code || ref.vendor() != 0) continue;
    const auto code = ref.u32();
    return code && *code / 1000 != 1 && *code / 1000 != 2;
  }
  return false;
}

// A received message that breaks its command ABNF (command_abnf.h): freeDiameter answers a request with 5005 or
// 5009 by itself and drops an answer. Name the command, the peer and the AVP, which freeDiameter's text does not.
void log_parsing_error(struct msg* msg, struct peer_hdr* peer, void* other) {
  const auto note = note_refusal(Refusal::parsing_error);
  if (msg == nullptr) {  // not even a Diameter message: {other} is the raw buffer, never printed
    if (note) {
      log::warn("diameter: unparsable data from {}: not a Diameter message, connection data dropped{}",
                source_of(msg, peer), *note);
    }
    return;
  }
  const char* fd_reason = other ? static_cast<const char*>(other) : "rule check failed";
  std::string what = explain_rule_violation(msg);
  if (what.empty() || what == fd_reason) {
    what = fd_reason;
  } else {
    what += std::string(" (") + fd_reason + ")";
  }
  struct msg_hdr* h = nullptr;
  const bool request = fd_msg_hdr(msg, &h) == 0 && h && (h->msg_flags & CMD_FLAG_REQUEST);
  const bool rescued = !request && freediameter_rescues(msg);
  if (note) {
    log::warn("diameter: refused {} from {}: {}; {}{}", command_name(msg), source_of(msg, peer), what,
              request   ? "answered with an error by the stack"
              : rescued ? "an error answer (Result-Code 3xxx-5xxx), so freeDiameter hands it on all the same"
                        : "answer dropped, as a stock peer drops it",
              *note);
  }
  if (!request && !rescued) {
    fail_pending_request(msg, command_name(msg) + " from " + source_of(msg, peer) + " refused: " + what);
  }
}

// The error answer freeDiameter makes for a request that broke its rules (5005 with Failed-AVP, say) carries
// Session-Id, Origin-Host/Realm and Result-Code only. S6a and Bp answers need { Auth-Session-State } too (TS 29.272
// 7.2; docs/DIAMETER.md): added here, before it is sent.
void complete_error_answer(struct msg* answer) {
  struct msg_hdr* h = nullptr;
  if (answer == nullptr || fd_msg_hdr(answer, &h) != 0 || h == nullptr) return;
  if (h->msg_appl != kS6aApplicationId && h->msg_appl != dictionary().bp_application_id) return;
  for (struct avp* a = AvpRef::first_child(answer); a != nullptr; a = AvpRef::next_sibling(a)) {
    const AvpRef ref(a);
    if (ref.vendor() == 0 && ref.code() == avp::auth_session_state) return;
  }
  struct avp* a = nullptr;
  union avp_value v{};
  v.u32 = 1;  // NO_STATE_MAINTAINED
  if (fd_msg_avp_new(dictionary().avp(0, avp::auth_session_state), 0, &a) != 0) return;
  if (fd_msg_avp_setvalue(a, &v) != 0 || fd_msg_avp_add(answer, MSG_BRW_LAST_CHILD, a) != 0) fd_msg_free(a);
}

void message_hook(enum fd_hook_type type, struct msg* msg, struct peer_hdr* peer, void* other,
                  struct fd_hook_permsgdata* pmd, void* regdata) {
  (void)pmd, (void)regdata;
  const char* who = peer ? peer->info.pi_diamid : "unknown peer";
  switch (type) {
    case HOOK_MESSAGE_PARSING_ERROR: log_parsing_error(msg, peer, other); break;
    case HOOK_MESSAGE_PARSING_ERROR2: complete_error_answer(msg); break;
    case HOOK_MESSAGE_ROUTING_ERROR:
    case HOOK_MESSAGE_DROPPED: {
      const bool routing = type == HOOK_MESSAGE_ROUTING_ERROR;
      if (const auto note = note_refusal(routing ? Refusal::routing_error : Refusal::dropped)) {
        log::warn("diameter: {} {}: {}{}", routing ? "routing error for" : "dropped", msg ? command_name(msg) : "a message",
                  other ? static_cast<const char*>(other) : "", *note);
      }
      break;
    }
    case HOOK_PEER_CONNECT_FAILED: log::warn("diameter: connection to {} failed: {}", who, other ? static_cast<const char*>(other) : ""); break;
    case HOOK_PEER_CONNECT_SUCCESS: log::info("diameter: peer {} is open", who); break;
    default: break;
  }
}

// freeDiameter 1.2.1 drops a loopback ListenOn address in fd_ep_add_merge (its address filter), then binds every
// address and advertises them all in its CEA. An operator who writes 127.0.0.1 means loopback only: add the
// configured address ourselves, past the filter (EP_ACCEPTALL), so that the server binds there alone and the CEA's
// Host-IP-Address is that address. 0.0.0.0 keeps freeDiameter's default: every address.
Result<void> bind_only_the_listen_address(const std::string& listen) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  if (inet_pton(AF_INET, listen.c_str(), &sin.sin_addr) != 1) {
    return fail(ErrorCode::config_error, "diameter.listen: '" + listen + "' is not an IPv4 address");
  }
  if (sin.sin_addr.s_addr == htonl(INADDR_ANY)) return {};
  if (fd_ep_add_merge(&fd_g_config->cnf_endpoints, reinterpret_cast<sSA*>(&sin), sizeof sin,
                      EP_FL_CONF | EP_ACCEPTALL) != 0) {
    return fail(ErrorCode::config_error, "diameter.listen: freeDiameter refused the address " + listen);
  }
  return {};
}

Result<void> fd_check(int rc, const std::string& what) {
  if (rc == 0) return {};
  return fail(ErrorCode::config_error, "freeDiameter: " + what + " failed (" + std::to_string(rc) + ")");
}

}  // namespace

Result<std::unique_ptr<DiameterStack>> DiameterStack::start(const StackConfig& config,
                                                           const std::function<Result<void>()>& setup) {
  if (g_stack_started.exchange(true)) {
    return fail(ErrorCode::config_error, "a Diameter stack was already started in this process");
  }
  ignore_sigpipe();  // every process with a stack, tests and tools included (see signals.h)

  fd_log_handler_register(fd_logger);
  if (auto r = fd_check(fd_core_initialize(), "initialisation"); !r) return std::unexpected(r.error());
  std::unique_ptr<DiameterStack> stack(new DiameterStack(config));

  // freeDiameter reads its configuration from a file: write the generated one to a private temporary file.
  char path[] = "/tmp/simbind-fd-XXXXXX.conf";
  const int fd = mkstemps(path, 5);
  if (fd < 0) return fail(ErrorCode::io_error, "cannot create a temporary freeDiameter configuration");
  close(fd);
  {
    std::ofstream out(path);
    out << render_freediameter_conf(config);
  }
  const int parsed = fd_core_parseconf(path);
  std::remove(path);
  if (parsed != 0) {
    return fail(ErrorCode::config_error, "freeDiameter refused the configuration (identity '" + config.identity +
                                             "', port " + std::to_string(config.port) + "); see its log lines above");
  }

  if (auto r = bind_only_the_listen_address(config.listen_address); !r) return std::unexpected(r.error());

  {
    std::lock_guard lock(g_accept_mutex);
    g_accepted_identities.clear();
    for (const auto& p : config.peers) g_accepted_identities.insert(p.identity);
    g_accept_without_tls = !config.tls.enabled();
    g_idle_timeout_s = config.idle_timeout_s;
  }
  if (auto r = fd_check(fd_peer_validate_register(validate_peer), "peer validator"); !r) return std::unexpected(r.error());

  struct fd_hook_hdl* hook = nullptr;
  const uint32_t mask = HOOK_MASK(HOOK_DATA_RECEIVED, HOOK_MESSAGE_RECEIVED, HOOK_MESSAGE_LOCAL, HOOK_MESSAGE_SENDING,
                                  HOOK_MESSAGE_SENT, HOOK_MESSAGE_FAILOVER, HOOK_MESSAGE_PARSING_ERROR,
                                  HOOK_MESSAGE_ROUTING_ERROR, HOOK_MESSAGE_ROUTING_FORWARD, HOOK_MESSAGE_ROUTING_LOCAL,
                                  HOOK_MESSAGE_DROPPED, HOOK_PEER_CONNECT_FAILED, HOOK_PEER_CONNECT_SUCCESS,
                                  HOOK_MESSAGE_PARSING_ERROR2);
  if (auto r = fd_check(fd_hook_register(mask, message_hook, nullptr, nullptr, &hook), "hook registration"); !r) {
    return std::unexpected(r.error());
  }

  if (auto r = setup(); !r) return std::unexpected(r.error());
  if (auto r = fd_check(fd_core_start(), "start"); !r) return std::unexpected(r.error());
  if (auto r = fd_check(fd_core_waitstartcomplete(), "start-up"); !r) return std::unexpected(r.error());
  log::info("diameter: {} (realm {}) listening on {}:{}, TLS {}", config.identity, config.realm, config.listen_address,
            config.port, config.tls.enabled() ? "on" : "off");
  return stack;
}

void DiameterStack::on_failure(std::function<void(const std::string& reason)> handler) {
  std::string reason;
  {
    std::lock_guard lock(g_failure_mutex);
    g_failure_handler = handler;
    if (!g_failed) return;
    reason = g_failure_reason;
  }
  handler(reason);  // it failed before anyone listened
}

std::optional<std::string> DiameterStack::failure() const {
  std::lock_guard lock(g_failure_mutex);
  if (!g_failed) return std::nullopt;
  return g_failure_reason;
}

DiameterStack::~DiameterStack() {
  {
    std::lock_guard lock(g_failure_mutex);
    g_orderly_shutdown = true;
    g_failure_handler = nullptr;
  }
  fd_core_shutdown();
  fd_core_wait_shutdown_complete();
}

bool DiameterStack::wait_peer_open(const std::string& identity, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!peer_is_open(identity)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

std::vector<DiameterStack::PeerState> DiameterStack::peer_states() const {
  std::vector<PeerState> out;
  for (const auto& p : config_.peers) {
    PeerState s{p.identity, false, "unknown"};
    struct peer_hdr* peer = nullptr;
    if (fd_peer_getbyid(const_cast<DiamId_t>(p.identity.c_str()), p.identity.size(), 0, &peer) == 0 && peer) {
      const int state = fd_peer_get_state(peer);
      s.open = state == STATE_OPEN || state == STATE_OPEN_NEW;  // OPEN_NEW: just after CEA, already usable
      s.state = state < 0 ? "unknown" : STATE_STR(state);
    }
    out.push_back(std::move(s));
  }
  return out;
}

bool DiameterStack::peer_is_open(const std::string& identity) const {
  struct peer_hdr* peer = nullptr;
  if (fd_peer_getbyid(const_cast<DiamId_t>(identity.c_str()), identity.size(), 0, &peer) != 0 || peer == nullptr) {
    return false;
  }
  return fd_peer_get_state(peer) == STATE_OPEN;
}

}  // namespace simbind::diameter
