#include "services/ue/mobile_equipment.h"

#include <algorithm>
#include <bit>

#include "common/nas/emm_messages.h"
#include "common/util/secure.h"

namespace simbind::ue {

void KmeStore::add(StoredKme entry) {
  std::erase_if(entries_, [&](const StoredKme& e) { return e.home_plmn == entry.home_plmn && e.id == entry.id; });
  entries_.push_back(std::move(entry));
}

std::vector<const StoredKme*> KmeStore::candidates(const Plmn& home, std::uint32_t hint,
                                                   std::uint32_t modulus) const {
  std::vector<const StoredKme*> out;
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (it->home_plmn == home && (modulus == 0 || to_uint(it->id) % modulus == hint)) out.push_back(&*it);
  }
  return out;
}

void KmeStore::confirm(const Plmn& home, KmeId id) {
  const auto it = std::find_if(entries_.begin(), entries_.end(),
                               [&](const StoredKme& e) { return e.home_plmn == home && e.id == id; });
  if (it == entries_.end()) return;
  it->confirmed = true;
  // Older KMEs of this PLMN are superseded; a newer one (a re-key not yet used) stays.
  const auto confirmed_at = it - entries_.begin();
  std::vector<StoredKme> kept;
  for (std::ptrdiff_t i = 0; i < static_cast<std::ptrdiff_t>(entries_.size()); ++i) {
    if (i < confirmed_at && entries_[static_cast<std::size_t>(i)].home_plmn == home) continue;
    kept.push_back(std::move(entries_[static_cast<std::size_t>(i)]));
  }
  entries_ = std::move(kept);
}

MobileEquipment::MobileEquipment(Imei imei, std::string software_version, crypto::DeviceKeyPair device_key,
                                 crypto::BindingAmfLayout layout)
    : imei_(std::move(imei)), software_version_(std::move(software_version)), device_key_(std::move(device_key)),
      layout_(layout) {}

ChallengeAnswer MobileEquipment::authenticate(Usim& usim, const crypto::Rand& rand_on_air, const crypto::Autn& autn) {
  const auto amf = crypto::split_autn(autn).amf;
  // TS 33.401 6.1.1: the ME accepts only vectors with the E-UTRAN separation bit set.
  if ((crypto::amf_value(amf) & crypto::kAmfSeparationBit) == 0) {
    return ChallengeRejected{nas::emm_cause::non_eps_authentication_unacceptable, std::nullopt};
  }
  const bool pre_processed = crypto::amf_marks_preprocessed(amf, layout_);
  const auto answer_for = [&](const crypto::Rand& rand, std::optional<KmeId> kme) -> std::optional<ChallengeAnswer> {
    const UsimAnswer a = usim.authenticate(rand, autn);
    if (const auto* ok = std::get_if<AuthSuccess>(&a)) return ChallengeAccepted{*ok, rand, kme};
    if (const auto* sync = std::get_if<SynchFailure>(&a)) {
      return ChallengeRejected{nas::emm_cause::synch_failure, sync->auts, pre_processed, false};
    }
    return std::nullopt;  // MAC failure: maybe another KME fits
  };

  if (!pre_processed) {
    if (auto a = answer_for(rand_on_air, std::nullopt)) return *a;
    return ChallengeRejected{nas::emm_cause::mac_failure, std::nullopt, false, false};
  }
  const Plmn home = usim.home_plmn();
  const std::uint32_t modulus =
      layout_.kme_id_mask == 0 ? 0 : (layout_.kme_id_mask >> std::countr_zero(layout_.kme_id_mask)) + 1;
  const auto candidates = kme_store().candidates(home, crypto::amf_kme_id_hint(amf, layout_), modulus);
  for (const StoredKme* c : candidates) {
    if (auto a = answer_for(crypto::decrypt_rand(c->kme, rand_on_air), c->id)) {
      if (std::holds_alternative<ChallengeAccepted>(*a)) store_.confirm(home, c->id);
      return *a;
    }
  }
  if (candidates.empty()) {
    // No KME: hand RAND* to the UICC unchanged. It fails the MAC, which is the point of binding.
    if (auto a = answer_for(rand_on_air, std::nullopt)) return *a;
  }
  return ChallengeRejected{nas::emm_cause::mac_failure, std::nullopt, true, candidates.empty()};
}

Result<crypto::Rsp> MobileEquipment::establish_kme(const Plmn& home, KmeId id, crypto::KeyWrapScheme scheme,
                                                   ByteView wrapped_kme, const crypto::HssNonce& nhss) {
  if (scheme != device_key_.scheme) {
    return fail(ErrorCode::invalid_argument, std::string("KME wrapped with ") + crypto::to_string(scheme) +
                                                 " but this device's key is " + crypto::to_string(device_key_.scheme));
  }
  auto plain = crypto::unwrap_on_device(scheme, device_key_.private_key, wrapped_kme);
  if (!plain) return std::unexpected(plain.error());
  if (plain->size() != 16) return fail(ErrorCode::invalid_argument, "unwrapped KME is not 128 bits");
  crypto::Kme kme{};
  std::copy(plain->begin(), plain->end(), kme.begin());
  secure_wipe(*plain);
  store_.add(StoredKme{home, id, kme, false});
  return crypto::compute_rsp(kme, nhss);
}

}  // namespace simbind::ue
