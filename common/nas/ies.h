// NAS information elements shared by several messages (TS 24.301 9.9, TS 24.008 10.5).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "common/nas/buffer.h"

namespace simbind::nas {

// EPS mobile identity (TS 24.301 9.9.3.12) and mobile identity (TS 24.008 10.5.1.4): IMSI, IMEI, IMEISV as
// BCD digits, or a GUTI.
struct MobileIdentity {
  enum class Type : std::uint8_t { imsi = 1, imei = 2, imeisv = 3, guti = 6 };
  Type type = Type::imsi;
  std::string digits;  // IMSI (6-15), IMEI (15), IMEISV (16)
  Octets<3> plmn{};    // GUTI
  std::uint16_t mme_group_id = 0;
  std::uint8_t mme_code = 0;
  std::uint32_t m_tmsi = 0;

  static MobileIdentity of(Type t, std::string digits) {
    MobileIdentity m;
    m.type = t;
    m.digits = std::move(digits);
    return m;
  }
  bool operator==(const MobileIdentity&) const = default;
};

// Refuses digits that are not digits, or too few or too many for the type (the decoder's rules).
Result<Bytes> encode_mobile_identity(const MobileIdentity& id);
Result<MobileIdentity> decode_mobile_identity(ByteView value);

// APN as on the wire (TS 23.003 9.1: length-prefixed labels) <-> dotted text. The encoder refuses an empty label,
// a label over 63 octets and an APN over 100 octets encoded (TS 24.008 10.5.6.1).
Result<Bytes> encode_apn(const std::string& apn);
Result<std::string> decode_apn(ByteView value);

// NAS security algorithms (TS 24.301 9.9.3.23): type of ciphering algorithm (EEA) and of integrity (EIA).
inline std::uint8_t encode_nas_algorithms(std::uint8_t eea, std::uint8_t eia) {
  return static_cast<std::uint8_t>((eea & 0x07) << 4 | (eia & 0x07));
}

// The optional part of a message (TS 24.007 11.2.4, TS 24.301 8.x): walks IEs until the end, handing each to
// `on_ie(iei, value)`. Half-octet IEs (IEI octet >= 0x80) arrive as iei = high nibble << 4, value = the octet.
// Fixed-length TV IEs must be listed in `fixed` (iei, total length incl. IEI), TLV-E IEs in `extended`; other
// IEIs are TLV. Unknown IEs are skipped, as the spec asks; truncated ones are an error.
struct OptionalIeLayout {
  std::initializer_list<std::pair<std::uint8_t, std::uint8_t>> fixed;
  std::initializer_list<std::uint8_t> extended;
};
Result<void> read_optional_ies(Reader& r, const OptionalIeLayout& layout,
                               const std::function<Result<void>(std::uint8_t iei, ByteView value)>& on_ie);

}  // namespace simbind::nas
