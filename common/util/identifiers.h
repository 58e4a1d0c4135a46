// Strong types for the identifiers simbind passes around, each validated once when it is made.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/util/bytes.h"
#include "common/util/error.h"

namespace simbind {

// PLMN identity (MCC + 2- or 3-digit MNC).
class Plmn {
 public:
  static Result<Plmn> create(std::string_view mcc, std::string_view mnc);

  const std::string& mcc() const { return mcc_; }
  const std::string& mnc() const { return mnc_; }
  // TS 24.301 9.9.3.32 / TS 24.008 10.5.1.13 encoding, used as the SN id in the KASME KDF (TS 33.401 A.2):
  // MCC2 MCC1 | MNC3 MCC3 | MNC2 MNC1, MNC3 = 0xF for a 2-digit MNC.
  Octets<3> encode() const;
  static Result<Plmn> decode(ByteView octets);

  std::string to_string() const { return mcc_ + "-" + mnc_; }
  auto operator<=>(const Plmn&) const = default;

 private:
  Plmn(std::string mcc, std::string mnc) : mcc_(std::move(mcc)), mnc_(std::move(mnc)) {}
  std::string mcc_;
  std::string mnc_;
};

// IMSI: 6 to 15 decimal digits (TS 23.003 2.2).
class Imsi {
 public:
  static Result<Imsi> create(std::string_view digits);
  const std::string& str() const { return digits_; }
  auto operator<=>(const Imsi&) const = default;

 private:
  explicit Imsi(std::string digits) : digits_(std::move(digits)) {}
  std::string digits_;
};

// IMEI: 14 digits TAC+SNR and a Luhn check digit (TS 23.003 6.2.1). Made from 14 digits (the check digit is
// computed) or 15 (the check digit is verified).
class Imei {
 public:
  static Result<Imei> create(std::string_view digits);
  // The IMEI of an S6a Terminal-Information IMEI AVP: TS 29.272 7.3.4 has 14 digits (TAC and SNR) and allows a
  // 15th, which MMEs fill with the check digit (simbind-mme) or leave out (Open5GS). The identity is the first 14
  // digits; the 15th is not trusted either way, so every MME's form gives the same IMEI, check digit recomputed.
  static Result<Imei> from_s6a(std::string_view digits);
  static char luhn_check_digit(std::string_view fourteen_digits);

  const std::string& str() const { return digits_; }  // 15 digits, check digit last
  std::string_view tac_snr() const { return std::string_view(digits_).substr(0, 14); }
  auto operator<=>(const Imei&) const = default;

 private:
  explicit Imei(std::string digits) : digits_(std::move(digits)) {}
  std::string digits_;
};

// KME-Id: 32-bit identifier of one KME (DESIGN 4). Its two low bits travel in AMF bits 9-10.
enum class KmeId : std::uint32_t {};

constexpr std::uint32_t to_uint(KmeId id) { return static_cast<std::uint32_t>(id); }

}  // namespace simbind
