// A factory export file (services/provisioning/factory_export.h) that is not what it claims: the sealed form under
// a known key, and the JSON-lines text inside it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "services/provisioning/factory_export.h"

using namespace simbind;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  crypto::MasterKey key{};
  key.fill(0x5a);
  if (auto entries = prov::open_factory_export(key, ByteView(data, size))) prov::wipe(*entries);
  if (auto entries = prov::parse_factory_kmes(std::string_view(reinterpret_cast<const char*>(data), size))) {
    prov::wipe(*entries);
  }
  return 0;
}
