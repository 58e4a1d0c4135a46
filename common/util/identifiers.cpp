#include "common/util/identifiers.h"

#include <algorithm>

namespace simbind {
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::uint8_t digit(char c) { return static_cast<std::uint8_t>(c - '0'); }

}  // namespace

Result<Plmn> Plmn::create(std::string_view mcc, std::string_view mnc) {
  if (mcc.size() != 3 || !all_digits(mcc)) return fail(ErrorCode::invalid_argument, "MCC must be 3 digits");
  if ((mnc.size() != 2 && mnc.size() != 3) || !all_digits(mnc)) {
    return fail(ErrorCode::invalid_argument, "MNC must be 2 or 3 digits");
  }
  return Plmn(std::string(mcc), std::string(mnc));
}

Octets<3> Plmn::encode() const {
  const std::uint8_t mnc3 = mnc_.size() == 3 ? digit(mnc_[2]) : 0x0f;
  return {static_cast<std::uint8_t>(digit(mcc_[1]) << 4 | digit(mcc_[0])),
          static_cast<std::uint8_t>(mnc3 << 4 | digit(mcc_[2])),
          static_cast<std::uint8_t>(digit(mnc_[1]) << 4 | digit(mnc_[0]))};
}

Result<Plmn> Plmn::decode(ByteView octets) {
  if (octets.size() != 3) return fail(ErrorCode::invalid_argument, "PLMN identity must be 3 octets");
  auto d = [](std::uint8_t nibble) { return static_cast<char>('0' + nibble); };
  std::string mcc{d(octets[0] & 0x0f), d(octets[0] >> 4), d(octets[1] & 0x0f)};
  std::string mnc{d(octets[2] & 0x0f), d(octets[2] >> 4)};
  if ((octets[1] >> 4) != 0x0f) mnc.push_back(d(octets[1] >> 4));
  return create(mcc, mnc);
}

Result<Imsi> Imsi::create(std::string_view digits) {
  if (digits.size() < 6 || digits.size() > 15 || !all_digits(digits)) {
    return fail(ErrorCode::invalid_argument, "IMSI must be 6 to 15 digits");
  }
  return Imsi(std::string(digits));
}

char Imei::luhn_check_digit(std::string_view fourteen_digits) {
  // TS 23.003 Annex B: double every second digit counted from the right of the 14, add digit sums.
  int sum = 0;
  for (std::size_t i = 0; i < fourteen_digits.size(); ++i) {
    int v = digit(fourteen_digits[fourteen_digits.size() - 1 - i]);
    if (i % 2 == 0) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

Result<Imei> Imei::create(std::string_view digits) {
  if ((digits.size() != 14 && digits.size() != 15) || !all_digits(digits)) {
    return fail(ErrorCode::invalid_argument, "IMEI must be 14 or 15 digits");
  }
  const char check = luhn_check_digit(digits.substr(0, 14));
  if (digits.size() == 15 && digits[14] != check) {
    return fail(ErrorCode::invalid_argument, "IMEI check digit is wrong (expected " + std::string(1, check) + ")");
  }
  return Imei(std::string(digits.substr(0, 14)) + check);
}

Result<Imei> Imei::from_s6a(std::string_view digits) {
  if ((digits.size() != 14 && digits.size() != 15) || !all_digits(digits)) {
    return fail(ErrorCode::invalid_argument, "IMEI must be 14 or 15 digits");
  }
  return create(digits.substr(0, 14));
}

}  // namespace simbind
