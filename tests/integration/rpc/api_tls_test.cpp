// The admin and control APIs over mTLS, with real daemons and the real `simbind` CLI: simbind-hss (admin.tls),
// simbind-ue (control.tls) and simbind-prov (admin.tls) with a lab CA made by deploy/certs/lab-ca.sh. A client
// certificate with OU admin from that CA gets through; no client certificate, one from another CA, or another OU
// does not, and the CLI says so (exit 1). Without tls the APIs stay plaintext, with a warning off loopback.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/integration/support/hss_harness.h"
#include "tests/integration/support/process.h"

namespace simbind::test {
namespace {

using namespace std::chrono_literals;

const std::string kLabCa = std::string(SIMBIND_SOURCE_DIR) + "/deploy/certs/lab-ca.sh";
const std::string kImsi = "001010000000777";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The lab CA: one server certificate for the three daemons (SAN api.simbind.lab and 127.0.0.1), an admin client,
// an operator client, and a second CA with its own "admin".
class Pki {
 public:
  Pki() {
    ok_ = sh("init " + dir_.path()) && sh("issue " + dir_.path() + " api.simbind.lab server") &&
          sh("issue " + dir_.path() + " admin.simbind.lab admin") &&
          sh("issue " + dir_.path() + " ops.simbind.lab operator") && sh("init " + other_.path()) &&
          sh("issue " + other_.path() + " admin.simbind.lab admin");
  }
  bool ok() const { return ok_; }
  std::string file(const std::string& name) const { return dir_.file(name); }
  std::string other(const std::string& name) const { return other_.file(name); }
  // The daemon side: `tls:` lines at `indent`.
  std::string server_tls(const std::string& indent) const {
    return indent + "tls:\n" + indent + "  cert: " + file("api.simbind.lab.crt") + "\n" + indent +
           "  key: " + file("api.simbind.lab.key") + "\n" + indent + "  ca: " + file("ca.crt") + "\n";
  }
  // CLI options for a client certificate `name` from this CA (or the other one).
  std::string client(const std::string& name, bool other_ca = false) const {
    const std::string base = other_ca ? other(name) : file(name);
    return " --tls-ca " + file("ca.crt") + " --tls-cert " + base + ".crt --tls-key " + base + ".key";
  }

 private:
  bool sh(const std::string& args) {
    std::string out;
    const int rc = run_command(kLabCa + " " + args + " 2>&1", &out);
    if (rc != 0) ADD_FAILURE() << "lab-ca.sh " << args << ":\n" << out;
    return rc == 0;
  }
  TempDir dir_, other_;
  bool ok_ = false;
};

struct CliRun {
  int status;
  std::string out;  // stdout and stderr
};

// The real CLI, with SIMBIND_TLS_* cleared unless `env` sets them.
CliRun simbind(const std::string& args, const std::string& env = "") {
  CliRun r;
  r.status = run_command("env -u SIMBIND_TLS_CERT -u SIMBIND_TLS_KEY -u SIMBIND_TLS_CA " + env + " " +
                             daemon_path("services/cli/simbind") + " " + args + " 2>&1",
                         &r.out);
  return r;
}

std::string show(const CliRun& r) { return "exit " + std::to_string(r.status) + "\n" + r.out; }

class ApiTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new Pki();
    ASSERT_TRUE(pki_->ok());
    HssHarnessConfig config;
    config.admin_yaml = pki_->server_tls("  ");
    hss_ = new HssHarness(config);
    ASSERT_TRUE(hss_->start()) << hss_->process().log();
  }
  static void TearDownTestSuite() {
    delete hss_;
    delete pki_;
    hss_ = nullptr;
    pki_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(hss_, nullptr);
    ASSERT_TRUE(hss_->process().running()) << hss_->process().log();
  }
  static std::string hss() { return " --hss 127.0.0.1:" + std::to_string(hss_->admin_port()); }

  static Pki* pki_;
  static HssHarness* hss_;
};

Pki* ApiTls::pki_ = nullptr;
HssHarness* ApiTls::hss_ = nullptr;

