// The ME side of ME binding (DESIGN 1, 3.2, 3.3): a store of KMEs by home PLMN and KME-Id, the RAND* decryption
// before the UICC sees a pre-processed challenge, and the over-the-air KME establishment (unwrap with the device
// private key, store, prove receipt with Rsp).
#pragma once

#include <optional>
#include <variant>
#include <vector>

#include "common/crypto/binding.h"
#include "common/crypto/key_wrap.h"
#include "services/ue/usim.h"

namespace simbind::ue {

struct StoredKme {
  Plmn home_plmn;
  KmeId id;
  crypto::Kme kme;
  bool confirmed = false;  // a pre-processed AV under this KME has succeeded
};

// KMEs the ME holds, per home PLMN. A new KME is kept beside the previous one until a pre-processed AV under
// the new one succeeds (DESIGN 4); then the older ones for that PLMN go.
class KmeStore {
 public:
  void add(StoredKme entry);  // replaces an entry with the same PLMN and KME-Id
  // Candidates for an AV: same home PLMN and KME-Id mod (hint range), newest first.
  std::vector<const StoredKme*> candidates(const Plmn& home, std::uint32_t kme_id_hint, std::uint32_t hint_modulus) const;
  void confirm(const Plmn& home, KmeId id);  // marks it confirmed, drops the older KMEs of that PLMN
  void clear() { entries_.clear(); }        // factory reset
  const std::vector<StoredKme>& entries() const { return entries_; }

 private:
  std::vector<StoredKme> entries_;  // oldest first
};

// What the ME answers to AUTHENTICATION REQUEST (TS 24.301 5.4.2.3, 5.4.2.6).
struct ChallengeAccepted {
  AuthSuccess usim;
  crypto::Rand rand;                // the RAND the UICC ran on (RAND* decrypted for a pre-processed AV)
  std::optional<KmeId> kme_used;
};
struct ChallengeRejected {
  std::uint8_t emm_cause;             // #20 MAC failure, #21 synch failure, #26 non-EPS authentication unacceptable
  std::optional<crypto::Auts> auts;   // with #21
  bool pre_processed = false;         // the AV carried the binding indicator
  bool no_kme = false;                // ... and the ME held no KME for it
};
using ChallengeAnswer = std::variant<ChallengeAccepted, ChallengeRejected>;

class MobileEquipment {
 public:
  MobileEquipment(Imei imei, std::string software_version, crypto::DeviceKeyPair device_key,
                  crypto::BindingAmfLayout layout = {});

  // DESIGN 3.2: the AMF in AUTN tells whether RAND is pre-processed; if so RAND* is decrypted with the KME of
  // the UICC's home PLMN whose KME-Id matches the AMF hint, and the UICC runs on the result. Without a KME,
  // RAND* goes to the UICC unchanged, which then fails the MAC check, as designed.
  ChallengeAnswer authenticate(Usim& usim, const crypto::Rand& rand_on_air, const crypto::Autn& autn);

  // DESIGN 3.3 step 11: unwrap KME with the device private key, store it beside the previous one, return
  // Rsp = HMAC-SHA-256(KME, NHSS). Nothing is stored when the unwrap fails.
  Result<crypto::Rsp> establish_kme(const Plmn& home, KmeId id, crypto::KeyWrapScheme scheme, ByteView wrapped_kme,
                                    const crypto::HssNonce& nhss);

  const Imei& imei() const { return imei_; }
  const std::string& software_version() const { return software_version_; }
  // The PDN type this device asks for (TS 24.301 9.9.4.10: 1 IPv4, 2 IPv6, 3 IPv4v6): what its IP stack does.
  std::uint8_t pdn_type() const { return pdn_type_; }
  void set_pdn_type(std::uint8_t t) { pdn_type_ = t; }
  KmeStore& kme_store() { return store_; }
  const KmeStore& kme_store() const { return store_; }
  const crypto::DeviceKeyPair& device_key() const { return device_key_; }

  // Which UICC (by IMSI) sits in this ME; the UICC itself is stored on its own so that it can move.
  const std::optional<Imsi>& inserted_uicc() const { return inserted_uicc_; }
  void insert_uicc(std::optional<Imsi> imsi) { inserted_uicc_ = std::move(imsi); }

 private:
  Imei imei_;
  std::string software_version_;
  crypto::DeviceKeyPair device_key_;
  crypto::BindingAmfLayout layout_;
  KmeStore store_;
  std::optional<Imsi> inserted_uicc_;
  std::uint8_t pdn_type_ = 3;  // IPv4v6, as a dual-stack handset asks
};

}  // namespace simbind::ue
