// What a receiver sends back when an S1AP PDU cannot be used as received (TS 36.413 10): the ERROR INDICATION
// with the cause and criticality diagnostics that 10.3 and 10.6 ask for. Shared by simbind-mme and the eNBs of
// simbind-ue.
#pragma once

#include <optional>

#include "common/s1ap/messages.h"

namespace simbind::s1ap {

// For a PDU that decode() refused: transfer-syntax-error, abstract-syntax-error-reject or
// abstract-syntax-error-falsely-constructed-message (10.3.4, 10.3.5), with the UE ids when they were read.
ErrorIndication error_indication_for(const DecodeError& e);
// For a decoded PDU that carried IEs of unknown id with criticality "ignore and notify sender" (10.3.4.1): the
// ERROR INDICATION that reports them; nullopt when there is nothing to notify.
std::optional<ErrorIndication> notification_for(const DecodedPdu& d);
// For a message that is well formed but not expected here (10.4, "message not compatible with receiver state").
ErrorIndication not_compatible(const Message& m, std::optional<std::uint32_t> mme_ue_id,
                               std::optional<std::uint32_t> enb_ue_id);

}  // namespace simbind::s1ap
