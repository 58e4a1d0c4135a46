#include "services/hss/hss_s6a_path.h"

#include "common/diameter/avp_codes.h"
#include "common/diameter/dictionary.h"
#include "common/diameter/exchange.h"
#include "common/diameter/s6a_codec.h"
#include "common/log/log.h"

namespace simbind::hss {
namespace {

using namespace simbind::diameter;

PeerIdentity origin_of(const Message& request) {
  PeerIdentity p{request.origin_host(), ""};
  if (auto realm = request.find(0, avp::origin_realm)) p.realm = realm->string().value_or("");
  return p;
}

void send(Message answer, const char* what) {
  if (auto r = send_answer(std::move(answer)); !r) log::error("{}: answer not sent: {}", what, r.error().message);
}

// A request we cannot read: DIAMETER_INVALID_AVP_VALUE (5004) with the reason in the log.
void answer_invalid(Message request, const char* what, const Error& error, HssCounters& counters) {
  log::warn("{} from {}: refused: {}", what, request.origin_host(), error.message);
  counters.count_answer(what, ResultCode::base(result::invalid_avp_value));
  Message answer = Message::answer_to(std::move(request));
  fill_result(answer, ResultCode::base(result::invalid_avp_value));
  send(std::move(answer), what);
}

void cancel_location(const PeerIdentity& old_mme, const std::string& imsi) {
  CancelLocationRequest clr{imsi, 0};  // MME_UPDATE_PROCEDURE
  auto sent = send_request(encode_clr(clr, old_mme.realm, old_mme.host), std::chrono::seconds(5),
                           [old_mme, imsi](Result<Message> answer) {
                             if (!answer) {
                               log::warn("CLR {} to {}: {}", imsi, old_mme.host, answer.error().message);
                               return;
                             }
                             auto cla = decode_cla(*answer);
                             log::info("CLR {} to {}: answered {}", imsi, old_mme.host, cla ? cla->result.code : 0);
                           });
  if (!sent) log::warn("CLR {} to {}: not sent: {}", imsi, old_mme.host, sent.error().message);
}

}  // namespace

Result<void> register_s6a_handlers(S6aHandler& handler, std::uint32_t binding_vendor, BindingProvisioner* provisioner) {
  const Dictionary& d = dictionary();
  if (auto r = advertise_application(d.s6a, d.vendor_3gpp); !r) return r;

  auto air = register_handler(d.s6a, d.air.request, [&handler, binding_vendor](Message request) {
    auto decoded = decode_air(request, binding_vendor);
    if (!decoded) return answer_invalid(std::move(request), "AIR", decoded.error(), handler.counters());
    const PeerIdentity mme = origin_of(request);
    const AuthInfoAnswer result = handler.on_air(*decoded, mme);
    Message answer = Message::answer_to(std::move(request));
    fill_aia(answer, result, binding_vendor);
    handler.counters().count_answer("AIR", result.result);
    send(std::move(answer), "AIA");
  });
  if (!air) return air;

  auto ulr = register_handler(d.s6a, d.ulr.request, [&handler, binding_vendor, provisioner](Message request) {
    auto decoded = decode_ulr(request);
    if (!decoded) return answer_invalid(std::move(request), "ULR", decoded.error(), handler.counters());
    const PeerIdentity mme = origin_of(request);
    UlrOutcome outcome = handler.on_ulr(*decoded, mme);
    if (outcome.cancel_old_mme) cancel_location(*outcome.cancel_old_mme, decoded->user_name);
    auto answer = std::make_shared<Message>(Message::answer_to(std::move(request)));
    if (!outcome.provision || !provisioner) {
      fill_ula(*answer, outcome.answer, binding_vendor);
      handler.counters().count_answer("ULR", outcome.answer.result);
      return send(std::move(*answer), "ULA");
    }
    // DESIGN 3.3: the ULA waits for the KME establishment (steps 8-14) and reports how it went.
    const ProvisioningJob& job = *outcome.provision;
    provisioner->run(job.subscriber, job.terminal, mme, job.why,
                     [answer, ula = outcome.answer, binding_vendor, &handler](ProvisioningOutcome done) mutable {
                       if (!done.result.success()) {
                         ula.result = done.result;
                         ula.subscription.reset();
                         ula.binding_restriction.reset();
                       }
                       fill_ula(*answer, ula, binding_vendor);
                       handler.counters().count_answer("ULR", ula.result);
                       send(std::move(*answer), "ULA");
                     });
  });
  if (!ulr) return ulr;

  return register_handler(d.s6a, d.pur.request, [&handler](Message request) {
    auto decoded = decode_pur(request);
    if (!decoded) return answer_invalid(std::move(request), "PUR", decoded.error(), handler.counters());
    const PeerIdentity mme = origin_of(request);
    const PurgeUeAnswer result = handler.on_pur(*decoded, mme);
    Message answer = Message::answer_to(std::move(request));
    fill_pua(answer, result);
    handler.counters().count_answer("PUR", result.result);
    send(std::move(answer), "PUA");
  });
}

}  // namespace simbind::hss
