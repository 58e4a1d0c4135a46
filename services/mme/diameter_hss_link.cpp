#include "services/mme/diameter_hss_link.h"

#include <atomic>

#include "common/diameter/dictionary.h"
#include "common/diameter/exchange.h"
#include "common/diameter/s6a_codec.h"
#include "common/log/log.h"

namespace simbind::mme {

using namespace simbind::diameter;

void DiameterHssLink::air(const AuthInfoRequest& request, AiaDone done) {
  const std::uint32_t vendor = binding_vendor_;
  exchange<AuthInfoAnswer>(encode_air(request, hss_realm_, vendor), timeout_, hss_identity_, "AIA",
                           [vendor](const Message& m) { return decode_aia(m, vendor); }, std::move(done));
}

void DiameterHssLink::ulr(const UpdateLocationRequest& request, UlaDone done) {
  const std::uint32_t vendor = binding_vendor_;
  exchange<UpdateLocationAnswer>(encode_ulr(request, hss_realm_), ulr_timeout_, hss_identity_, "ULA",
                                 [vendor](const Message& m) { return decode_ula(m, vendor); }, std::move(done));
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
