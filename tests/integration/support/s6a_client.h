// The test process as an MME on S6a: one freeDiameter stack per process, started once for the test binary.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/diameter/avp_codes.h"
#include "common/diameter/s6a_codec.h"
#include "common/diameter/stack.h"

namespace simbind::test {

struct S6aClientConfig {
  std::string identity = "mme.test.simbind.lab";
  std::string realm = "simbind.lab";
  std::string hss_identity = "hss.test.simbind.lab";
  int hss_port = 0;
};

class S6aClient {
 public:
  static std::unique_ptr<S6aClient> start(const S6aClientConfig& config);
  // Waits until the HSS peer is open (capabilities exchange done).
  bool wait_open(std::chrono::milliseconds timeout) const;

  Result<diameter::AuthInfoAnswer> air(const diameter::AuthInfoRequest& r);
  Result<diameter::UpdateLocationAnswer> ulr(const diameter::UpdateLocationRequest& r);
  Result<diameter::PurgeUeAnswer> pur(const diameter::PurgeUeRequest& r);
  // A hand-made request (to test what the HSS does with malformed input); returns the raw answer.
  Result<diameter::Message> send(diameter::Message request);

  // IMSIs of the Cancel-Location-Requests the HSS sent us (each answered with success).
  std::vector<std::string> received_clrs() const;

  const S6aClientConfig& config() const { return config_; }
  std::uint32_t binding_vendor() const { return diameter::kDefaultBindingVendor; }

 private:
  S6aClientConfig config_;
  std::unique_ptr<diameter::DiameterStack> stack_;
  mutable std::mutex mutex_;
  std::vector<std::string> clrs_;
};

}  // namespace simbind::test
