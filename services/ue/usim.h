// A software USIM (TS 31.102 AUTHENTICATE in its 3G context): Milenage with K and OPc, the SQN array of
// TS 33.102 Annex C, and the three answers a USIM can give.
#pragma once

#include <variant>

#include "common/crypto/auth_vector.h"
#include "common/crypto/sqn.h"
#include "common/util/identifiers.h"

namespace simbind::ue {

struct UsimProfile {
  Imsi imsi;
  crypto::Key128 k{};
  crypto::Opc opc{};
  unsigned mnc_length = 2;  // from EF_AD: how many IMSI digits after the MCC are the MNC
  crypto::UsimSqnPolicy sqn_policy;
};

struct AuthSuccess {
  crypto::Res res{};
  crypto::Key128 ck{};
  crypto::Key128 ik{};
  crypto::Sqn sqn_xor_ak{};
};
struct MacFailure {};
struct SynchFailure {
  crypto::Auts auts{};
};
using UsimAnswer = std::variant<AuthSuccess, MacFailure, SynchFailure>;

class Usim {
 public:
  Usim(UsimProfile profile, crypto::UsimSqnWindow window);
  explicit Usim(UsimProfile profile);

  // TS 33.102 6.3.3: MAC first (a failed MAC leaves the USIM unchanged), then the SQN freshness check (out of
  // range: AUTS with SQN_MS), then RES, CK, IK; the accepted SQN is recorded.
  UsimAnswer authenticate(const crypto::Rand& rand, const crypto::Autn& autn);

  const Imsi& imsi() const { return profile_.imsi; }
  // The home network of the subscription: MCC and MNC from the IMSI, as EF_AD says.
  Plmn home_plmn() const;
  const crypto::UsimSqnWindow& sqn_window() const { return window_; }
  const UsimProfile& profile() const { return profile_; }

 private:
  UsimProfile profile_;
  crypto::Milenage milenage_;
  crypto::UsimSqnWindow window_;
};

}  // namespace simbind::ue
