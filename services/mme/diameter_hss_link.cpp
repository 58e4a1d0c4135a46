#include "services/mme/diameter_hss_link.h"

#include <atomic>

#include "common/diameter/dictionary.h"
#include "common/diameter/exchange.h"
#include "common/diameter/s6a_codec.h"
#include "common/log/log.h"

namespace simbind::mme {
namespace {

using namespace simbind::diameter;

// Turns what freeDiameter delivered into a typed answer, or the reason there is none.
template <typename Answer, typename Decode>
S6aResult<Answer> read_answer(Result<Message> answer, const std::string& expected_host, const char* name,
                              Decode decode) {
  if (!answer) {
    // exchange.cpp reports an expiry as "no answer from ... in time"; everything else is a send failure.
    const bool timeout = answer.error().message.find("in time") != std::string::npos;
    return std::unexpected(S6aFailure{timeout ? S6aFailure::Kind::timeout : S6aFailure::Kind::unreachable,
                                      std::string(name) + ": " + answer.error().message});
  }
  const std::string origin = answer->origin_host();
  if (origin != expected_host) {
    return std::unexpected(S6aFailure{S6aFailure::Kind::malformed, std::string(name) + " from " + origin +
                                                                       ", not from the HSS " + expected_host});
  }
  auto decoded = decode(*answer);
  if (!decoded) {
    return std::unexpected(S6aFailure{S6aFailure::Kind::malformed, std::string(name) + ": " + decoded.error().message});
  }
  return std::move(*decoded);
}

template <typename Answer, typename Done, typename Decode>
void exchange(Message request, std::chrono::milliseconds timeout, const std::string& hss, const char* name,
              Done done, Decode decode) {
  // `done` must run exactly once: shared between the send failure path and the answer callback.
  auto shared = std::make_shared<Done>(std::move(done));
  auto sent = send_request(std::move(request), timeout, [shared, hss, name, decode](Result<Message> answer) {
    (*shared)(read_answer<Answer>(std::move(answer), hss, name, decode));
  });
  if (!sent) {
    (*shared)(std::unexpected(S6aFailure{S6aFailure::Kind::unreachable, std::string(name) + ": " + sent.error().message}));
  }
}

}  // namespace

void DiameterHssLink::air(const AuthInfoRequest& request, AiaDone done) {
  const std::uint32_t vendor = binding_vendor_;
  exchange<AuthInfoAnswer>(encode_air(request, hss_realm_, vendor), timeout_, hss_identity_, "AIA", std::move(done),
                           [vendor](const Message& m) { return decode_aia(m, vendor); });
}

void DiameterHssLink::ulr(const UpdateLocationRequest& request, UlaDone done) {
  const std::uint32_t vendor = binding_vendor_;
  exchange<UpdateLocationAnswer>(encode_ulr(request, hss_realm_), ulr_timeout_, hss_identity_, "ULA", std::move(done),
                                 [vendor](const Message& m) { return decode_ula(m, vendor); });
}

Result<void> register_mme_s6a_handlers(CancelLocationHandler on_cancel, InsertSubscriberDataHandler on_idr,
                                       std::uint32_t binding_vendor) {
  const Dictionary& d = dictionary();
  if (auto r = advertise_application(d.s6a, d.vendor_3gpp); !r) return r;
  auto idr = register_handler(d.s6a, d.idr.request, [on_idr = std::move(on_idr), binding_vendor](Message request) {
    auto decoded = decode_idr(request, binding_vendor);
    auto answer = std::make_shared<Message>(Message::answer_to(std::move(request)));
    if (!decoded) {
      log::warn("IDR refused: {}", decoded.error().message);
      fill_result(*answer, ResultCode::base(result::invalid_avp_value));
      if (auto sent = send_answer(std::move(*answer)); !sent) log::warn("IDA not sent: {}", sent.error().message);
      return;
    }
    // The IDA goes out exactly once, whoever calls first (the UE's answer, or the timer that gives up on it).
    auto once = std::make_shared<std::atomic<bool>>(false);
    on_idr(std::move(*decoded), [answer, once, binding_vendor](const InsertSubscriberDataAnswer& ida) {
      if (once->exchange(true)) return;
      fill_ida(*answer, ida, binding_vendor);
      if (auto sent = send_answer(std::move(*answer)); !sent) log::warn("IDA not sent: {}", sent.error().message);
    });
  });
  if (!idr) return idr;
  return register_handler(d.s6a, d.clr.request, [on_cancel = std::move(on_cancel)](Message request) {
    auto clr = decode_clr(request);
    Message answer = Message::answer_to(std::move(request));
    if (!clr) {
      log::warn("CLR refused: {}", clr.error().message);
      fill_result(answer, ResultCode::base(result::invalid_avp_value));
    } else {
      on_cancel(clr->user_name);
      fill_cla(answer, CancelLocationAnswer{});
    }
    if (auto sent = send_answer(std::move(answer)); !sent) log::warn("CLA not sent: {}", sent.error().message);
  });
}

}  // namespace simbind::mme
