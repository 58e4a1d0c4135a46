#include "services/hss/hss_binding_path.h"

#include "common/crypto/key_wrap.h"
#include "common/diameter/avp_codes.h"
#include "common/diameter/bp_codec.h"
#include "common/diameter/dictionary.h"
#include "common/diameter/exchange.h"
#include "common/diameter/s6a_codec.h"
#include "common/log/log.h"
#include "common/util/secure.h"

namespace simbind::hss {
namespace {

using namespace simbind::diameter;

// The links' callbacks take Result<Answer>: the exchange's failure becomes an Error with the same message.
template <typename Answer, typename Done>
auto as_result(Done done) {
  return [done = std::move(done)](ExchangeResult<Answer> r) {
    if (r) return done(std::move(*r));
    const bool transport = r.error().kind != ExchangeFailure::Kind::malformed;
    done(fail(transport ? ErrorCode::io_error : ErrorCode::verification_failed, r.error().message));
  };
}

}  // namespace

void DiameterProvLink::establish_kme(const KmeEstablishmentRequest& request, Done done) {
  const auto& p = config_.provisioning;
  const std::uint32_t vendor = config_.dictionary.vendor_id;
  exchange<KmeEstablishmentAnswer>(encode_kme_establishment(request, p.prov_realm, p.prov_identity, vendor),
                                   p.prov_timeout, p.prov_identity, "KME-Establishment-Answer",
                                   [vendor](const Message& m) { return decode_kme_establishment_answer(m, vendor); },
                                   as_result<KmeEstablishmentAnswer>(std::move(done)));
}

void DiameterMmeLink::insert_subscriber_data(const PeerIdentity& mme, const InsertSubscriberDataRequest& request,
                                             Done done) {
  const std::uint32_t vendor = config_.dictionary.vendor_id;
  const std::string realm = mme.realm.empty() ? config_.diameter.realm : mme.realm;
  exchange<InsertSubscriberDataAnswer>(encode_idr(request, realm, mme.host, vendor), config_.provisioning.ida_timeout,
                                       mme.host, "IDA", [vendor](const Message& m) { return decode_ida(m, vendor); },
                                       as_result<InsertSubscriberDataAnswer>(std::move(done)));
}

Result<void> register_bp_handlers(SubscriberStore& store, const HssConfig& config, const Bytes& kek,
                                  HssCounters& counters) {
  const Dictionary& d = dictionary();
  if (auto r = advertise_application(d.bp, d.binding_vendor); !r) return r;
  const std::uint32_t vendor = config.dictionary.vendor_id;
  return register_handler(d.bp, d.bp_binding_activation.request, [&store, &config, &counters, kek, vendor](Message request) {
    const std::string from = request.origin_host();
    auto bar = decode_binding_activation(request, vendor);
    Message answer = Message::answer_to(std::move(request));
    ResultCode result = ResultCode::ok();
    const char* refusal = nullptr;  // the metrics reason when refused
    if (!bar) {
      log::warn("Binding-Activation from {}: refused: {}", from, bar.error().message);
      result = ResultCode::base(result::invalid_avp_value);
      refusal = "activation-invalid";
    } else if (from != config.provisioning.prov_identity || kek.empty()) {
      log::warn("Binding-Activation from {}: refused: not the configured provisioning server", from);
      result = ResultCode::base(result::unable_to_comply);
      refusal = "activation-not-from-prov";
    } else if (auto imsi = Imsi::create(bar->user_name); !imsi || !store.get(*imsi)) {
      log::info("Binding-Activation {} from {}: unknown subscriber", bar->user_name, from);
      result = ResultCode::base(bp_result::device_unknown);
      refusal = "activation-unknown-subscriber";
    } else {
      auto kme = crypto::aes_key_unwrap_pad(kek, bar->hss_wrapped_kme);
      crypto::Kme k{};
      if (!kme || kme->size() != k.size()) {
        log::warn("Binding-Activation {}: HSS-Wrapped-KME does not unwrap under binding.kek_file", bar->user_name);
        result = ResultCode::base(result::unable_to_comply);
        refusal = "activation-kek-mismatch";
      } else {
        std::copy(kme->begin(), kme->end(), k.begin());
        AuditEvent e{0, 0, bar->user_name, "kme-established", "established",
                     "activation by " + from + ": factory KME-Id " + std::to_string(bar->kme_id), bar->imei};
        if (auto r = store.establish_binding(*imsi, k, static_cast<KmeId>(bar->kme_id), bar->imei, e); !r) {
          log::error("Binding-Activation {}: not stored: {}", bar->user_name, r.error().message);
          result = ResultCode::base(result::unable_to_comply);
          refusal = "activation-store-error";
        } else {
          log::info("Binding-Activation {} from {}: KME-Id {} for IMEI {} established", bar->user_name, from,
                    bar->kme_id, bar->imei);
        }
        secure_wipe(k);
      }
      if (kme) secure_wipe(*kme);
    }
    if (refusal) {
      counters.binding("rejected", refusal);
    } else {
      counters.binding("established", "activation");
    }
    counters.binding_activations.inc({std::to_string(result.code)});
    fill_binding_activation_answer(answer, BindingActivationAnswer{result});
    if (auto sent = send_answer(std::move(answer)); !sent) log::error("BAA not sent: {}", sent.error().message);
  });
}

}  // namespace simbind::hss