TEST_F(ApiTls, when_the_cli_has_an_admin_certificate_then_hss_create_and_get_work) {
  const CliRun created = simbind("hss create --imsi " + kImsi + " --k " + random_hex(16) + " --opc " + random_hex(16) +
                              hss() + pki_->client("admin.simbind.lab"));
  ASSERT_EQ(created.status, 0) << show(created);

  // Global options before the subcommand work the same.
  const CliRun got = simbind(pki_->client("admin.simbind.lab") + " hss get --imsi " + kImsi + hss());
  EXPECT_EQ(got.status, 0) << show(got);
  EXPECT_TRUE(contains(got.out, kImsi)) << show(got);
  EXPECT_TRUE(hss_->process().wait_for_log("admin API on 127.0.0.1:" + std::to_string(hss_->admin_port()), 1s));
  EXPECT_TRUE(contains(hss_->process().log(), "mTLS, clients need OU admin")) << hss_->process().log();
}

TEST_F(ApiTls, when_the_files_come_from_the_environment_then_an_option_still_beats_its_variable) {
  const std::string as_admin = "SIMBIND_TLS_CA=" + pki_->file("ca.crt") +
                               " SIMBIND_TLS_CERT=" + pki_->file("admin.simbind.lab.crt") +
                               " SIMBIND_TLS_KEY=" + pki_->file("admin.simbind.lab.key");
  const CliRun listed = simbind("hss list" + hss(), as_admin);
  EXPECT_EQ(listed.status, 0) << show(listed);
  EXPECT_TRUE(contains(listed.out, "total")) << show(listed);

  // The environment names the operator; the options name the admin: the options win.
  const std::string as_operator = "SIMBIND_TLS_CA=" + pki_->file("ca.crt") +
                                  " SIMBIND_TLS_CERT=" + pki_->file("ops.simbind.lab.crt") +
                                  " SIMBIND_TLS_KEY=" + pki_->file("ops.simbind.lab.key");
  const CliRun denied = simbind("hss list" + hss(), as_operator);
  EXPECT_EQ(denied.status, 1) << show(denied);
  const CliRun beaten = simbind("hss list" + hss() + " --tls-cert " + pki_->file("admin.simbind.lab.crt") +
                                 " --tls-key " + pki_->file("admin.simbind.lab.key"),
                             as_operator);
  EXPECT_EQ(beaten.status, 0) << show(beaten);
}

TEST_F(ApiTls, when_the_cli_has_no_client_certificate_then_it_exits_1_saying_it_cannot_reach_the_hss) {
  const std::string address = "127.0.0.1:" + std::to_string(hss_->admin_port());
  // Plaintext against an mTLS port: the message points at the TLS options.
  const CliRun plain = simbind("hss get --imsi " + kImsi + hss());
  EXPECT_EQ(plain.status, 1) << show(plain);
  EXPECT_TRUE(contains(plain.out, "hss get: UNAVAILABLE: cannot reach simbind-hss at " + address)) << show(plain);
  EXPECT_TRUE(contains(plain.out, "If it has admin.tls, give --tls-ca, --tls-cert and --tls-key")) << show(plain);

  // TLS that trusts the server but presents no certificate: the handshake is refused.
  const CliRun no_cert = simbind("hss get --imsi " + kImsi + hss() + " --tls-ca " + pki_->file("ca.crt"));
  EXPECT_EQ(no_cert.status, 1) << show(no_cert);
  EXPECT_TRUE(contains(no_cert.out, "cannot reach simbind-hss at " + address + " over TLS (Is it running? It needs a "
                                    "client certificate: give --tls-cert and --tls-key."))
      << show(no_cert);
  EXPECT_FALSE(contains(no_cert.out, kImsi + "\n")) << "no subscriber data without a certificate";
}

TEST_F(ApiTls, when_the_client_certificate_comes_from_another_ca_then_the_handshake_fails) {
  const CliRun r = simbind("hss get --imsi " + kImsi + hss() + pki_->client("admin.simbind.lab", true));
  EXPECT_EQ(r.status, 1) << show(r);
  EXPECT_TRUE(contains(r.out, "over TLS (Is it running with TLS, does its certificate come from the CA in --tls-ca, "
                              "and does it accept the CA of --tls-cert?"))
      << show(r);
  EXPECT_FALSE(contains(r.out, "Handshake failed with fatal error")) << "gRPC's own log lines stay out: " << show(r);

  // And a CLI that trusts another CA does not accept the daemon's certificate.
  const CliRun wrong_trust = simbind("hss get --imsi " + kImsi + hss() + " --tls-ca " + pki_->other("ca.crt") +
                                  " --tls-cert " + pki_->file("admin.simbind.lab.crt") + " --tls-key " +
                                  pki_->file("admin.simbind.lab.key"));
  EXPECT_EQ(wrong_trust.status, 1) << show(wrong_trust);
  EXPECT_TRUE(contains(wrong_trust.out, "over TLS")) << show(wrong_trust);
}

