#include "common/s1ap/error_answers.h"

namespace simbind::s1ap {

ErrorIndication error_indication_for(const DecodeError& e) {
  ErrorIndication ind;
  ind.mme_ue_id = e.mme_ue_id;
  ind.enb_ue_id = e.enb_ue_id;
  switch (e.kind) {
    case DecodeError::Kind::transfer_syntax: ind.cause = cause::kProtocolTransferSyntaxError; break;
    case DecodeError::Kind::unknown_procedure: ind.cause = cause::kProtocolAbstractSyntaxReject; break;
    case DecodeError::Kind::abstract_syntax: {
      // A missing mandatory IE is a falsely constructed message (10.3.5); an IE not comprehended with criticality
      // reject is "abstract syntax error (reject)" (10.3.4.1).
      bool missing = false;
      for (const auto& ie : e.diagnostics.ies) missing = missing || ie.kind == IeProblem::Kind::missing;
      ind.cause = missing ? cause::kProtocolAbstractSyntaxFalselyConstructed : cause::kProtocolAbstractSyntaxReject;
      break;
    }
  }
  if (e.diagnostics.procedure_code || !e.diagnostics.ies.empty()) ind.diagnostics = e.diagnostics;
  return ind;
}

std::optional<ErrorIndication> notification_for(const DecodedPdu& d) {
  CriticalityDiagnostics diag;
  for (const auto& ie : d.unknown_ies) {
    if (ie.criticality == Criticality::notify) diag.ies.push_back(ie);
  }
  if (diag.ies.empty()) return std::nullopt;
  diag.procedure_code = static_cast<std::uint8_t>(procedure_of(d.message));
  diag.triggering_message = message_type_of(d.message);
  ErrorIndication ind;
  ind.cause = cause::kProtocolAbstractSyntaxIgnoreNotify;
  ind.diagnostics = diag;
  return ind;
}

ErrorIndication not_compatible(const Message& m, std::optional<std::uint32_t> mme_ue_id,
                               std::optional<std::uint32_t> enb_ue_id) {
  ErrorIndication ind;
  ind.mme_ue_id = mme_ue_id;
  ind.enb_ue_id = enb_ue_id;
  ind.cause = cause::kProtocolMessageNotCompatible;
  CriticalityDiagnostics diag;
  diag.procedure_code = static_cast<std::uint8_t>(procedure_of(m));
  diag.triggering_message = message_type_of(m);
  ind.diagnostics = diag;
  return ind;
}

}  // namespace simbind::s1ap
