#include "common/crypto/auth_vector.h"

#include <algorithm>

#include "common/util/secure.h"

namespace simbind::crypto {

Autn build_autn(const Sqn& sqn, const Ak& ak, const Amf& amf, const Mac64& mac_a) {
  Autn autn{};
  const Sqn concealed = xor_octets(sqn, ak);
  std::copy(concealed.begin(), concealed.end(), autn.begin());
  std::copy(amf.begin(), amf.end(), autn.begin() + 6);
  std::copy(mac_a.begin(), mac_a.end(), autn.begin() + 8);
  return autn;
}

AutnFields split_autn(const Autn& autn) {
  AutnFields f{};
  std::copy_n(autn.begin(), 6, f.sqn_xor_ak.begin());
  std::copy_n(autn.begin() + 6, 2, f.amf.begin());
  std::copy_n(autn.begin() + 8, 8, f.mac_a.begin());
  return f;
}

AutnVerification verify_autn(const Milenage& milenage, const Rand& rand, const Autn& autn) {
  const AutnFields f = split_autn(autn);
  const Ak ak = milenage.f2345(rand).ak;
  const Sqn sqn = xor_octets(f.sqn_xor_ak, ak);
  const Mac64 xmac = milenage.f1(rand, sqn, f.amf);
  return {constant_time_equal(xmac, f.mac_a), sqn, f.amf};
}

Auts build_auts(const Milenage& milenage, const Rand& rand, const Sqn& sqn_ms) {
  const Sqn concealed = xor_octets(sqn_ms, milenage.f5star(rand));
  const Mac64 mac_s = milenage.f1star(rand, sqn_ms, Amf{0, 0});
  Auts auts{};
  std::copy(concealed.begin(), concealed.end(), auts.begin());
  std::copy(mac_s.begin(), mac_s.end(), auts.begin() + 6);
  return auts;
}

ResyncVerification verify_auts(const Milenage& milenage, const Rand& rand, const Auts& auts) {
  Sqn concealed{};
  std::copy_n(auts.begin(), 6, concealed.begin());
  const Sqn sqn_ms = xor_octets(concealed, milenage.f5star(rand));
  const Mac64 xmac_s = milenage.f1star(rand, sqn_ms, Amf{0, 0});
  return {sqn_ms, constant_time_equal(xmac_s, ByteView(auts).subspan(6))};
}

EutranVector make_eutran_vector(const Milenage& milenage, const Rand& rand, const Sqn& sqn, const Amf& amf,
                                const Octets<3>& sn_id) {
  const MilenageF2345 f = milenage.f2345(rand);
  const Mac64 mac_a = milenage.f1(rand, sqn, amf);
  EutranVector v{};
  v.rand = rand;
  v.xres = f.res;
  v.autn = build_autn(sqn, f.ak, amf, mac_a);
  v.kasme = derive_kasme(f.ck, f.ik, sn_id, xor_octets(sqn, f.ak));
  v.ck = f.ck;
  v.ik = f.ik;
  v.ak = f.ak;
  v.sqn = sqn;
  v.amf = amf;
  return v;
}

}  // namespace simbind::crypto
