// simbind-keydir as a process with a lab CA made by deploy/certs/lab-ca.sh: manufacturers register device keys,
// operators look them up, roles come from the client certificate's OU, and everything else is refused with the
// right gRPC status; the TLS handshake fails without a client certificate or with one from another CA.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "common/crypto/key_wrap.h"
#include "common/util/hex.h"
#include "common/util/identifiers.h"
#include "keydir.grpc.pb.h"
#include "tests/integration/support/process.h"

namespace simbind::test {
namespace {

namespace v1 = simbind::keydir::v1;
using namespace std::chrono_literals;

const std::string kLabCa = std::string(SIMBIND_SOURCE_DIR) + "/deploy/certs/lab-ca.sh";

std::string imei(const char* fourteen_digits) { return Imei::create(fourteen_digits).value().str(); }

// SHA-256 computed here with OpenSSL directly, not with the code under test.
std::string sha256_hex(const std::string& data) {
  unsigned char md[32];
  std::size_t len = 0;
  EXPECT_EQ(EVP_Q_digest(nullptr, "SHA256", nullptr, data.data(), data.size(), md, &len), 1);
  return to_hex(ByteView(md, len));
}

std::string as_string(const Bytes& b) { return std::string(b.begin(), b.end()); }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A lab CA with a server certificate, a manufacturer, an operator and a role-less client, plus a second CA
// that issues an "operator" certificate the directory must not accept.
class Pki {
 public:
  Pki() {
    ok_ = sh("init " + dir_.path()) && sh("issue " + dir_.path() + " keydir.simbind.lab server localhost") &&
          sh("issue " + dir_.path() + " factory.simbind.lab manufacturer") &&
          sh("issue " + dir_.path() + " prov.simbind.lab operator") &&
          sh("issue " + dir_.path() + " someone.simbind.lab server") && sh("init " + other_.path()) &&
          sh("issue " + other_.path() + " prov.simbind.lab operator");
  }
  bool ok() const { return ok_; }
  std::string file(const std::string& name) const { return dir_.file(name); }
  std::string other(const std::string& name) const { return other_.file(name); }
  bool sh(const std::string& args) {
    std::string out;
    const int rc = run_command(kLabCa + " " + args, &out);
    if (rc != 0) ADD_FAILURE() << "lab-ca.sh " << args << ":\n" << out;
    return rc == 0;
  }

 private:
  TempDir dir_, other_;
  bool ok_ = false;
};

// One simbind-keydir with its own store and configuration, on a free port.
class Keydir {
 public:
  explicit Keydir(const Pki& pki) : port_(free_port()) {
    config_ = dir_.write("keydir.yaml", "log_level: info\nlisten: 127.0.0.1:" + std::to_string(port_) +
                                            "\ntls:\n  cert: " + pki.file("keydir.simbind.lab.crt") + "\n  key: " +
                                            pki.file("keydir.simbind.lab.key") + "\n  ca: " + pki.file("ca.crt") +
                                            "\nstore:\n  path: " + dir_.file("keydir.db") + "\n");
    make_process();
  }
  bool start() { return process_->start() && process_->wait_for_log("simbind-keydir ready", 20s); }
  // Stops the process and starts a new one on the same configuration and store.
  bool restart() {
    if (process_->stop() != 0) return false;
    make_process();
    return start();
  }
  DaemonProcess& process() { return *process_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  const std::string& config_path() const { return config_; }

 private:
  void make_process() {
    process_ = std::make_unique<DaemonProcess>("simbind-keydir", daemon_path("services/keydir/simbind-keydir"),
                                               std::vector<std::string>{"--config", config_},
                                               dir_.file("keydir-" + std::to_string(++runs_) + ".log"));
  }
  TempDir dir_;
  int port_;
  int runs_ = 0;
  std::string config_;
  std::unique_ptr<DaemonProcess> process_;
};

// A client with the given certificate and key (empty: none), trusting `ca`.
class Client {
 public:
  Client(const std::string& address, const std::string& ca, const std::string& cert = "", const std::string& key = "") {
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = read_file(ca);
    if (!cert.empty()) {
      tls.pem_cert_chain = read_file(cert);
      tls.pem_private_key = read_file(key);
    }
    stub_ = v1::KeyDirectory::NewStub(grpc::CreateChannel(address, grpc::SslCredentials(tls)));
  }

