// Secrets at rest (DESIGN 4): AES-256-GCM under a master key, with the record's identity as additional data so
// that a sealed value moved to another record (another IMSI, say) fails to open.
#pragma once

#include "common/crypto/primitives.h"
#include "common/util/error.h"

namespace simbind::crypto {

using MasterKey = Octets<32>;

// sealed = nonce (12) || ciphertext || tag (16)
Bytes seal(const MasterKey& key, ByteView plaintext, ByteView associated_data);
// verification_failed when the key, the data or the associated data is not the one sealed.
Result<Bytes> open_sealed(const MasterKey& key, ByteView sealed, ByteView associated_data);

// A short public fingerprint of the master key (first 8 octets of SHA-256 over a label and the key), stored
// beside the data so that a daemon started with the wrong key refuses at once, with a clear message.
Octets<8> master_key_fingerprint(const MasterKey& key);

}  // namespace simbind::crypto
