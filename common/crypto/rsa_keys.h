// DER loading of RSA keys (internal to common/crypto): one place that checks the encoding and the key type.
#pragma once

#include "common/crypto/openssl_handles.h"
#include "common/util/bytes.h"

namespace simbind::crypto {

Result<PkeyPtr> load_rsa_public_der(ByteView der);   // SubjectPublicKeyInfo
Result<PkeyPtr> load_rsa_private_der(ByteView der);  // PKCS#1 or PKCS#8
Result<Bytes> encode_public_der(const EVP_PKEY* key);
Result<Bytes> encode_private_der(const EVP_PKEY* key);

}  // namespace simbind::crypto