  grpc::Status register_device(const std::string& imei, v1::KeyScheme scheme, const std::string& public_key,
                               v1::DeviceKey* out = nullptr) {
    v1::RegisterDeviceRequest request;
    request.set_imei(imei);
    request.set_scheme(scheme);
    request.set_public_key(public_key);
    return call(&v1::KeyDirectory::Stub::RegisterDevice, request, out);
  }
  struct Device {
    std::string imei;
    v1::KeyScheme scheme;
    std::string public_key;
  };
  grpc::Status register_devices(const std::vector<Device>& devices, v1::RegisteredDevices* out = nullptr) {
    v1::RegisterDevicesRequest request;
    for (const auto& d : devices) {
      auto* r = request.add_devices();
      r->set_imei(d.imei);
      r->set_scheme(d.scheme);
      r->set_public_key(d.public_key);
    }
    return call(&v1::KeyDirectory::Stub::RegisterDevices, request, out, 30s);
  }
  grpc::Status get(const std::string& imei, v1::DeviceKey* out = nullptr) {
    v1::GetDevicePublicKeyRequest request;
    request.set_imei(imei);
    return call(&v1::KeyDirectory::Stub::GetDevicePublicKey, request, out);
  }

 private:
  // One unary call with a deadline; the answer goes to `out` when given.
  template <typename Request, typename Response>
  grpc::Status call(grpc::Status (v1::KeyDirectory::Stub::*rpc)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* out, std::chrono::seconds timeout = 10s) {
    Response response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + timeout);
    auto status = (stub_.get()->*rpc)(&context, request, &response);
    if (out) *out = response;
    return status;
  }
  std::unique_ptr<v1::KeyDirectory::Stub> stub_;
};

class KeydirTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new Pki();
    ASSERT_TRUE(pki_->ok());
    keydir_ = new Keydir(*pki_);
    ASSERT_TRUE(keydir_->start()) << keydir_->process().log();
  }
  static void TearDownTestSuite() {
    delete keydir_;
    delete pki_;
    keydir_ = nullptr;
    pki_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(keydir_, nullptr);
    ASSERT_TRUE(keydir_->process().running()) << keydir_->process().log();
  }

  static Client manufacturer(const Keydir& k) {
    return Client(k.address(), pki_->file("ca.crt"), pki_->file("factory.simbind.lab.crt"),
                  pki_->file("factory.simbind.lab.key"));
  }
  static Client op(const Keydir& k) {
    return Client(k.address(), pki_->file("ca.crt"), pki_->file("prov.simbind.lab.crt"),
                  pki_->file("prov.simbind.lab.key"));
  }
  static std::string public_key(crypto::KeyWrapScheme scheme) {
    return as_string(crypto::generate_device_key_pair(scheme).value().public_key);
  }

  static Pki* pki_;
  static Keydir* keydir_;
};

Pki* KeydirTest::pki_ = nullptr;
Keydir* KeydirTest::keydir_ = nullptr;

