// NAS from a UE or a network that wants to hurt us: the EMM/ESM decoders, the IE decoders, and the security
// envelope (a PDU protected with known keys, then altered by the input, must unprotect cleanly or fail cleanly).
#include <cstddef>
#include <cstdint>

#include "common/nas/emm_messages.h"
#include "common/nas/esm_messages.h"
#include "common/nas/ies.h"
#include "common/nas/security_envelope.h"

using namespace simbind;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t selector = data[0];
  const ByteView input(data + 1, size - 1);
  switch (selector % 6) {
    case 0: (void)nas::decode_emm(input, crypto::Direction::uplink); break;
    case 1: (void)nas::decode_emm(input, crypto::Direction::downlink); break;
    case 2: (void)nas::decode_esm(input); break;
    case 3: (void)nas::decode_mobile_identity(input); break;
    case 4: (void)nas::decode_apn(input); break;
    default: {
      // The input as a PDU from the peer, straight into unprotect; then the same bytes protected by the peer
      // and unprotected here: the message that comes out is the one that went in.
      nas::NasKeysInUse keys{};
      keys.k_nas_int.fill(0x11);
      keys.k_nas_enc.fill(0x22);
      nas::SecurityEnvelope mme(keys, crypto::Direction::downlink);
      nas::SecurityEnvelope ue(keys, crypto::Direction::uplink);
      (void)nas::security_header_type(input);
      (void)mme.unprotect(input);
      if (input.size() < 2) break;  // a NAS message has at least its protocol discriminator and type
      const Bytes pdu = ue.protect(input, nas::SecurityHeaderType::integrity_ciphered);
      auto back = mme.unprotect(pdu);
      if (!back || !std::equal(back->message.begin(), back->message.end(), input.begin(), input.end())) __builtin_trap();
      if (auto emm = nas::decode_emm(back->message, crypto::Direction::uplink)) (void)nas::encode_emm(*emm);
      break;
    }
  }
  return 0;
}
