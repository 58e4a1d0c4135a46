// simbind-hss with Diameter over TLS (TLS-on-connect, RFC 6733 13): a peer with a certificate from the lab CA
// is served; a peer whose certificate comes from another CA, and a peer without TLS, are refused, and the HSS
// keeps running. Certificates are made here with the openssl command.
#include <gtest/gtest.h>

#include "tests/integration/support/hss_harness.h"

namespace simbind::test {
namespace {

class Pki {
 public:
  Pki() {
    ok_ = sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj '/CN=lab CA'") &&
          sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.crt -days 2 "
             "-subj '/CN=other CA'") &&
          issue("hss.tls.simbind.lab", "ca") && issue("mme.tls.simbind.lab", "ca") &&
          issue("mme.tls.simbind.lab", "other-ca", "impostor");
  }
  bool ok() const { return ok_; }
  std::string path(const std::string& f) const { return dir_.file(f); }

 private:
  bool sh(const std::string& cmd) {
    std::string out;
    const int rc = run_command("cd " + dir_.path() + " && " + cmd, &out);
    if (rc != 0) ADD_FAILURE() << cmd << ":\n" << out;
    return rc == 0;
  }
  // A key and a certificate for `name` (CN and subjectAltName) signed by `ca`, stored as <file>.crt/.key.
  bool issue(const std::string& name, const std::string& ca, std::string file = "") {
    if (file.empty()) file = name;
    return sh("openssl req -newkey rsa:2048 -nodes -keyout " + file + ".key -out " + file + ".csr -subj '/CN=" + name +
              "' && printf 'subjectAltName=DNS:" + name + "' > " + file + ".ext && openssl x509 -req -in " + file +
              ".csr -CA " + ca + ".crt -CAkey " + ca + ".key -CAcreateserial -days 2 -out " + file + ".crt -extfile " +
              file + ".ext && chmod 600 " + file + ".key");
  }
  TempDir dir_;
  bool ok_ = false;
};

// Exit status of one simbind-s6a-bench run (0 = served, 3 = never got a connection).
int bench(const HssHarness& hss, const std::string& tls_args, int connect_timeout_s, std::string* out) {
  return run_command(daemon_path("tests/bench/simbind-s6a-bench") +
                         " --identity mme.tls.simbind.lab --peer hss.tls.simbind.lab --port " +
                         std::to_string(hss.diameter_port()) +
                         " --imsi-base 001010000000042 --imsis 1 --window 1 --count 2 --connect-timeout " +
                         std::to_string(connect_timeout_s) + " " + tls_args,
                     out);
}

TEST(HssTls, when_peers_use_tls_then_only_certificates_from_the_lab_ca_are_served) {
  Pki pki;
  ASSERT_TRUE(pki.ok());
  HssHarnessConfig config;
  config.identity = "hss.tls.simbind.lab";
  config.mme_identity = "mme.tls.simbind.lab";
  config.diameter_yaml = "  tls: {cert: " + pki.path("hss.tls.simbind.lab.crt") + ", key: " +
                         pki.path("hss.tls.simbind.lab.key") + ", ca: " + pki.path("ca.crt") + "}\n";
  HssHarness hss(config);
  ASSERT_TRUE(hss.start()) << hss.process().log();
  hss.create_subscriber("001010000000042");

  const std::string good = "--tls-cert " + pki.path("mme.tls.simbind.lab.crt") + " --tls-key " +
                           pki.path("mme.tls.simbind.lab.key") + " --tls-ca " + pki.path("ca.crt");
  std::string out;
  EXPECT_EQ(bench(hss, good, 20, &out), 0) << out << hss.process().log();
  EXPECT_NE(hss.process().log().find("peer mme.tls.simbind.lab is open"), std::string::npos);

  const int impostor = bench(hss,
                             "--tls-cert " + pki.path("impostor.crt") + " --tls-key " + pki.path("impostor.key") +
                                 " --tls-ca " + pki.path("other-ca.crt"),
                             5, &out);
  EXPECT_NE(impostor, 0) << "a certificate from another CA with the right name is refused\n" << out;
  EXPECT_NE(bench(hss, "", 5, &out), 0) << "a peer without TLS is refused\n" << out;
  EXPECT_NE(hss.process().log().find("TLS handshake failed"), std::string::npos) << hss.process().log();
  ASSERT_TRUE(hss.process().running()) << "refusals never take the HSS down\n" << hss.process().log();
  EXPECT_EQ(bench(hss, good, 20, &out), 0) << "and the genuine peer is still served\n" << out;
}

}  // namespace
}  // namespace simbind::test