TEST_F(KeydirTest, when_a_manufacturer_registers_keys_of_each_scheme_then_an_operator_reads_the_same_keys_back) {
  struct Case {
    const char* tac_snr;
    crypto::KeyWrapScheme scheme;
    v1::KeyScheme proto;
  };
  for (const Case& c : {Case{"35693803564001", crypto::KeyWrapScheme::ecies_profile_a, v1::ECIES_PROFILE_A},
                        Case{"35693803564002", crypto::KeyWrapScheme::ecies_profile_b, v1::ECIES_PROFILE_B},
                        Case{"35693803564003", crypto::KeyWrapScheme::rsa_oaep_sha256, v1::RSA_OAEP_SHA256}}) {
    SCOPED_TRACE(crypto::to_string(c.scheme));
    const std::string key = public_key(c.scheme);
    v1::DeviceKey registered;
    // 14 digits in: the directory stores and answers the 15-digit IMEI.
    ASSERT_TRUE(manufacturer(*keydir_).register_device(c.tac_snr, c.proto, key, &registered).ok());
    EXPECT_EQ(registered.imei(), imei(c.tac_snr));

    v1::DeviceKey got;
    const auto status = op(*keydir_).get(imei(c.tac_snr), &got);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(got.imei(), imei(c.tac_snr));
    EXPECT_EQ(got.scheme(), c.proto);
    EXPECT_EQ(got.public_key(), key);
    EXPECT_EQ(got.fingerprint(), sha256_hex(key));
    EXPECT_EQ(got.registered_unix_ms(), registered.registered_unix_ms());
    const auto now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    EXPECT_GT(got.registered_unix_ms(), now_ms - 60'000);
    EXPECT_LE(got.registered_unix_ms(), now_ms);
  }
}

TEST_F(KeydirTest, when_the_caller_has_the_wrong_role_then_permission_is_denied_naming_both_roles) {
  const std::string device = imei("35693803564010");
  auto denied =
      op(*keydir_).register_device(device, v1::ECIES_PROFILE_A, public_key(crypto::KeyWrapScheme::ecies_profile_a));
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(denied.error_message().find("needs role manufacturer"), std::string::npos) << denied.error_message();
  EXPECT_NE(denied.error_message().find("operator"), std::string::npos) << denied.error_message();

  ASSERT_TRUE(manufacturer(*keydir_)
                  .register_device(device, v1::ECIES_PROFILE_A, public_key(crypto::KeyWrapScheme::ecies_profile_a))
                  .ok());
  denied = manufacturer(*keydir_).get(device);
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(denied.error_message().find("needs role operator"), std::string::npos) << denied.error_message();

  // A certificate from the lab CA without either role may do neither.
  Client nobody(keydir_->address(), pki_->file("ca.crt"), pki_->file("someone.simbind.lab.crt"),
                pki_->file("someone.simbind.lab.key"));
  EXPECT_EQ(nobody.get(device).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(nobody
                .register_device(imei("35693803564011"), v1::ECIES_PROFILE_A,
                                 public_key(crypto::KeyWrapScheme::ecies_profile_a))
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(op(*keydir_).get(imei("35693803564011")).error_code(), grpc::StatusCode::NOT_FOUND)
      << "a denied registration stores nothing";
}

TEST_F(KeydirTest, when_the_imei_is_unknown_then_not_found) {
  const auto status = op(*keydir_).get(imei("49015420323700"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(status.error_message().find(imei("49015420323700")), std::string::npos) << status.error_message();
}

TEST_F(KeydirTest, when_imei_scheme_or_key_is_malformed_then_invalid_argument_names_the_field) {
  const std::string x25519 = public_key(crypto::KeyWrapScheme::ecies_profile_a);
  auto m = manufacturer(*keydir_);

  std::string bad_luhn = imei("35693803564020");
  bad_luhn.back() = bad_luhn.back() == '9' ? '0' : static_cast<char>(bad_luhn.back() + 1);
  auto status = m.register_device(bad_luhn, v1::ECIES_PROFILE_A, x25519);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind("imei:", 0), 0u) << status.error_message();
  EXPECT_EQ(op(*keydir_).get("1234").error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  status = m.register_device(imei("35693803564021"), v1::KEY_SCHEME_UNSPECIFIED, x25519);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind("scheme:", 0), 0u) << status.error_message();

  // An X25519 key offered as a P-256 point, a truncated key, a point that is not on the curve, garbage as RSA.
  std::string off_curve(65, '\0');
  off_curve[0] = 0x04;
  off_curve[64] = 0x01;
  for (const auto& [scheme, key] :
       {std::pair{v1::ECIES_PROFILE_B, x25519}, std::pair{v1::ECIES_PROFILE_A, x25519.substr(0, 31)},
        std::pair{v1::ECIES_PROFILE_B, off_curve}, std::pair{v1::RSA_OAEP_SHA256, std::string(294, 'x')},
        std::pair{v1::ECIES_PROFILE_A, std::string()}}) {
    status = m.register_device(imei("35693803564022"), scheme, key);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << scheme << " " << key.size();
    EXPECT_EQ(status.error_message().rfind("public_key:", 0), 0u) << status.error_message();
  }
  EXPECT_EQ(op(*keydir_).get(imei("35693803564022")).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(KeydirTest, when_an_imei_is_registered_again_then_the_same_key_is_accepted_and_another_refused) {
  const std::string device = imei("35693803564030");
  const std::string key = public_key(crypto::KeyWrapScheme::ecies_profile_b);
  auto m = manufacturer(*keydir_);
  v1::DeviceKey first, again;
  ASSERT_TRUE(m.register_device(device, v1::ECIES_PROFILE_B, key, &first).ok());
  ASSERT_TRUE(m.register_device(device, v1::ECIES_PROFILE_B, key, &again).ok()) << "idempotent";
  EXPECT_EQ(again.registered_unix_ms(), first.registered_unix_ms());

  const auto swapped =
      m.register_device(device, v1::ECIES_PROFILE_B, public_key(crypto::KeyWrapScheme::ecies_profile_b));
  EXPECT_EQ(swapped.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_NE(swapped.error_message().find(sha256_hex(key)), std::string::npos) << swapped.error_message();
  const auto other_scheme =
      m.register_device(device, v1::ECIES_PROFILE_A, public_key(crypto::KeyWrapScheme::ecies_profile_a));
  EXPECT_EQ(other_scheme.error_code(), grpc::StatusCode::ALREADY_EXISTS);

  v1::DeviceKey stored;
  ASSERT_TRUE(op(*keydir_).get(device, &stored).ok());
  EXPECT_EQ(stored.public_key(), key);
  EXPECT_EQ(stored.scheme(), v1::ECIES_PROFILE_B);
  EXPECT_EQ(stored.fingerprint(), sha256_hex(key));
}

TEST_F(KeydirTest, when_the_client_has_no_certificate_or_one_from_another_ca_then_the_handshake_fails) {
  const std::string device = imei("35693803564040");
  ASSERT_TRUE(manufacturer(*keydir_)
                  .register_device(device, v1::ECIES_PROFILE_A, public_key(crypto::KeyWrapScheme::ecies_profile_a))
                  .ok());

  Client anonymous(keydir_->address(), pki_->file("ca.crt"));
  EXPECT_EQ(anonymous.get(device).error_code(), grpc::StatusCode::UNAVAILABLE);

  // The impostor's certificate names the operator role, but no CA the directory trusts issued it.
  Client impostor(keydir_->address(), pki_->file("ca.crt"), pki_->other("prov.simbind.lab.crt"),
                  pki_->other("prov.simbind.lab.key"));
  EXPECT_EQ(impostor.get(device).error_code(), grpc::StatusCode::UNAVAILABLE);

  // And a client that trusts another CA does not accept the directory's server certificate.
  Client wrong_trust(keydir_->address(), pki_->other("ca.crt"), pki_->file("prov.simbind.lab.crt"),
                     pki_->file("prov.simbind.lab.key"));
  EXPECT_EQ(wrong_trust.get(device).error_code(), grpc::StatusCode::UNAVAILABLE);

  ASSERT_TRUE(keydir_->process().running());
  EXPECT_TRUE(op(*keydir_).get(device).ok()) << "and a genuine operator is still served";
}

TEST_F(KeydirTest, when_an_operator_looks_a_key_up_then_the_log_names_the_caller_and_the_outcome) {
  const std::string known = imei("35693803564050");
  const std::string unknown = imei("35693803564051");
  ASSERT_TRUE(manufacturer(*keydir_)
                  .register_device(known, v1::ECIES_PROFILE_A, public_key(crypto::KeyWrapScheme::ecies_profile_a))
                  .ok());
  EXPECT_TRUE(op(*keydir_).get(known).ok());
  EXPECT_EQ(op(*keydir_).get(unknown).error_code(), grpc::StatusCode::NOT_FOUND);

  EXPECT_TRUE(keydir_->process().wait_for_log(
      "GetDevicePublicKey IMEI " + known + " by operator CN=prov.simbind.lab : found", 5s))
      << keydir_->process().log();
  EXPECT_TRUE(keydir_->process().wait_for_log(
      "GetDevicePublicKey IMEI " + unknown + " by operator CN=prov.simbind.lab : not found", 5s))
      << keydir_->process().log();
  EXPECT_TRUE(keydir_->process().wait_for_log(
      "RegisterDevice IMEI " + known + " by manufacturer CN=factory.simbind.lab : registered", 5s))
      << keydir_->process().log();
}

TEST_F(KeydirTest, when_a_manufacturer_registers_a_batch_then_every_key_reads_back_and_a_repeat_changes_nothing) {
  Client m = manufacturer(*keydir_);
  std::vector<Client::Device> batch;
  for (int i = 0; i < 300; ++i) {
    const auto scheme = i % 3 == 0 ? crypto::KeyWrapScheme::ecies_profile_a
                        : i % 3 == 1 ? crypto::KeyWrapScheme::ecies_profile_b
                                     : crypto::KeyWrapScheme::rsa_oaep_sha256;
    batch.push_back({imei(("35693810" + std::to_string(1000000 + i).substr(1)).c_str()),
                     static_cast<v1::KeyScheme>(scheme), public_key(scheme)});
  }
  v1::RegisteredDevices answer;
  ASSERT_TRUE(m.register_devices(batch, &answer).ok());
  EXPECT_EQ(answer.created(), 300u);
  EXPECT_EQ(answer.already_registered(), 0u);
  ASSERT_EQ(answer.devices_size(), 300);
  for (std::size_t i = 0; i < batch.size(); i += 37) {
    v1::DeviceKey got;
    ASSERT_TRUE(op(*keydir_).get(batch[i].imei, &got).ok()) << batch[i].imei;
    EXPECT_EQ(got.public_key(), batch[i].public_key);
    EXPECT_EQ(got.scheme(), batch[i].scheme);
    EXPECT_EQ(got.fingerprint(), sha256_hex(batch[i].public_key));
  }
  ASSERT_TRUE(m.register_devices(batch, &answer).ok()) << "the same keys again: idempotent";
  EXPECT_EQ(answer.created(), 0u);
  EXPECT_EQ(answer.already_registered(), 300u);
}

TEST_F(KeydirTest, when_one_device_of_a_batch_conflicts_or_is_invalid_then_nothing_of_the_batch_is_stored) {
  Client m = manufacturer(*keydir_);
  const auto a = crypto::KeyWrapScheme::ecies_profile_a;
  const std::string taken = imei("35693820000001");
  ASSERT_TRUE(m.register_device(taken, v1::ECIES_PROFILE_A, public_key(a)).ok());
  const std::string fresh = imei("35693820000002");
  // Another key for an IMEI that has one, behind a new device.
  auto status = m.register_devices({{fresh, v1::ECIES_PROFILE_A, public_key(a)}, {taken, v1::ECIES_PROFILE_A, public_key(a)}});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_NE(status.error_message().find(taken), std::string::npos) << status.error_message();
  EXPECT_EQ(op(*keydir_).get(fresh).error_code(), grpc::StatusCode::NOT_FOUND) << "the batch was stored in part";
  // An invalid key at index 1.
  status = m.register_devices({{fresh, v1::ECIES_PROFILE_A, public_key(a)}, {imei("35693820000003"), v1::ECIES_PROFILE_A, "short"}});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("devices[1]"), std::string::npos) << status.error_message();
  EXPECT_EQ(op(*keydir_).get(fresh).error_code(), grpc::StatusCode::NOT_FOUND);
  // None, or more than the limit.
  EXPECT_EQ(m.register_devices({}).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::vector<Client::Device> too_many(10'001, Client::Device{fresh, v1::ECIES_PROFILE_A, std::string(32, 'k')});
  EXPECT_EQ(m.register_devices(too_many).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  // An operator may not register.
  EXPECT_EQ(op(*keydir_).register_devices({{fresh, v1::ECIES_PROFILE_A, public_key(a)}}).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(op(*keydir_).get(fresh).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(KeydirTest, when_the_daemon_restarts_then_the_keys_are_still_there) {
  Keydir own(*pki_);
  ASSERT_TRUE(own.start()) << own.process().log();
  const std::string device = imei("35693803564060");
  const std::string key = public_key(crypto::KeyWrapScheme::rsa_oaep_sha256);
  v1::DeviceKey registered;
  ASSERT_TRUE(manufacturer(own).register_device(device, v1::RSA_OAEP_SHA256, key, &registered).ok());

  ASSERT_TRUE(own.restart()) << "SIGTERM ends it with status 0, and it starts again\n" << own.process().log();
  v1::DeviceKey got;
  ASSERT_TRUE(op(own).get(device, &got).ok());
  EXPECT_EQ(got.public_key(), key);
  EXPECT_EQ(got.registered_unix_ms(), registered.registered_unix_ms());
  EXPECT_EQ(manufacturer(own)
                .register_device(device, v1::RSA_OAEP_SHA256, public_key(crypto::KeyWrapScheme::rsa_oaep_sha256))
                .error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(KeydirTest, when_the_config_is_bad_then_it_exits_2_naming_file_and_key) {
  TempDir dir;
  const std::string config =
      dir.write("keydir.yaml", "listen: 127.0.0.1:" + std::to_string(free_port()) +
                                   "\nlisten_port: 9443\ntls:\n  cert: " + pki_->file("keydir.simbind.lab.crt") +
                                   "\n  ca: " + pki_->file("ca.crt") + "\n");
  DaemonProcess bad("simbind-keydir", daemon_path("services/keydir/simbind-keydir"), {"--config", config},
                    dir.file("bad.log"));
  ASSERT_TRUE(bad.start());
  EXPECT_EQ(bad.wait_exit(20s), 2);
  EXPECT_NE(bad.log().find(config + ": tls.key: is required"), std::string::npos) << bad.log();
  EXPECT_NE(bad.log().find(config + ": listen_port: unknown key"), std::string::npos) << bad.log();

  // A TLS file that cannot be read is a configuration error too.
  const std::string missing = dir.write(
      "missing.yaml", "tls: {cert: " + dir.file("nope.crt") + ", key: " + pki_->file("keydir.simbind.lab.key") +
                          ", ca: " + pki_->file("ca.crt") + "}\nstore: {path: " + dir.file("k.db") + "}\n");
  DaemonProcess no_cert("simbind-keydir", daemon_path("services/keydir/simbind-keydir"), {"--config", missing},
                        dir.file("missing.log"));
  ASSERT_TRUE(no_cert.start());
  EXPECT_EQ(no_cert.wait_exit(20s), 2);
  EXPECT_NE(no_cert.log().find(missing + ": tls.cert: cannot read " + dir.file("nope.crt")), std::string::npos)
      << no_cert.log();
}

TEST_F(KeydirTest, when_the_cli_registers_and_gets_a_key_then_it_prints_it_and_maps_errors_to_exit_1) {
  TempDir dir;
  const auto pair = crypto::generate_device_key_pair(crypto::KeyWrapScheme::ecies_profile_b).value();
  const std::string key_file = dir.file("device.pub");
  std::ofstream(key_file, std::ios::binary) << as_string(pair.public_key);
  const std::string cli = daemon_path("services/cli/simbind");
  const std::string env = "SIMBIND_KEYDIR=" + keydir_->address() + " SIMBIND_KEYDIR_CA=" + pki_->file("ca.crt") + " ";
  const std::string as_factory =
      " --cert " + pki_->file("factory.simbind.lab.crt") + " --key " + pki_->file("factory.simbind.lab.key");
  const std::string as_operator = " SIMBIND_KEYDIR_CERT=" + pki_->file("prov.simbind.lab.crt") +
                                  " SIMBIND_KEYDIR_KEY=" + pki_->file("prov.simbind.lab.key");

  std::string out;
  ASSERT_EQ(run_command(env + cli + " keydir register --imei 35693803564070 --scheme ecies-b --public-key-file " +
                            key_file + as_factory + " --json",
                        &out),
            0)
      << out;
  EXPECT_NE(out.find("\"imei\":\"" + imei("35693803564070") + "\""), std::string::npos) << out;

  ASSERT_EQ(run_command(env + as_operator + " " + cli + " keydir get --imei " + imei("35693803564070"), &out), 0)
      << out;
  EXPECT_NE(out.find("scheme       ecies-b"), std::string::npos) << out;
  EXPECT_NE(out.find(to_hex(pair.public_key)), std::string::npos) << out;
  EXPECT_NE(out.find(sha256_hex(as_string(pair.public_key))), std::string::npos) << out;

  EXPECT_EQ(run_command(env + as_operator + " " + cli + " keydir get --imei " + imei("35693803564071"), &out), 1);
  EXPECT_NE(out.find("keydir get: NOT_FOUND: no key for IMEI " + imei("35693803564071")), std::string::npos) << out;
  EXPECT_EQ(run_command(env + cli + " keydir get --imei " + imei("35693803564070") + as_factory, &out), 1);
  EXPECT_NE(out.find("PERMISSION_DENIED"), std::string::npos) << out;
  EXPECT_EQ(run_command(env + as_operator + " " + cli + " keydir get --imei 1234", &out), 2) << out;
  EXPECT_NE(out.find("--imei"), std::string::npos) << out;

  // A file of devices: registered in one call; then one that keydir refuses, and one that is no device file.
  const std::string devices = dir.file("devices.json");
  std::ofstream(devices) << R"({"devices": [{"imei": ")" << imei("35693803564080")
                         << R"(", "scheme": "ecies-b", "public_key": ")" << to_hex(pair.public_key) << R"("}, {"imei": ")"
                         << imei("35693803564081") << R"(", "scheme": "ecies-a", "public_key": ")"
                         << to_hex(crypto::generate_device_key_pair(crypto::KeyWrapScheme::ecies_profile_a)->public_key)
                         << R"("}]})";
  ASSERT_EQ(run_command(env + cli + " keydir register --from " + devices + as_factory + " --json", &out), 0) << out;
  EXPECT_NE(out.find("\"registered\":2"), std::string::npos) << out;
  ASSERT_EQ(run_command(env + as_operator + " " + cli + " keydir get --imei " + imei("35693803564081"), &out), 0) << out;
  const std::string conflicting = dir.file("conflict.json");
  std::ofstream(conflicting) << R"({"devices": [{"imei": ")" << imei("35693803564082")
                             << R"(", "scheme": "ecies-b", "public_key": ")" << to_hex(pair.public_key)
                             << R"("}, {"imei": ")" << imei("35693803564081") << R"(", "scheme": "ecies-b", "public_key": ")"
                             << to_hex(pair.public_key) << R"("}]})";
  EXPECT_EQ(run_command(env + cli + " keydir register --from " + conflicting + as_factory, &out), 1) << out;
  EXPECT_NE(out.find("ALREADY_EXISTS"), std::string::npos) << out;
  EXPECT_EQ(run_command(env + as_operator + " " + cli + " keydir get --imei " + imei("35693803564082"), &out), 1)
      << "nothing of a refused batch is stored: " << out;
  const std::string junk = dir.file("junk.json");
  std::ofstream(junk) << R"({"devices": [{"imei": "12"}]})";
  EXPECT_EQ(run_command(env + cli + " keydir register --from " + junk + as_factory, &out), 2) << out;
  EXPECT_NE(out.find("devices[0]"), std::string::npos) << out;
}

}  // namespace
}  // namespace simbind::test
