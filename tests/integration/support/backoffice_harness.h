// The back office of the binding tests as real processes: simbind-keydir (mTLS with a lab CA made by
// deploy/certs/lab-ca.sh) and simbind-prov (Bp to a running simbind-hss, keydir over mTLS, and with
// `with_back_office` its factory KME store and admin API). Metrics endpoints on request.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "tests/integration/support/hss_harness.h"
#include "tests/integration/support/process.h"
#include "ue_control.pb.h"

namespace simbind::test {

struct BackofficeOptions {
  bool with_back_office = true;  // prov's store, transfer key and admin API (scenario 1)
  bool with_metrics = false;     // metrics.listen for keydir and prov (keydir_metrics / prov_metrics)
};

struct BackofficeHarness {
  explicit BackofficeHarness(BackofficeOptions options = {});

  BackofficeOptions options;
  TempDir dir;
  int keydir_port;
  int prov_port;
  int prov_admin_port;
  int keydir_metrics = 0;  // 0 = no metrics endpoint
  int prov_metrics = 0;
  std::string kek_hex;            // the KEK prov shares with the HSS (write it into the HSS's binding.kek_file)
  std::string transfer_key_file;  // opens factory exports (with_back_office)
  std::unique_ptr<DaemonProcess> keydir, prov;

  // The lab CA and the certificates of keydir, the factory (manufacturer) and prov (operator).
  bool make_pki();
  std::string cert(const std::string& name) const { return dir.file("certs/" + name); }
  bool start_keydir();
  bool start_prov(const HssHarness& hss);  // prov.test.simbind.lab, peer of hss.test.simbind.lab
  // `simbind ARGS` (stdout and stderr together in *out); the exit status.
  int simbind(const std::string& args, std::string* out) const;
  std::string prov_admin() const { return " --prov 127.0.0.1:" + std::to_string(prov_admin_port); }
  // As the factory: register the device's public key (from the emulator) under its IMEI.
  grpc::Status register_device(const std::string& imei15, const simbind::ue::v1::UeStatus& ue) const;
};

}  // namespace simbind::test
