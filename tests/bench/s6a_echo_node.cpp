// simbind-s6a-echo-node: the anchor of tests/bench/run_s6a_bench.sh (issue 13). A bare freeDiameter 1.2.1 node on
// libfdcore alone, none of simbind's code: the stock dictionaries (dict_nasreq, dict_dcca, dict_dcca_3gpp, loaded in
// that order), the S6a application and its AIR/AIA commands defined here (no Debian extension has them), no-op
// message-dump hooks (without them freeDiameter formats a dump of every message and throws it away, DESIGN 10), and
// one handler that answers every AIR with an AIA of one E-UTRAN vector of fixed octets: no crypto, no database.
// What simbind-hss does beyond it, and what its own stack chooses differently, is what the comparison shows.
//
//   simbind-s6a-echo-node --identity echo.simbind.lab --port 3870 --peer bench.simbind.lab
#include <freeDiameter/freeDiameter-host.h>
#include <freeDiameter/libfdcore.h>

#include <CLI/CLI.hpp>

#include <array>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <unistd.h>

namespace {

constexpr std::uint32_t kS6a = 16777251;
constexpr std::uint32_t k3gpp = 10415;
constexpr std::uint32_t kAir = 318;

std::string g_peer;

struct Dict {
  dict_object* auth_session_state = nullptr;
  dict_object* authentication_info = nullptr;
  dict_object* e_utran_vector = nullptr;
  dict_object* rand = nullptr;
  dict_object* xres = nullptr;
  dict_object* autn = nullptr;
  dict_object* kasme = nullptr;
} g_dict;

dict_object* find_avp(std::uint32_t vendor, const char* name) {
  dict_object* obj = nullptr;
  struct dict_avp_request_ex req{};
  req.avp_vendor.vendor_id = vendor;
  req.avp_data.avp_name = const_cast<char*>(name);
  if (fd_dict_search(fd_g_config->cnf_dict, DICT_AVP, AVP_BY_STRUCT, &req, &obj, ENOENT) != 0 || !obj) {
    std::cerr << "simbind-s6a-echo-node: the stock dictionaries have no AVP " << name << "\n";
    std::exit(1);
  }
  return obj;
}

// The S6a application and AIR/AIA over the stock AVPs: the same definitions every S6a node on freeDiameter 1.2.1
// has to add for itself.
dict_object* define_s6a() {
  dict_object* vendor = nullptr;
  std::uint32_t vid = k3gpp;
  if (fd_dict_search(fd_g_config->cnf_dict, DICT_VENDOR, VENDOR_BY_ID, &vid, &vendor, ENOENT) != 0) std::exit(1);
  struct dict_application_data app_data{kS6a, const_cast<char*>("S6a")};
  dict_object* app = nullptr;
  if (fd_dict_new(fd_g_config->cnf_dict, DICT_APPLICATION, &app_data, vendor, &app) != 0) std::exit(1);
  const std::uint8_t mask = CMD_FLAG_REQUEST | CMD_FLAG_PROXIABLE | CMD_FLAG_ERROR;
  struct dict_cmd_data air{kAir, const_cast<char*>("Authentication-Information-Request"), mask,
                           CMD_FLAG_REQUEST | CMD_FLAG_PROXIABLE};
  struct dict_cmd_data aia{kAir, const_cast<char*>("Authentication-Information-Answer"),
                           static_cast<std::uint8_t>(CMD_FLAG_REQUEST | CMD_FLAG_PROXIABLE), CMD_FLAG_PROXIABLE};
  dict_object* air_cmd = nullptr;
  dict_object* aia_cmd = nullptr;
  if (fd_dict_new(fd_g_config->cnf_dict, DICT_COMMAND, &air, app, &air_cmd) != 0 ||
      fd_dict_new(fd_g_config->cnf_dict, DICT_COMMAND, &aia, app, &aia_cmd) != 0) {
    std::exit(1);
  }
  // The fixed-position Session-Id, as any command's rules begin.
  dict_object* session_id = nullptr;
  fd_dict_search(fd_g_config->cnf_dict, DICT_AVP, AVP_BY_NAME, "Session-Id", &session_id, ENOENT);
  for (dict_object* cmd : {air_cmd, aia_cmd}) {
    struct dict_rule_data rule{session_id, RULE_FIXED_HEAD, 1, 1, 1};
    fd_dict_new(fd_g_config->cnf_dict, DICT_RULE, &rule, cmd, nullptr);
  }
  if (fd_disp_app_support(app, vendor, 1, 0) != 0) std::exit(1);
  g_dict.auth_session_state = nullptr;
  fd_dict_search(fd_g_config->cnf_dict, DICT_AVP, AVP_BY_NAME, "Auth-Session-State", &g_dict.auth_session_state,
                 ENOENT);
  g_dict.authentication_info = find_avp(k3gpp, "Authentication-Info");
  g_dict.e_utran_vector = find_avp(k3gpp, "E-UTRAN-Vector");
  g_dict.rand = find_avp(k3gpp, "RAND");
  g_dict.xres = find_avp(k3gpp, "XRES");
  g_dict.autn = find_avp(k3gpp, "AUTN");
  g_dict.kasme = find_avp(k3gpp, "KASME");
  return air_cmd;
}

int add_octets(struct avp* parent, dict_object* model, std::uint8_t* data, std::size_t len) {
  struct avp* a = nullptr;
  union avp_value v{};
  v.os.data = data;
  v.os.len = len;
  if (fd_msg_avp_new(model, 0, &a) != 0) return -1;
  if (fd_msg_avp_setvalue(a, &v) != 0) return -1;
  return fd_msg_avp_add(parent, MSG_BRW_LAST_CHILD, a);
}

// One vector with the sizes of a real one (RAND 16, XRES 8, AUTN 16, KASME 32), as simbind-s6a-fixed-node sends.
std::array<std::uint8_t, 16> g_rand, g_autn;
std::array<std::uint8_t, 8> g_xres;
std::array<std::uint8_t, 32> g_kasme;

int on_air(struct msg** request, struct avp*, struct session*, void*, enum disp_action* action) {
  struct msg* answer = *request;
  if (fd_msg_new_answer_from_req(fd_g_config->cnf_dict, &answer, 0) != 0) return EINVAL;
  *request = nullptr;
  struct avp* a = nullptr;
  union avp_value v{};
  v.i32 = 1;  // NO_STATE_MAINTAINED
  fd_msg_avp_new(g_dict.auth_session_state, 0, &a);
  fd_msg_avp_setvalue(a, &v);
  fd_msg_avp_add(answer, MSG_BRW_LAST_CHILD, a);
  fd_msg_rescode_set(answer, const_cast<char*>("DIAMETER_SUCCESS"), nullptr, nullptr, 1);
  struct avp* info = nullptr;
  struct avp* vector = nullptr;
  fd_msg_avp_new(g_dict.authentication_info, 0, &info);
  fd_msg_avp_new(g_dict.e_utran_vector, 0, &vector);
  add_octets(vector, g_dict.rand, g_rand.data(), g_rand.size());
  add_octets(vector, g_dict.xres, g_xres.data(), g_xres.size());
  add_octets(vector, g_dict.autn, g_autn.data(), g_autn.size());
  add_octets(vector, g_dict.kasme, g_kasme.data(), g_kasme.size());
  fd_msg_avp_add(info, MSG_BRW_LAST_CHILD, vector);
  fd_msg_avp_add(answer, MSG_BRW_LAST_CHILD, info);
  *action = DISP_ACT_CONT;
  return fd_msg_send(&answer, nullptr, nullptr);
}

// Accepts the one configured client without TLS, as simbind's stack does for a configured peer.
int validate_peer(struct peer_info* info, int* auth, int (**cb2)(struct peer_info*)) {
  *cb2 = nullptr;
  *auth = g_peer == std::string(info->pi_diamid, info->pi_diamidlen) ? 1 : -1;
  if (*auth == 1) info->config.pic_flags.sec = PI_SEC_NONE;
  return 0;
}

void no_dump(enum fd_hook_type, struct msg*, struct peer_hdr*, void*, struct fd_hook_permsgdata*, void*) {}

void quiet_log(int level, const char* format, va_list args) {
  if (level < FD_LOG_ERROR) return;
  std::vfprintf(stderr, format, args);
  std::fputc('\n', stderr);
}

}  // namespace