TEST_F(ApiTls, when_the_certificate_has_another_ou_then_permission_is_denied_and_logged) {
  const CliRun r = simbind("hss get --imsi " + kImsi + hss() + pki_->client("ops.simbind.lab"));
  EXPECT_EQ(r.status, 1) << show(r);
  EXPECT_TRUE(contains(r.out, "hss get: PERMISSION_DENIED: simbind-hss admin API needs a client certificate with OU "
                              "admin; the caller (CN=ops.simbind.lab) has operator"))
      << show(r);
  EXPECT_TRUE(hss_->process().wait_for_log("refused a call by CN=ops.simbind.lab (OU operator): needs OU admin", 5s))
      << hss_->process().log();
}

TEST_F(ApiTls, when_the_server_name_differs_from_the_host_then_tls_server_name_sets_it) {
  const std::string at_localhost = " --hss localhost:" + std::to_string(hss_->admin_port());
  const CliRun mismatch = simbind("hss list" + at_localhost + pki_->client("admin.simbind.lab"));
  EXPECT_EQ(mismatch.status, 1) << show(mismatch) << "\nthe certificate names api.simbind.lab and 127.0.0.1 only";
  const CliRun named = simbind("hss list" + at_localhost + pki_->client("admin.simbind.lab") +
                            " --tls-server-name api.simbind.lab");
  EXPECT_EQ(named.status, 0) << show(named);
}

TEST_F(ApiTls, when_the_tls_options_are_incomplete_or_unreadable_then_exit_2_names_the_option) {
  const CliRun no_ca = simbind("hss list" + hss() + " --tls-cert " + pki_->file("admin.simbind.lab.crt") +
                            " --tls-key " + pki_->file("admin.simbind.lab.key"));
  EXPECT_EQ(no_ca.status, 2) << show(no_ca);
  EXPECT_TRUE(contains(no_ca.out, "--tls-ca")) << show(no_ca);
  const CliRun no_key = simbind("hss list" + hss() + " --tls-ca " + pki_->file("ca.crt") + " --tls-cert " +
                             pki_->file("admin.simbind.lab.crt"));
  EXPECT_EQ(no_key.status, 2) << show(no_key);
  EXPECT_TRUE(contains(no_key.out, "--tls-key")) << show(no_key);
  const CliRun missing = simbind("hss list" + hss() + " --tls-ca /nonexistent/ca.crt");
  EXPECT_EQ(missing.status, 2) << show(missing);
  EXPECT_TRUE(contains(missing.out, "--tls-ca: cannot read /nonexistent/ca.crt")) << show(missing);
}

TEST_F(ApiTls, when_the_config_is_printed_then_tls_is_on_without_key_material) {
  std::string out;
  ASSERT_EQ(run_command(daemon_path("services/hss/simbind-hss") + " --config " + hss_->config_path() +
                            " --print-config 2>&1",
                        &out),
            0)
      << out;
  EXPECT_TRUE(contains(out, "  tls: on  # mTLS: cert " + pki_->file("api.simbind.lab.crt"))) << out;
  EXPECT_FALSE(contains(out, "PRIVATE KEY")) << out;
  EXPECT_FALSE(contains(out, read_file(pki_->file("api.simbind.lab.key")).substr(40, 40))) << out;
}

