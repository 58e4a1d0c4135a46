// Sequence numbers per TS 33.102 Annex C: SQN = SEQ || IND (48 bits), the USIM's array of highest accepted SEQ
// per IND with the freshness limits, and the HSS's generation of SQNs that are never reused.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/crypto/milenage.h"
#include "common/util/error.h"

namespace simbind::crypto {

inline constexpr std::uint64_t kSqnMask = (std::uint64_t{1} << 48) - 1;

constexpr std::uint64_t sqn_value(const Sqn& sqn) { return from_big_endian(sqn); }
constexpr Sqn sqn_from_value(std::uint64_t v) { return to_big_endian<6>(v & kSqnMask); }

struct SqnFields {
  std::uint64_t seq;
  std::uint32_t ind;
};
// Splits a 48-bit SQN value into SEQ (the high 48 - ind_bits bits) and IND (the low ind_bits bits).
constexpr SqnFields split_sqn(std::uint64_t sqn, unsigned ind_bits) {
  return {sqn >> ind_bits, static_cast<std::uint32_t>(sqn & ((std::uint64_t{1} << ind_bits) - 1))};
}
constexpr std::uint64_t join_sqn(std::uint64_t seq, std::uint32_t ind, unsigned ind_bits) {
  return ((seq << ind_bits) | ind) & kSqnMask;
}

// ---------------------------------------------------------------------------------------------------------
// USIM side (TS 33.102 C.2).

struct UsimSqnPolicy {
  unsigned ind_bits = 5;                      // a = 2^ind_bits array entries
  std::uint64_t delta = std::uint64_t{1} << 28;  // C.2.1: reject SEQ - SEQ_MS > delta
  std::uint64_t limit_l = 0;                  // C.2.2: reject SEQ_MS - SEQ >= L; 0 = check off
};

Result<UsimSqnPolicy> validate(const UsimSqnPolicy& policy);

enum class SqnVerdict { accept, out_of_range };

class UsimSqnWindow {
 public:
  explicit UsimSqnWindow(UsimSqnPolicy policy);
  // Restores a window from its persisted array (one SEQ_MS(i) per IND value).
  static Result<UsimSqnWindow> restore(UsimSqnPolicy policy, std::vector<std::uint64_t> seq_ms_by_ind);

  // C.2.2: accept iff SEQ > SEQ_MS(IND), SEQ - SEQ_MS <= delta and (with L) SEQ_MS - SEQ < L, where SEQ_MS is
  // the highest SEQ accepted under any IND.
  SqnVerdict check(const Sqn& sqn) const;
  // Records an accepted SQN (call only after check() said accept and the MAC verified).
  void accept(const Sqn& sqn);

  // SQN_MS for AUTS: the highest SQN accepted so far (TS 33.102 6.3.3).
  Sqn sqn_ms() const;
  const std::vector<std::uint64_t>& seq_ms_by_ind() const { return seq_ms_; }
  const UsimSqnPolicy& policy() const { return policy_; }

 private:
  std::uint64_t highest_seq() const;
  UsimSqnPolicy policy_;
  std::vector<std::uint64_t> seq_ms_;
};

// ---------------------------------------------------------------------------------------------------------
// HE/AuC side (TS 33.102 C.3).

enum class SeqScheme {
  counter,     // C.3.2: SEQ_HE + 1 for each vector
  time_based,  // C.3.3: SEQ follows a clock (never below SEQ_HE + 1), so SQNs stay fresh after long idles
};

struct HeSqnPolicy {
  unsigned ind_bits = 5;
  SeqScheme scheme = SeqScheme::counter;
  // SEQ values reserved in durable storage at a time. 1 = persist before every vector; a larger block trades
  // skipped SEQ values after a crash for fewer writes. Never reuse holds either way.
  std::uint64_t reservation_block = 1;
};

Result<HeSqnPolicy> validate(const HeSqnPolicy& policy);

// The per-subscriber state the HSS stores. Durable storage must hold `reserved_seq` before any SQN at or below
// it leaves the HSS; after a restart the state is restore()d from that value alone.
struct HeSqnState {
  std::uint64_t last_seq = 0;      // highest SEQ handed out (in memory)
  std::uint64_t reserved_seq = 0;  // highest SEQ durable storage allows to hand out
  std::uint32_t next_ind = 0;
};

struct SqnBatch {
  std::vector<Sqn> sqns;
  bool reservation_grew = false;  // state.reserved_seq moved: persist it before releasing the vectors
};

class HeSqnGenerator {
 public:
  explicit HeSqnGenerator(HeSqnPolicy policy) : policy_(policy) {}

  // After a restart: every SEQ up to the persisted reservation may have been used, so continue above it.
  static HeSqnState restore(std::uint64_t persisted_reserved_seq, std::uint32_t next_ind);

  // `count` fresh SQNs, strictly increasing. `clock_seq` is the clock reading for SeqScheme::time_based
  // (ignored for counter). Fails only when SEQ would overflow its 48 - ind_bits bits.
  Result<SqnBatch> next(HeSqnState& state, std::size_t count, std::uint64_t clock_seq = 0) const;

  // Reserving ahead, so that no vector waits for a durable write: once less than half a block of the
  // reservation is left, the value to reserve next (a block above the current reservation). None with a block
  // of 1 (persist before every vector) or at the end of the SEQ space. The caller persists it, then raises
  // state.reserved_seq to it.
  std::optional<std::uint64_t> reserve_ahead(const HeSqnState& state) const;

  // C.3.4 / TS 33.102 6.3.5: after a verified AUTS, continue from SQN_MS (never below what was handed out).
  void resync(HeSqnState& state, const Sqn& sqn_ms) const;

  // A clock for SeqScheme::time_based: tenths of a second since 2000-01-01 (42 bits last ~139 years).
  static std::uint64_t clock_seq_now();

  const HeSqnPolicy& policy() const { return policy_; }

 private:
  HeSqnPolicy policy_;
};

}  // namespace simbind::crypto