int main(int argc, char** argv) {
  std::string identity = "echo.simbind.lab";
  std::string realm = "simbind.lab";
  std::string extensions = FD_EXTENSIONS_DIR;
  int port = 3870;
  g_peer = "bench.simbind.lab";
  CLI::App app{"simbind-s6a-echo-node: a bare freeDiameter node (stock dictionaries) answering every AIR"};
  app.add_option("--identity", identity, "our Diameter identity");
  app.add_option("--realm", realm, "Diameter realm");
  app.add_option("--port", port, "port to listen on")->required();
  app.add_option("--peer", g_peer, "the one client accepted");
  app.add_option("--extensions", extensions, "where dict_nasreq.fdx, dict_dcca.fdx and dict_dcca_3gpp.fdx are");
  CLI11_PARSE(app, argc, argv);
  g_rand.fill(0x11);
  g_xres.fill(0x22);
  g_autn.fill(0x33);
  g_kasme.fill(0x44);

  // libfdcore installs no signal handlers: block them before its threads start and wait for them here.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  fd_log_handler_register(quiet_log);
  if (fd_core_initialize() != 0) return 1;
  char path[] = "/tmp/simbind-echo-XXXXXX.conf";
  const int file = mkstemps(path, 5);
  if (file < 0) return 1;
  close(file);
  {
    std::ofstream conf(path);
    conf << "Identity = \"" << identity << "\";\nRealm = \"" << realm << "\";\nPort = " << port
         << ";\nSecPort = 0;\nNo_SCTP;\nNo_IPv6;\nNoRelay;\nTcTimer = 1;\n";
    for (const char* ext : {"dict_nasreq.fdx", "dict_dcca.fdx", "dict_dcca_3gpp.fdx"}) {
      conf << "LoadExtension = \"" << extensions << "/" << ext << "\";\n";
    }
  }
  const int parsed = fd_core_parseconf(path);
  std::remove(path);
  if (parsed != 0) {
    std::cerr << "simbind-s6a-echo-node: freeDiameter refused its configuration\n";
    return 1;
  }
  if (fd_peer_validate_register(validate_peer) != 0) return 1;
  struct fd_hook_hdl* hook = nullptr;
  const uint32_t mask = HOOK_MASK(HOOK_DATA_RECEIVED, HOOK_MESSAGE_RECEIVED, HOOK_MESSAGE_LOCAL, HOOK_MESSAGE_SENDING,
                                  HOOK_MESSAGE_SENT, HOOK_MESSAGE_FAILOVER, HOOK_MESSAGE_PARSING_ERROR,
                                  HOOK_MESSAGE_ROUTING_ERROR, HOOK_MESSAGE_ROUTING_FORWARD, HOOK_MESSAGE_ROUTING_LOCAL,
                                  HOOK_MESSAGE_DROPPED, HOOK_PEER_CONNECT_FAILED, HOOK_PEER_CONNECT_SUCCESS);
  if (fd_hook_register(mask, no_dump, nullptr, nullptr, &hook) != 0) return 1;

  dict_object* air = define_s6a();
  struct disp_when when{};
  when.command = air;
  if (fd_disp_register(on_air, DISP_HOW_CC, &when, nullptr, nullptr) != 0) return 1;
  if (fd_core_start() != 0 || fd_core_waitstartcomplete() != 0) return 1;
  std::cerr << "simbind-s6a-echo-node ready\n";

  int sig = 0;
  sigwait(&signals, &sig);
  fd_core_shutdown();
  fd_core_wait_shutdown_complete();
  return 0;
}
