// How the EMM procedures reach the HSS: an interface apart from its freeDiameter implementation
// (diameter_hss_link.h), so the procedures can be exercised against a scripted HSS.
#pragma once

#include <expected>
#include <functional>
#include <string>

#include "common/diameter/exchange_failure.h"
#include "common/diameter/s6a_messages.h"

namespace simbind::mme {

// Why no usable answer came. The EMM cause depends on it (s6a_cause_mapping.h): a timeout is congestion.
using S6aFailure = diameter::ExchangeFailure;  // timeout, unreachable, malformed
template <typename Answer>
using S6aResult = diameter::ExchangeResult<Answer>;

// Sends the IDA of an IDR the HSS sent; at most once, from any thread.
using IdaReply = std::function<void(const diameter::InsertSubscriberDataAnswer&)>;

class HssLink {
 public:
  using AiaDone = std::function<void(S6aResult<diameter::AuthInfoAnswer>)>;
  using UlaDone = std::function<void(S6aResult<diameter::UpdateLocationAnswer>)>;

  virtual ~HssLink() = default;
  // `done` is called exactly once, on any thread (freeDiameter's): post to the event loop from it.
  virtual void air(const diameter::AuthInfoRequest& request, AiaDone done) = 0;
  virtual void ulr(const diameter::UpdateLocationRequest& request, UlaDone done) = 0;
};

}  // namespace simbind::mme
