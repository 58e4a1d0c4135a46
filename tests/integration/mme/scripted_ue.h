// A UE scripted step by step by the test over NasTestClient: a software USIM in a MobileEquipment (the real
// services/ue parts), with the NAS security context the test builds from the SMC it receives.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <variant>

#include "common/crypto/kdf.h"
#include "common/nas/emm_messages.h"
#include "common/nas/esm_messages.h"
#include "common/nas/security_envelope.h"
#include "services/ue/mobile_equipment.h"
#include "tests/integration/support/nas_test_client.h"

namespace simbind::test {

struct Received {
  bool released = false;  // a UE context release frame
  nas::SecurityHeaderType header = nas::SecurityHeaderType::plain;
  std::optional<nas::EmmMessage> emm;
  std::optional<nas::EsmMessage> esm;
};

class ScriptedUe {
 public:
  ScriptedUe(NasTestClient& nas, std::uint32_t id, ue::UsimProfile profile, std::optional<crypto::UsimSqnWindow> window,
             std::string imei14, Plmn serving);

  ue::Usim& usim() { return usim_; }
  ue::MobileEquipment& me() { return me_; }
  nas::UeConnectionId id() const { return id_; }

  void send_plain(const nas::EmmMessage& m);
  void send_protected(const Bytes& plain, nas::SecurityHeaderType type = nas::SecurityHeaderType::integrity_ciphered);
  void attach_request(std::optional<std::string> apn = std::nullopt);

  // The next frame for this UE, unprotected and decoded; nullopt on timeout.
  std::optional<Received> next(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  template <typename T>
  std::optional<T> expect_emm(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto r = next(timeout);
    if (!r || !r->emm || !std::holds_alternative<T>(*r->emm)) {
      ADD_FAILURE() << "expected " << typeid(T).name() << ", got "
                    << (!r ? "nothing" : r->released ? "a context release" : r->emm ? nas::emm_message_name(*r->emm) : "ESM");
      return std::nullopt;
    }
    return std::get<T>(*r->emm);
  }

  // Runs the ME+USIM on the challenge and answers it (RESPONSE or FAILURE); keeps KASME on success.
  ue::ChallengeAnswer answer(const nas::AuthenticationRequest& request);
  // Answers an SMC already taken in by next(): SECURITY MODE COMPLETE with the IMEISV.
  void complete_security_mode();

  std::string imeisv() const { return imei14_ + "01"; }
  const std::optional<crypto::Rand>& rand_used() const { return rand_used_; }

 private:
  NasTestClient& nas_;
  nas::UeConnectionId id_;
  ue::Usim usim_;
  ue::MobileEquipment me_;
  std::string imei14_;
  Plmn serving_;
  std::optional<crypto::Kasme> kasme_;
  std::optional<nas::SecurityEnvelope> security_;
  std::optional<crypto::Rand> rand_used_;
};

}  // namespace simbind::test
