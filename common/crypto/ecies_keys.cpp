#include "common/crypto/ecies_keys.h"

#include <openssl/core_names.h>
#include <openssl/obj_mac.h>

namespace simbind::crypto {
namespace {

constexpr char kP256[] = "prime256v1";

const EC_GROUP* p256_group() {
  static const EcGroupPtr group{EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1)};
  return group.get();
}

// P-256 key from its SEC1 public point and, when given, its private scalar.
Result<PkeyPtr> p256_from_parts(ByteView public_point, const BIGNUM* private_scalar) {
  ParamBldPtr bld{OSSL_PARAM_BLD_new()};
  if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, kP256, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, public_point.data(),
                                       public_point.size()) != 1 ||
      (private_scalar && OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, private_scalar) != 1)) {
    return openssl_failure("building P-256 key parameters");
  }
  ParamPtr params{OSSL_PARAM_BLD_to_param(bld.get())};
  PkeyCtxPtr ctx{EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr)};
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, private_scalar ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return fail(ErrorCode::invalid_argument, "not a valid P-256 key: " + drain_openssl_errors());
  }
  return PkeyPtr{raw};
}

Result<Bytes> p256_compressed_point(const EC_POINT* point) {
  Bytes out(33);
  if (EC_POINT_point2oct(p256_group(), point, POINT_CONVERSION_COMPRESSED, out.data(), out.size(), nullptr) != 33) {
    return openssl_failure("encoding P-256 point");
  }
  return out;
}

}  // namespace

Result<PkeyPtr> ecies_public_key(EciesProfile profile, ByteView encoded) {
  if (profile == EciesProfile::a) {
    if (encoded.size() != 32) return fail(ErrorCode::invalid_argument, "X25519 public key must be 32 octets");
    PkeyPtr key{EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, encoded.data(), encoded.size())};
    if (!key) return fail(ErrorCode::invalid_argument, "not a valid X25519 public key");
    return key;
  }
  if (encoded.size() != 33 && encoded.size() != 65) {
    return fail(ErrorCode::invalid_argument, "P-256 public key must be 33 (compressed) or 65 (uncompressed) octets");
  }
  // EC_POINT_oct2point checks that the point is on the curve; an off-curve point is refused here.
  EcPointPtr point{EC_POINT_new(p256_group())};
  if (!point || EC_POINT_oct2point(p256_group(), point.get(), encoded.data(), encoded.size(), nullptr) != 1 ||
      EC_POINT_is_at_infinity(p256_group(), point.get())) {
    drain_openssl_errors();
    return fail(ErrorCode::invalid_argument, "P-256 public key is not a point on the curve");
  }
  return p256_from_parts(encoded, nullptr);
}

Result<PkeyPtr> ecies_private_key(EciesProfile profile, ByteView raw) {
  if (raw.size() != 32) return fail(ErrorCode::invalid_argument, "private key must be 32 octets");
  if (profile == EciesProfile::a) {
    PkeyPtr key{EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, raw.data(), raw.size())};
    if (!key) return openssl_failure("loading X25519 private key");
    return key;
  }
  BignumPtr scalar{BN_bin2bn(raw.data(), static_cast<int>(raw.size()), nullptr)};
  if (!scalar) return openssl_failure("loading P-256 scalar");
  if (BN_is_zero(scalar.get()) || BN_cmp(scalar.get(), EC_GROUP_get0_order(p256_group())) >= 0) {
    return fail(ErrorCode::invalid_argument, "P-256 private key is not in [1, n-1]");
  }
  // OpenSSL does not derive the public point from a bare scalar on import, so compute Q = d * G here.
  EcPointPtr q{EC_POINT_new(p256_group())};
  if (!q || EC_POINT_mul(p256_group(), q.get(), scalar.get(), nullptr, nullptr, nullptr) != 1) {
    return openssl_failure("computing P-256 public key");
  }
  auto encoded = p256_compressed_point(q.get());
  if (!encoded) return std::unexpected(encoded.error());
  return p256_from_parts(*encoded, scalar.get());
}

Result<PkeyPtr> ecies_generate_key(EciesProfile profile) {
  PkeyPtr key{profile == EciesProfile::a ? EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519")
                                         : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")};
  if (!key) return openssl_failure("generating ephemeral key");
  return key;
}

Result<Bytes> ecies_encoded_public_key(EciesProfile profile, const EVP_PKEY* key) {
  if (profile == EciesProfile::a) {
    Bytes out(32);
    std::size_t len = out.size();
    if (EVP_PKEY_get_raw_public_key(key, out.data(), &len) != 1 || len != 32) {
      return openssl_failure("reading X25519 public key");
    }
    return out;
  }
  Bytes point(65);
  std::size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size(), &len) != 1) {
    return openssl_failure("reading P-256 public key");
  }
  EcPointPtr p{EC_POINT_new(p256_group())};
  if (!p || EC_POINT_oct2point(p256_group(), p.get(), point.data(), len, nullptr) != 1) {
    return openssl_failure("decoding P-256 public key");
  }
  return p256_compressed_point(p.get());
}

Result<Bytes> ecies_raw_private_key(EciesProfile profile, const EVP_PKEY* key) {
  Bytes out(32);
  if (profile == EciesProfile::a) {
    std::size_t len = out.size();
    if (EVP_PKEY_get_raw_private_key(key, out.data(), &len) != 1 || len != 32) {
      return openssl_failure("reading X25519 private key");
    }
    return out;
  }
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &raw) != 1) return openssl_failure("reading P-256 scalar");
  BignumPtr scalar{raw};
  if (BN_bn2binpad(scalar.get(), out.data(), static_cast<int>(out.size())) != 32) {
    return openssl_failure("encoding P-256 scalar");
  }
  return out;
}

Result<Bytes> ecdh_shared_secret(EVP_PKEY* own, EVP_PKEY* peer) {
  PkeyCtxPtr ctx{EVP_PKEY_CTX_new_from_pkey(nullptr, own, nullptr)};
  std::size_t len = 0;
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer(ctx.get(), peer) != 1 ||
      EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1) {
    return fail(ErrorCode::invalid_argument, "key agreement failed: " + drain_openssl_errors());
  }
  Bytes z(len);
  if (EVP_PKEY_derive(ctx.get(), z.data(), &len) != 1) return openssl_failure("key agreement");
  z.resize(len);
  return z;
}

}  // namespace simbind::crypto
