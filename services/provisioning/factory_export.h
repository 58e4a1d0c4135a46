// The factory KME export (DESIGN 3.4): the IMEI -> KME database a device factory hands to the trusted third party
// and the operator's back office. One file, sealed as a whole with AES-256-GCM (common/crypto/secret_box.h) under
// a 32-octet transfer key: a magic line, then nonce || ciphertext || tag. The plaintext is JSON lines,
// {"imei":"15 digits","kme_id":N,"kme":"32 hex digits"}. Opening checks the tag before anything is parsed, so a
// tampered file, or one sealed under another key, is refused as a whole.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/crypto/binding.h"
#include "common/crypto/secret_box.h"
#include "common/util/identifiers.h"

namespace simbind::prov {

struct FactoryKme {
  Imei imei;
  std::uint32_t kme_id = 0;  // never 0
  crypto::Kme kme{};
};

// Wipes every KME (call when done with a list).
void wipe(std::vector<FactoryKme>& entries);

// The sealed file content. Entries must have distinct IMEIs and non-zero KME-Ids (not checked here).
Bytes seal_factory_export(const crypto::MasterKey& transfer_key, const std::vector<FactoryKme>& entries);

// Opens and parses a sealed export. Errors: verification_failed (not sealed under this key, or altered),
// invalid_argument (not an export file, or a line that is not a valid entry: the line is named, never a key).
Result<std::vector<FactoryKme>> open_factory_export(const crypto::MasterKey& transfer_key, ByteView sealed);

// The JSON-lines text alone (exposed for tests).
std::string format_factory_kmes(const std::vector<FactoryKme>& entries);
Result<std::vector<FactoryKme>> parse_factory_kmes(std::string_view text);

}  // namespace simbind::prov
