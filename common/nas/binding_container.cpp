#include "common/nas/binding_container.h"

#include <algorithm>

namespace simbind::nas {
namespace {
constexpr std::uint8_t kVersion = 1;
constexpr std::size_t kDownlinkHead = 1 + 4 + 1 + 16;
constexpr std::size_t kMaxWrappedKme = 1024;
}  // namespace

Result<Bytes> encode_binding_downlink(const BindingDownlink& d) {
  if (d.wrapped_kme.empty() || d.wrapped_kme.size() > kMaxWrappedKme) {
    return fail(ErrorCode::invalid_argument, "binding container: a wrapped KME of " +
                                                 std::to_string(d.wrapped_kme.size()) + " octets (1.." +
                                                 std::to_string(kMaxWrappedKme) + ")");
  }
  Bytes out{kVersion, static_cast<std::uint8_t>(d.kme_id >> 24), static_cast<std::uint8_t>(d.kme_id >> 16),
            static_cast<std::uint8_t>(d.kme_id >> 8), static_cast<std::uint8_t>(d.kme_id), d.key_wrap_scheme};
  out.insert(out.end(), d.hss_nonce.begin(), d.hss_nonce.end());
  out.insert(out.end(), d.wrapped_kme.begin(), d.wrapped_kme.end());
  return out;
}

Result<BindingDownlink> decode_binding_downlink(ByteView c) {
  if (c.size() < kDownlinkHead + 1 || c.size() > kDownlinkHead + kMaxWrappedKme) {
    return fail(ErrorCode::invalid_argument, "binding container: " + std::to_string(c.size()) + " octets, expected " +
                                                 std::to_string(kDownlinkHead + 1) + ".." +
                                                 std::to_string(kDownlinkHead + kMaxWrappedKme));
  }
  if (c[0] != kVersion) return fail(ErrorCode::invalid_argument, "binding container: version " + std::to_string(c[0]));
  BindingDownlink d;
  d.kme_id = (std::uint32_t{c[1]} << 24) | (std::uint32_t{c[2]} << 16) | (std::uint32_t{c[3]} << 8) | c[4];
  d.key_wrap_scheme = c[5];
  if (d.key_wrap_scheme < 1 || d.key_wrap_scheme > 3) {
    return fail(ErrorCode::invalid_argument, "binding container: key wrap scheme " + std::to_string(d.key_wrap_scheme));
  }
  std::copy(c.begin() + 6, c.begin() + 22, d.hss_nonce.begin());
  d.wrapped_kme.assign(c.begin() + 22, c.end());
  return d;
}

Bytes encode_binding_uplink(const BindingUplink& u) {
  Bytes out{kVersion, static_cast<std::uint8_t>(u.rsp ? 0 : 1)};
  if (u.rsp) out.insert(out.end(), u.rsp->begin(), u.rsp->end());
  return out;
}

Result<BindingUplink> decode_binding_uplink(ByteView c) {
  if (c.size() < 2 || c[0] != kVersion) return fail(ErrorCode::invalid_argument, "binding container: bad header");
  if (c[1] == 1 && c.size() == 2) return BindingUplink{};
  if (c[1] == 0 && c.size() == 2 + 32) {
    Octets<32> rsp{};
    std::copy(c.begin() + 2, c.end(), rsp.begin());
    return BindingUplink{rsp};
  }
  return fail(ErrorCode::invalid_argument, "binding container: outcome " + std::to_string(c[1]) + " with " +
                                               std::to_string(c.size() - 2) + " octets");
}

}  // namespace simbind::nas
