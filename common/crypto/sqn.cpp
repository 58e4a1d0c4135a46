#include "common/crypto/sqn.h"

#include <algorithm>
#include <chrono>

namespace simbind::crypto {
namespace {

Result<unsigned> check_ind_bits(unsigned ind_bits) {
  // TS 33.102 C.3.2 suggests IND of 5 bits; anything that leaves SEQ a useful size is allowed.
  if (ind_bits > 16) return fail(ErrorCode::invalid_argument, "ind_bits must be 0..16");
  return ind_bits;
}

std::uint64_t max_seq(unsigned ind_bits) { return kSqnMask >> ind_bits; }

}  // namespace

Result<UsimSqnPolicy> validate(const UsimSqnPolicy& policy) {
  if (auto r = check_ind_bits(policy.ind_bits); !r) return std::unexpected(r.error());
  if (policy.delta == 0) return fail(ErrorCode::invalid_argument, "delta must be > 0");
  return policy;
}

Result<HeSqnPolicy> validate(const HeSqnPolicy& policy) {
  if (auto r = check_ind_bits(policy.ind_bits); !r) return std::unexpected(r.error());
  if (policy.reservation_block == 0) return fail(ErrorCode::invalid_argument, "reservation_block must be > 0");
  return policy;
}

UsimSqnWindow::UsimSqnWindow(UsimSqnPolicy policy)
    : policy_(policy), seq_ms_(std::size_t{1} << policy.ind_bits, 0) {}

Result<UsimSqnWindow> UsimSqnWindow::restore(UsimSqnPolicy policy, std::vector<std::uint64_t> seq_ms_by_ind) {
  auto valid = validate(policy);
  if (!valid) return std::unexpected(valid.error());
  UsimSqnWindow w(policy);
  if (seq_ms_by_ind.size() != w.seq_ms_.size()) {
    return fail(ErrorCode::invalid_argument, "SQN array has " + std::to_string(seq_ms_by_ind.size()) +
                                                 " entries, expected " + std::to_string(w.seq_ms_.size()));
  }
  w.seq_ms_ = std::move(seq_ms_by_ind);
  return w;
}

std::uint64_t UsimSqnWindow::highest_seq() const { return *std::max_element(seq_ms_.begin(), seq_ms_.end()); }

SqnVerdict UsimSqnWindow::check(const Sqn& sqn) const {
  const auto [seq, ind] = split_sqn(sqn_value(sqn), policy_.ind_bits);
  const std::uint64_t seq_ms = highest_seq();
  if (seq <= seq_ms_[ind]) return SqnVerdict::out_of_range;
  if (seq > seq_ms && seq - seq_ms > policy_.delta) return SqnVerdict::out_of_range;
  if (policy_.limit_l != 0 && seq < seq_ms && seq_ms - seq >= policy_.limit_l) return SqnVerdict::out_of_range;
  return SqnVerdict::accept;
}

void UsimSqnWindow::accept(const Sqn& sqn) {
  const auto [seq, ind] = split_sqn(sqn_value(sqn), policy_.ind_bits);
  seq_ms_[ind] = std::max(seq_ms_[ind], seq);
}

Sqn UsimSqnWindow::sqn_ms() const {
  std::uint64_t best = 0;
  for (std::uint32_t ind = 0; ind < seq_ms_.size(); ++ind) {
    best = std::max(best, join_sqn(seq_ms_[ind], ind, policy_.ind_bits));
  }
  return sqn_from_value(best);
}

HeSqnState HeSqnGenerator::restore(std::uint64_t persisted_reserved_seq, std::uint32_t next_ind) {
  return {persisted_reserved_seq, persisted_reserved_seq, next_ind};
}

Result<SqnBatch> HeSqnGenerator::next(HeSqnState& state, std::size_t count, std::uint64_t clock_seq) const {
  const std::uint64_t limit = max_seq(policy_.ind_bits);
  const std::uint32_t ind_mask = (std::uint32_t{1} << policy_.ind_bits) - 1;
  std::uint64_t seq = state.last_seq;
  if (policy_.scheme == SeqScheme::time_based && clock_seq > seq + 1) seq = clock_seq - 1;
  if (seq >= limit || count > limit - seq) {
    return fail(ErrorCode::invalid_argument, "SEQ space exhausted: resynchronise or re-key the subscription");
  }

  SqnBatch batch;
  batch.sqns.reserve(count);
  std::uint32_t ind = state.next_ind & ind_mask;
  for (std::size_t i = 0; i < count; ++i) {
    ++seq;
    batch.sqns.push_back(sqn_from_value(join_sqn(seq, ind, policy_.ind_bits)));
    ind = (ind + 1) & ind_mask;
  }
  if (seq > state.reserved_seq) {
    state.reserved_seq = std::min(limit, seq + policy_.reservation_block - 1);
    batch.reservation_grew = true;
  }
  state.last_seq = seq;
  state.next_ind = ind;
  return batch;
}

std::optional<std::uint64_t> HeSqnGenerator::reserve_ahead(const HeSqnState& state) const {
  const std::uint64_t block = policy_.reservation_block;
  const std::uint64_t limit = max_seq(policy_.ind_bits);
  if (block < 2 || state.reserved_seq >= limit) return std::nullopt;
  const std::uint64_t left = state.reserved_seq > state.last_seq ? state.reserved_seq - state.last_seq : 0;
  if (left >= block / 2) return std::nullopt;
  return std::min(limit, state.reserved_seq + block);
}

void HeSqnGenerator::resync(HeSqnState& state, const Sqn& sqn_ms) const {
  const std::uint64_t seq_ms = split_sqn(sqn_value(sqn_ms), policy_.ind_bits).seq;
  // The next vector uses SEQ_MS + 1. Going below SEQs already handed out would reuse them, so only move up.
  state.last_seq = std::max(state.last_seq, seq_ms);
}

std::uint64_t HeSqnGenerator::clock_seq_now() {
  using namespace std::chrono;
  constexpr auto epoch_2000 = sys_days{year{2000} / January / 1};
  const auto tenths = duration_cast<duration<std::int64_t, std::deci>>(system_clock::now() - epoch_2000).count();
  return tenths > 0 ? static_cast<std::uint64_t>(tenths) : 0;
}

}  // namespace simbind::crypto
