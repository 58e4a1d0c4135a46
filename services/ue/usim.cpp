#include "services/ue/usim.h"

namespace simbind::ue {

Usim::Usim(UsimProfile profile, crypto::UsimSqnWindow window)
    : profile_(std::move(profile)), milenage_(profile_.k, profile_.opc), window_(std::move(window)) {}

Usim::Usim(UsimProfile profile) : Usim(profile, crypto::UsimSqnWindow(profile.sqn_policy)) {}

UsimAnswer Usim::authenticate(const crypto::Rand& rand, const crypto::Autn& autn) {
  const auto check = crypto::verify_autn(milenage_, rand, autn);
  if (!check.mac_ok) return MacFailure{};
  if (window_.check(check.sqn) != crypto::SqnVerdict::accept) {
    return SynchFailure{crypto::build_auts(milenage_, rand, window_.sqn_ms())};
  }
  window_.accept(check.sqn);
  const auto f = milenage_.f2345(rand);
  return AuthSuccess{f.res, f.ck, f.ik, crypto::split_autn(autn).sqn_xor_ak};
}

Plmn Usim::home_plmn() const {
  const std::string& d = profile_.imsi.str();
  // Imsi guarantees at least 6 digits, so MCC + a 2- or 3-digit MNC are always there.
  return *Plmn::create(d.substr(0, 3), d.substr(3, profile_.mnc_length == 3 ? 3 : 2));
}

}  // namespace simbind::ue
