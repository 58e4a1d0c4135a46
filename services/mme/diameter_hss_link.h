// The S6a client of simbind-mme over freeDiameter: AIR and ULR with the binding feature advertised, answers
// accepted only from the HSS we asked (DESIGN 5.1), and the CLR handler (the HSS cancels a UE that attached
// through another MME).
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "common/util/error.h"
#include "services/mme/hss_link.h"

namespace simbind::mme {

class DiameterHssLink final : public HssLink {
 public:
  DiameterHssLink(std::string hss_identity, std::string hss_realm, std::uint32_t binding_vendor,
                  std::chrono::milliseconds air_timeout, std::chrono::milliseconds ulr_timeout)
      : hss_identity_(std::move(hss_identity)),
        hss_realm_(std::move(hss_realm)),
        binding_vendor_(binding_vendor),
        timeout_(air_timeout),
        ulr_timeout_(ulr_timeout) {}

  void air(const diameter::AuthInfoRequest& request, AiaDone done) override;
  void ulr(const diameter::UpdateLocationRequest& request, UlaDone done) override;

 private:
  std::string hss_identity_;
  std::string hss_realm_;
  std::uint32_t binding_vendor_;
  std::chrono::milliseconds timeout_;
  std::chrono::milliseconds ulr_timeout_;
};

// Called with the IMSI of every CLR; the CLA (success) goes out at once. Runs on a freeDiameter thread.
using CancelLocationHandler = std::function<void(const std::string& imsi)>;

// Called with every IDR; `reply` sends its IDA, once, from any thread (it may wait for the UE: DESIGN 3.3 steps
// 9-13). Runs on a freeDiameter thread.
using InsertSubscriberDataHandler = std::function<void(diameter::InsertSubscriberDataRequest, IdaReply reply)>;

// The S6a setup of the MME node, run inside DiameterStack::start: S6a advertised, CLR and IDR handled.
Result<void> register_mme_s6a_handlers(CancelLocationHandler on_cancel, InsertSubscriberDataHandler on_idr,
                                       std::uint32_t binding_vendor);

}  // namespace simbind::mme