TEST_F(ApiTls, when_admin_tls_is_incomplete_or_unreadable_then_the_hss_exits_2_naming_file_and_key) {
  TempDir dir;
  // The harness's file with the tls section cut down to a certificate and a CA.
  std::string yaml = read_file(hss_->config_path());
  const auto key_at = yaml.find("    key: ");
  ASSERT_NE(key_at, std::string::npos);
  std::string no_key = yaml;
  no_key.erase(key_at, no_key.find('\n', key_at) + 1 - key_at);
  const std::string no_key_path = dir.write("no-key.yaml", no_key);
  std::string out;
  EXPECT_EQ(run_command(daemon_path("services/hss/simbind-hss") + " --config " + no_key_path + " 2>&1", &out), 2)
      << out;
  EXPECT_TRUE(contains(out, no_key_path + ": admin.tls.key: is required")) << out;

  std::string unreadable = yaml;
  const auto cert_at = unreadable.find(pki_->file("api.simbind.lab.crt"));
  unreadable.replace(cert_at, pki_->file("api.simbind.lab.crt").size(), "/nonexistent/api.crt");
  const std::string unreadable_path = dir.write("unreadable.yaml", unreadable);
  EXPECT_EQ(run_command(daemon_path("services/hss/simbind-hss") + " --config " + unreadable_path + " 2>&1", &out), 2)
      << out;
  EXPECT_TRUE(contains(out, unreadable_path + ": admin.tls.cert: cannot read /nonexistent/api.crt")) << out;
}

// ---- simbind-ue control.tls ---------------------------------------------------------------------------------

// A simbind-ue whose MME is absent (it keeps reconnecting): the control API answers all the same.
class Ue {
 public:
  Ue(const std::string& control_yaml, const std::string& listen_host = "127.0.0.1") : port_(free_port()) {
    const std::string yaml = "log_level: info\n"
                             "mme: {address: 127.0.0.1, port: " + std::to_string(free_port()) + "}\n"
                             "store:\n"
                             "  directory: " + dir_.file("devices") + "\n"
                             "  storage_key_file: " + dir_.write("storage.key", random_hex(32) + "\n") + "\n"
                             "control:\n"
                             "  listen: " + listen_host + ":" + std::to_string(port_) + "\n" + control_yaml;
    process_ = std::make_unique<DaemonProcess>("simbind-ue", daemon_path("services/ue/simbind-ue"),
                                               std::vector<std::string>{"--config", dir_.write("ue.yaml", yaml)},
                                               dir_.file("ue.log"));
  }
  bool start() { return process_->start() && process_->wait_for_log("simbind-ue ready", 30s); }
  DaemonProcess& process() { return *process_; }
  std::string option() const { return " --ue 127.0.0.1:" + std::to_string(port_); }

 private:
  TempDir dir_;
  int port_;
  std::unique_ptr<DaemonProcess> process_;
};

TEST_F(ApiTls, when_simbind_ue_has_control_tls_then_only_an_admin_certificate_lists_the_ues) {
  Ue ue(pki_->server_tls("  "));
  ASSERT_TRUE(ue.start()) << ue.process().log();

  const CliRun listed = simbind("ue list" + ue.option() + pki_->client("admin.simbind.lab"));
  EXPECT_EQ(listed.status, 0) << show(listed);
  EXPECT_TRUE(contains(listed.out, "total")) << show(listed);

  const CliRun plain = simbind("ue list" + ue.option());
  EXPECT_EQ(plain.status, 1) << show(plain);
  EXPECT_TRUE(contains(plain.out, "ue list: UNAVAILABLE: cannot reach simbind-ue at")) << show(plain);
  EXPECT_TRUE(contains(plain.out, "If it has control.tls")) << show(plain);

  const CliRun no_cert = simbind("ue list" + ue.option() + " --tls-ca " + pki_->file("ca.crt"));
  EXPECT_EQ(no_cert.status, 1) << show(no_cert);
  EXPECT_TRUE(contains(no_cert.out, "over TLS")) << show(no_cert);

  const CliRun other_ca = simbind("ue list" + ue.option() + pki_->client("admin.simbind.lab", true));
  EXPECT_EQ(other_ca.status, 1) << show(other_ca);
  EXPECT_TRUE(contains(other_ca.out, "over TLS")) << show(other_ca);

  const CliRun operator_ou = simbind("ue list" + ue.option() + pki_->client("ops.simbind.lab"));
  EXPECT_EQ(operator_ou.status, 1) << show(operator_ou);
  EXPECT_TRUE(contains(operator_ou.out, "ue list: PERMISSION_DENIED: simbind-ue control API needs a client "
                                        "certificate with OU admin"))
      << show(operator_ou);
}

