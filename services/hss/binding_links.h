// What the HSS's over-the-air KME establishment needs from its peers (DESIGN 3.3): Bp KME-Establishment to
// simbind-prov (step 8) and IDR/IDA to the MME that serves the UE (steps 9 and 13). Interfaces apart from the
// Diameter implementations (hss_binding_path.cpp), so the procedure can be tested against scripted peers.
#pragma once

#include <functional>

#include "common/diameter/bp_messages.h"
#include "services/hss/hss_s6a_handler.h"

namespace simbind::hss {

class ProvLink {
 public:
  using Done = std::function<void(Result<diameter::KmeEstablishmentAnswer>)>;
  virtual ~ProvLink() = default;
  // `done` runs exactly once, on any thread: with the answer, or an error when none came in time.
  virtual void establish_kme(const diameter::KmeEstablishmentRequest& request, Done done) = 0;
};

class MmeLink {
 public:
  using Done = std::function<void(Result<diameter::InsertSubscriberDataAnswer>)>;
  virtual ~MmeLink() = default;
  virtual void insert_subscriber_data(const PeerIdentity& mme, const diameter::InsertSubscriberDataRequest& request,
                                      Done done) = 0;
};

}  // namespace simbind::hss
