#include "tests/integration/support/backoffice_harness.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "keydir.grpc.pb.h"
#include "tests/integration/support/metrics_scrape.h"

namespace simbind::test {
namespace {

namespace kdv1 = simbind::keydir::v1;

const std::string kLabCa = std::string(SIMBIND_SOURCE_DIR) + "/deploy/certs/lab-ca.sh";

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

BackofficeHarness::BackofficeHarness(BackofficeOptions opts)
    : options(opts),
      keydir_port(free_port()),
      prov_port(free_port()),
      prov_admin_port(free_port()),
      kek_hex(random_hex(16)),
      transfer_key_file(dir.write("transfer.key", random_hex(32) + "\n")) {
  if (options.with_metrics) {
    keydir_metrics = free_port();
    prov_metrics = free_port();
  }
}

bool BackofficeHarness::make_pki() {
  for (const std::string& args : {"init " + dir.file("certs"),
                                 "issue " + dir.file("certs") + " keydir.simbind.lab server",
                                 "issue " + dir.file("certs") + " factory.simbind.lab manufacturer",
                                 "issue " + dir.file("certs") + " prov.test.simbind.lab operator"}) {
    std::string out;
    if (run_command(kLabCa + " " + args, &out) != 0) {
      ADD_FAILURE() << "lab-ca.sh " << args << ":\n" << out;
      return false;
    }
  }
  return true;
}

bool BackofficeHarness::start_keydir() {
  const std::string yaml = "listen: 127.0.0.1:" + std::to_string(keydir_port) + "\n"
                           "tls: {cert: " + cert("keydir.simbind.lab.crt") + ", key: " + cert("keydir.simbind.lab.key") +
                           ", ca: " + cert("ca.crt") + "}\n"
                           "store: {path: " + dir.file("keydir.db") + "}\n" + metrics_yaml(keydir_metrics);
  keydir = std::make_unique<DaemonProcess>("simbind-keydir", daemon_path("services/keydir/simbind-keydir"),
                                           std::vector<std::string>{"--config", dir.write("keydir.yaml", yaml)},
                                           dir.file("keydir.log"));
  return keydir->start() && keydir->wait_for_log("simbind-keydir ready", std::chrono::seconds(20));
}

bool BackofficeHarness::start_prov(const HssHarness& hss) {
  const std::string kek = dir.write("prov-kek.key", kek_hex + "\n");
  std::string yaml = "log_level: debug\n"
                     "diameter:\n"
                     "  identity: prov.test.simbind.lab\n"
                     "  realm: simbind.lab\n"
                     "  port: " + std::to_string(prov_port) + "\n"
                     "  tc_timer: 1\n"
                     "  peers: [{identity: hss.test.simbind.lab, address: 127.0.0.1, port: " +
                     std::to_string(hss.diameter_port()) + "}]\n"
                     "keydir:\n"
                     "  address: 127.0.0.1:" + std::to_string(keydir_port) + "\n"
                     "  timeout_ms: 2000\n"
                     "  tls: {cert: " + cert("prov.test.simbind.lab.crt") + ", key: " +
                     cert("prov.test.simbind.lab.key") + ", ca: " + cert("ca.crt") + "}\n"
                     "kek_file: " + kek + "\n" + metrics_yaml(prov_metrics);
  if (options.with_back_office) {
    yaml += "store: {path: " + dir.file("prov.db") + ", master_key_file: " +
            dir.write("prov-master.key", random_hex(32) + "\n") + "}\n"
            "import_key_file: " + transfer_key_file + "\n"
            "admin: {listen: 127.0.0.1:" + std::to_string(prov_admin_port) + "}\n";
  }
  prov = std::make_unique<DaemonProcess>("simbind-prov", daemon_path("services/provisioning/simbind-prov"),
                                         std::vector<std::string>{"--config", dir.write("prov.yaml", yaml)},
                                         dir.file("prov.log"));
  return prov->start() && prov->wait_for_log("simbind-prov ready", std::chrono::seconds(30));
}

int BackofficeHarness::simbind(const std::string& args, std::string* out) const {
  return run_command(daemon_path("services/cli/simbind") + " " + args + " 2>&1", out);
}

grpc::Status BackofficeHarness::register_device(const std::string& imei15, const simbind::ue::v1::UeStatus& ue) const {
  grpc::SslCredentialsOptions o;
  o.pem_root_certs = read_file(cert("ca.crt"));
  o.pem_private_key = read_file(cert("factory.simbind.lab.key"));
  o.pem_cert_chain = read_file(cert("factory.simbind.lab.crt"));
  auto stub = kdv1::KeyDirectory::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(keydir_port), grpc::SslCredentials(o)));
  kdv1::RegisterDeviceRequest req;
  req.set_imei(imei15);
  req.set_scheme(ue.key_scheme() == "ecies-b"    ? kdv1::ECIES_PROFILE_B
                 : ue.key_scheme() == "rsa-2048" ? kdv1::RSA_OAEP_SHA256
                                                 : kdv1::ECIES_PROFILE_A);
  req.set_public_key(ue.public_key());
  kdv1::DeviceKey out;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return stub->RegisterDevice(&ctx, req, &out);
}

}  // namespace simbind::test