TEST_F(ApiTls, when_the_control_api_is_plaintext_then_a_non_loopback_listen_is_warned_about) {
  Ue loopback("");
  ASSERT_TRUE(loopback.start()) << loopback.process().log();
  const CliRun listed = simbind("ue list" + loopback.option());
  EXPECT_EQ(listed.status, 0) << show(listed);
  EXPECT_FALSE(contains(loopback.process().log(), "is not a loopback address")) << loopback.process().log();

  Ue everywhere("", "0.0.0.0");
  ASSERT_TRUE(everywhere.start()) << everywhere.process().log();
  EXPECT_TRUE(contains(everywhere.process().log(), "control.listen: 0.0.0.0:")) << everywhere.process().log();
  EXPECT_TRUE(contains(everywhere.process().log(), "is not a loopback address and the API is plaintext"))
      << everywhere.process().log();
  const CliRun over_loopback = simbind("ue list" + everywhere.option());
  EXPECT_EQ(over_loopback.status, 0) << show(over_loopback);
}

// ---- simbind-prov admin.tls ---------------------------------------------------------------------------------

TEST_F(ApiTls, when_simbind_prov_has_admin_tls_then_an_admin_imports_and_others_are_refused) {
  TempDir dir;
  const int admin_port = free_port();
  const std::string transfer_key = dir.write("transfer.key", random_hex(32) + "\n");
  // Neither the HSS nor keydir is needed for an import: prov keeps reconnecting to them in the background.
  const std::string yaml = "log_level: info\n"
                           "diameter:\n"
                           "  identity: prov.test.simbind.lab\n"
                           "  realm: simbind.lab\n"
                           "  port: " + std::to_string(free_port()) + "\n"
                           "  tc_timer: 1\n"
                           "  peers: [{identity: hss.test.simbind.lab, address: 127.0.0.1, port: " +
                           std::to_string(free_port()) + "}]\n"
                           "keydir:\n"
                           "  address: 127.0.0.1:" + std::to_string(free_port()) + "\n"
                           "  tls: {cert: " + pki_->file("ops.simbind.lab.crt") + ", key: " +
                           pki_->file("ops.simbind.lab.key") + ", ca: " + pki_->file("ca.crt") + "}\n"
                           "kek_file: " + dir.write("kek.key", random_hex(16) + "\n") + "\n"
                           "store: {path: " + dir.file("prov.db") + ", master_key_file: " +
                           dir.write("master.key", random_hex(32) + "\n") + "}\n"
                           "import_key_file: " + transfer_key + "\n"
                           "admin:\n"
                           "  listen: 127.0.0.1:" + std::to_string(admin_port) + "\n" + pki_->server_tls("  ");
  DaemonProcess prov("simbind-prov", daemon_path("services/provisioning/simbind-prov"),
                     {"--config", dir.write("prov.yaml", yaml)}, dir.file("prov.log"));
  ASSERT_TRUE(prov.start() && prov.wait_for_log("simbind-prov ready", 30s)) << prov.log();

  const std::string exported = dir.file("factory.enc");
  const CliRun made = simbind("factory make --count 2 --imei-start 35693803562770 --with-kme --profiles " +
                           dir.file("factory.yaml") + " --kme-export " + exported + " --export-key-file " +
                           transfer_key);
  ASSERT_EQ(made.status, 0) << show(made);
  const std::string at = " --prov 127.0.0.1:" + std::to_string(admin_port);

  const CliRun plain = simbind("prov import --file " + exported + at);
  EXPECT_EQ(plain.status, 1) << show(plain);
  EXPECT_TRUE(contains(plain.out, "prov import: UNAVAILABLE: cannot reach simbind-prov at")) << show(plain);

  const CliRun no_cert = simbind("prov import --file " + exported + at + " --tls-ca " + pki_->file("ca.crt"));
  EXPECT_EQ(no_cert.status, 1) << show(no_cert);
  EXPECT_TRUE(contains(no_cert.out, "over TLS")) << show(no_cert);

  const CliRun operator_ou = simbind("prov import --file " + exported + at + pki_->client("ops.simbind.lab"));
  EXPECT_EQ(operator_ou.status, 1) << show(operator_ou);
  EXPECT_TRUE(contains(operator_ou.out, "PERMISSION_DENIED: simbind-prov admin API needs a client certificate"))
      << show(operator_ou);

  const CliRun imported =
      simbind("prov import --file " + exported + at + pki_->client("admin.simbind.lab") + " --json");
  EXPECT_EQ(imported.status, 0) << show(imported);
  EXPECT_TRUE(contains(imported.out, "\"imported\":2")) << show(imported);
}

}  // namespace
}  // namespace simbind::test
