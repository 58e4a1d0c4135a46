#include "services/provisioning/prov_bp_path.h"

#include <memory>

#include "common/diameter/avp_codes.h"
#include "common/diameter/bp_codec.h"
#include "common/diameter/dictionary.h"
#include "common/diameter/exchange.h"
#include "common/diameter/s6a_codec.h"
#include "common/log/log.h"

namespace simbind::prov {

using namespace simbind::diameter;

Result<void> register_bp_handlers(KmeEstablishment& procedure, std::uint32_t binding_vendor, ProvCounters& counters) {
  const Dictionary& d = dictionary();
  if (auto r = advertise_application(d.bp, d.binding_vendor); !r) return r;

  return register_handler(d.bp, d.bp_kme_establishment.request, [&procedure, binding_vendor, &counters](Message request) {
    auto decoded = decode_kme_establishment(request);
    if (!decoded) {
      // A value we cannot read (an IMSI or IMEI that is none): DIAMETER_INVALID_AVP_VALUE.
      log::info("KME-Establishment from {}: 5004 refused: {}", request.origin_host(), decoded.error().message);
      Message answer = Message::answer_to(std::move(request));
      fill_result(answer, ResultCode::base(result::invalid_avp_value));
      counters.kme_establishments.inc({std::to_string(result::invalid_avp_value)});
      if (auto sent = send_answer(std::move(answer)); !sent) log::error("KEA not sent: {}", sent.error().message);
      return;
    }
    // The answer is made now (it consumes the request) and sent when the procedure finishes.
    auto answer = std::make_shared<Message>(Message::answer_to(std::move(request)));
    procedure.run(*decoded, [answer, binding_vendor, &counters](const KmeEstablishmentAnswer& a) {
      fill_kme_establishment_answer(*answer, a, binding_vendor);
      if (!a.result.experimental && a.result.code == 2001) {
        counters.kme_established.inc();
      } else {
        counters.kme_establishments.inc({std::to_string(a.result.code)});
      }
      if (auto sent = send_answer(std::move(*answer)); !sent) log::error("KEA not sent: {}", sent.error().message);
    });
  });
}

}  // namespace simbind::prov
