// ECIES of TS 33.501 Annex C.3 (Profile A: X25519, Profile B: P-256), used to wrap a KME for a device.
#include <openssl/core_names.h>
#include <openssl/obj_mac.h>

#include <algorithm>

#include "common/crypto/ecies_keys.h"
#include "common/crypto/key_wrap.h"
#include "common/util/secure.h"

namespace simbind::crypto {
namespace {

constexpr std::size_t kTagLen = 8;

std::size_t eph_public_len(EciesProfile p) { return p == EciesProfile::a ? 32 : 33; }

struct EciesKeys {
  Key128 enc_key;
  Block icb;
  Octets<32> mac_key;
};

EciesKeys split_kdf_output(const Octets<64>& k) {
  EciesKeys keys{};
  std::copy_n(k.begin(), 16, keys.enc_key.begin());
  std::copy_n(k.begin() + 16, 16, keys.icb.begin());
  std::copy_n(k.begin() + 32, 32, keys.mac_key.begin());
  return keys;
}

// AES-128-CTR whose counter is the rightmost 32 bits of the block (SP 800-38A B.1 with m = 32, as the scheme's
// README fixes it): EVP's CTR carries into all 128 bits, so the stream is restarted where the 32 bits wrap.
Bytes aes128_ctr_m32(const Key128& key, Block icb, ByteView data) {
  Bytes out;
  out.reserve(data.size());
  while (!data.empty()) {
    const std::uint64_t low = from_big_endian(ByteView(icb).subspan(12));
    const std::uint64_t blocks_to_wrap = (std::uint64_t{1} << 32) - low;
    const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(data.size(), blocks_to_wrap * 16));
    const Bytes part = aes128_ctr(key, icb, data.first(take));
    out.insert(out.end(), part.begin(), part.end());
    data = data.subspan(take);
    std::fill(icb.begin() + 12, icb.end(), 0);  // the counter wrapped to zero; the upper 96 bits stay
  }
  return out;
}

Octets<kTagLen> mac_tag(const Octets<32>& mac_key, ByteView ciphertext) {
  const auto full = hmac_sha256(mac_key, ciphertext);  // SharedInfo2 is empty
  Octets<kTagLen> tag{};
  std::copy_n(full.begin(), kTagLen, tag.begin());
  return tag;
}

}  // namespace

Octets<64> ecies_kdf(ByteView shared_secret, ByteView shared_info) {
  Octets<64> out{};
  for (std::uint32_t counter = 1; counter <= 2; ++counter) {
    const auto block = sha256(concat(shared_secret, to_big_endian<4>(counter), shared_info));
    std::copy(block.begin(), block.end(), out.begin() + 32 * (counter - 1));
  }
  return out;
}

Result<Bytes> ecies_wrap(EciesProfile profile, ByteView hn_public, ByteView plaintext,
                         std::optional<ByteView> eph_private) {
  auto peer = ecies_public_key(profile, hn_public);
  if (!peer) return std::unexpected(peer.error());
  auto eph = eph_private ? ecies_private_key(profile, *eph_private) : ecies_generate_key(profile);
  if (!eph) return std::unexpected(eph.error());
  auto eph_pub = ecies_encoded_public_key(profile, eph->get());
  if (!eph_pub) return std::unexpected(eph_pub.error());
  auto z = ecdh_shared_secret(eph->get(), peer->get());
  if (!z) return std::unexpected(z.error());

  auto k = ecies_kdf(*z, *eph_pub);
  secure_wipe(*z);
  const EciesKeys keys = split_kdf_output(k);
  secure_wipe(k);
  const Bytes ciphertext = aes128_ctr_m32(keys.enc_key, keys.icb, plaintext);
  return concat(*eph_pub, ciphertext, mac_tag(keys.mac_key, ciphertext));
}

Result<Bytes> ecies_unwrap(EciesProfile profile, ByteView hn_private, ByteView input) {
  const std::size_t eph_len = eph_public_len(profile);
  if (input.size() < eph_len + kTagLen) {
    return fail(ErrorCode::invalid_argument, "ECIES input is " + std::to_string(input.size()) +
                                                 " octets, shorter than ephemeral key and tag (" +
                                                 std::to_string(eph_len + kTagLen) + ")");
  }
  const ByteView eph_pub = input.first(eph_len);
  const ByteView ciphertext = input.subspan(eph_len, input.size() - eph_len - kTagLen);
  const ByteView tag = input.last(kTagLen);
  if (profile == EciesProfile::b && eph_pub[0] != 0x02 && eph_pub[0] != 0x03) {
    return fail(ErrorCode::invalid_argument, "ECIES Profile B ephemeral key is not a compressed point");
  }

  auto own = ecies_private_key(profile, hn_private);
  if (!own) return std::unexpected(own.error());
  auto peer = ecies_public_key(profile, eph_pub);
  if (!peer) return std::unexpected(peer.error());
  auto z = ecdh_shared_secret(own->get(), peer->get());
  if (!z) return std::unexpected(z.error());

  auto k = ecies_kdf(*z, eph_pub);
  secure_wipe(*z);
  const EciesKeys keys = split_kdf_output(k);
  secure_wipe(k);
  if (!constant_time_equal(mac_tag(keys.mac_key, ciphertext), tag)) {
    return fail(ErrorCode::verification_failed, "ECIES MAC tag does not match (wrong key or altered input)");
  }
  return aes128_ctr_m32(keys.enc_key, keys.icb, ciphertext);
}

}  // namespace simbind::crypto
