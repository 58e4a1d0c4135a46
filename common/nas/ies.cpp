#include "common/nas/ies.h"

#include <algorithm>

namespace simbind::nas {
namespace {

// One rule for both directions: what the decoder refuses, the encoder does not write.
std::optional<std::string> digits_problem(MobileIdentity::Type type, const std::string& d) {
  if (!std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; })) return "not a digit";
  const std::size_t n = d.size();
  if ((type == MobileIdentity::Type::imsi && (n < 6 || n > 15)) || (type == MobileIdentity::Type::imei && n != 15) ||
      (type == MobileIdentity::Type::imeisv && n != 16)) {
    return std::to_string(n) + " digits for its type";
  }
  return std::nullopt;
}

}  // namespace

Result<Bytes> encode_mobile_identity(const MobileIdentity& id) {
  Writer w;
  if (id.type == MobileIdentity::Type::guti) {
    w.u8(0xf6)  // spare 1111, even, type 110
        .bytes(id.plmn)
        .u16(id.mme_group_id)
        .u8(id.mme_code)
        .bytes(to_big_endian<4>(id.m_tmsi));
    return w.take();
  }
  const std::string& d = id.digits;
  if (auto problem = digits_problem(id.type, d)) return fail(ErrorCode::invalid_argument, "mobile identity: " + *problem);
  const bool odd = d.size() % 2 == 1;
  const auto digit = [&d](std::size_t i) { return static_cast<std::uint8_t>(d[i] - '0'); };
  // Digit 1 shares the first octet with the odd/even flag and the type; then two digits per octet, low nibble
  // first, 0xF filling the last high nibble when the count is even.
  w.u8(static_cast<std::uint8_t>((d.empty() ? 0 : digit(0)) << 4 | (odd ? 0x08 : 0) | static_cast<std::uint8_t>(id.type)));
  for (std::size_t i = 1; i < d.size(); i += 2) {
    const std::uint8_t hi = i + 1 < d.size() ? digit(i + 1) : 0x0f;
    w.u8(static_cast<std::uint8_t>(hi << 4 | digit(i)));
  }
  return w.take();
}

Result<MobileIdentity> decode_mobile_identity(ByteView value) {
  if (value.empty()) return fail(ErrorCode::invalid_argument, "mobile identity: empty");
  MobileIdentity id;
  const std::uint8_t type = value[0] & 0x07;
  if (type == static_cast<std::uint8_t>(MobileIdentity::Type::guti)) {
    if (value.size() != 11) return fail(ErrorCode::invalid_argument, "GUTI: must be 11 octets");
    id.type = MobileIdentity::Type::guti;
    std::copy_n(value.begin() + 1, 3, id.plmn.begin());
    id.mme_group_id = static_cast<std::uint16_t>(value[4] << 8 | value[5]);
    id.mme_code = value[6];
    id.m_tmsi = static_cast<std::uint32_t>(from_big_endian(value.subspan(7, 4)));
    return id;
  }
  if (type != 1 && type != 2 && type != 3) {
    return fail(ErrorCode::invalid_argument, "mobile identity: type " + std::to_string(type) + " not handled");
  }
  id.type = static_cast<MobileIdentity::Type>(type);
  const bool odd = (value[0] & 0x08) != 0;
  auto push = [&id](std::uint8_t nibble) -> bool {
    if (nibble > 9) return false;
    id.digits.push_back(static_cast<char>('0' + nibble));
    return true;
  };
  if (!push(value[0] >> 4)) return fail(ErrorCode::invalid_argument, "mobile identity: not a digit");
  for (std::size_t i = 1; i < value.size(); ++i) {
    if (!push(value[i] & 0x0f)) return fail(ErrorCode::invalid_argument, "mobile identity: not a digit");
    const bool last = i + 1 == value.size();
    if (last && !odd) {
      if ((value[i] >> 4) != 0x0f) return fail(ErrorCode::invalid_argument, "mobile identity: filler is not F");
    } else if (!push(value[i] >> 4)) {
      return fail(ErrorCode::invalid_argument, "mobile identity: not a digit");
    }
  }
  if (auto problem = digits_problem(id.type, id.digits)) return fail(ErrorCode::invalid_argument, "mobile identity: " + *problem);
  return id;
}

Result<Bytes> encode_apn(const std::string& apn) {
  // TS 24.008 10.5.6.1: the value is at most 100 octets; each label is its length octet and 1..63 octets.
  constexpr std::size_t kMaxValue = 100;
  if (apn.size() + 1 > kMaxValue) {
    return fail(ErrorCode::invalid_argument, "APN: " + std::to_string(apn.size() + 1) + " octets encoded, at most " +
                                                 std::to_string(kMaxValue));
  }
  Writer w;
  std::size_t start = 0;
  while (start <= apn.size()) {
    const std::size_t dot = std::min(apn.find('.', start), apn.size());
    const std::string label = apn.substr(start, dot - start);
    if (label.empty() || label.size() > 63) {
      return fail(ErrorCode::invalid_argument, "APN: a label of " + std::to_string(label.size()) + " octets (1..63)");
    }
    w.u8(static_cast<std::uint8_t>(label.size()))
        .bytes(ByteView(reinterpret_cast<const std::uint8_t*>(label.data()), label.size()));
    start = dot + 1;
  }
  return w.take();
}

Result<std::string> decode_apn(ByteView value) {
  std::string out;
  Reader r(value);
  while (!r.empty()) {
    auto label = r.lv("APN label", 1, 63);
    if (!label) return std::unexpected(label.error());
    if (!out.empty()) out.push_back('.');
    out.append(reinterpret_cast<const char*>(label->data()), label->size());
  }
  if (out.empty()) return fail(ErrorCode::invalid_argument, "APN: empty");
  return out;
}

Result<void> read_optional_ies(Reader& r, const OptionalIeLayout& layout,
                               const std::function<Result<void>(std::uint8_t, ByteView)>& on_ie) {
  while (!r.empty()) {
    auto iei = r.u8("IEI");
    if (!iei) return std::unexpected(iei.error());
    if (*iei >= 0x80) {  // type 1 (half-octet TV) or type 2 (T): the whole IE is this octet
      const std::uint8_t octet = *iei;
      if (auto res = on_ie(static_cast<std::uint8_t>(octet & 0xf0), ByteView(&octet, 1)); !res) return res;
      continue;
    }
    const auto fixed = std::find_if(layout.fixed.begin(), layout.fixed.end(),
                                    [&](const auto& f) { return f.first == *iei; });
    Result<ByteView> value = fixed != layout.fixed.end() ? r.bytes(fixed->second - 1u, "TV IE")
                             : std::find(layout.extended.begin(), layout.extended.end(), *iei) != layout.extended.end()
                                 ? r.lv_e("TLV-E IE")
                                 : r.lv("TLV IE");
    if (!value) return std::unexpected(value.error());
    if (auto res = on_ie(*iei, *value); !res) return res;
  }
  return {};
}

}  // namespace simbind::nas
