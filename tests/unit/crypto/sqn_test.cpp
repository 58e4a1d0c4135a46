#include "common/crypto/sqn.h"

#include <gtest/gtest.h>

namespace simbind::crypto {
namespace {

Sqn sqn(std::uint64_t seq, std::uint32_t ind, unsigned ind_bits = 5) { return sqn_from_value(join_sqn(seq, ind, ind_bits)); }

TEST(UsimSqnWindow, when_seq_above_entry_for_its_ind_then_accepted_once) {
  UsimSqnWindow w(UsimSqnPolicy{});
  ASSERT_EQ(w.check(sqn(10, 3)), SqnVerdict::accept);
  w.accept(sqn(10, 3));
  EXPECT_EQ(w.check(sqn(10, 3)), SqnVerdict::out_of_range) << "replay";
  EXPECT_EQ(w.check(sqn(9, 3)), SqnVerdict::out_of_range);
  EXPECT_EQ(w.check(sqn(5, 4)), SqnVerdict::accept) << "older SEQ under another IND is still fresh (C.1)";
  EXPECT_EQ(w.sqn_ms(), sqn(10, 3));
}

TEST(UsimSqnWindow, when_seq_jumps_more_than_delta_then_out_of_range) {
  UsimSqnWindow w(UsimSqnPolicy{.ind_bits = 5, .delta = 100, .limit_l = 0});
  w.accept(sqn(50, 0));
  EXPECT_EQ(w.check(sqn(150, 1)), SqnVerdict::accept);
  EXPECT_EQ(w.check(sqn(151, 1)), SqnVerdict::out_of_range);
}

TEST(UsimSqnWindow, when_limit_l_set_then_too_old_seq_is_refused) {
  UsimSqnWindow w(UsimSqnPolicy{.ind_bits = 5, .delta = 1u << 28, .limit_l = 10});
  w.accept(sqn(100, 0));
  EXPECT_EQ(w.check(sqn(91, 1)), SqnVerdict::accept);
  EXPECT_EQ(w.check(sqn(90, 1)), SqnVerdict::out_of_range);
}

TEST(UsimSqnWindow, when_restored_from_its_array_then_same_verdicts) {
  UsimSqnWindow w(UsimSqnPolicy{});
  w.accept(sqn(7, 1));
  w.accept(sqn(9, 2));
  auto restored = UsimSqnWindow::restore(UsimSqnPolicy{}, w.seq_ms_by_ind());
  ASSERT_TRUE(restored);
  EXPECT_EQ(restored->check(sqn(9, 2)), SqnVerdict::out_of_range);
  EXPECT_EQ(restored->sqn_ms(), sqn(9, 2));
  EXPECT_FALSE(UsimSqnWindow::restore(UsimSqnPolicy{}, std::vector<std::uint64_t>(3))) << "wrong array size";
}

TEST(HeSqnGenerator, when_vectors_generated_then_sqn_strictly_increases_and_usim_accepts_all) {
  const HeSqnGenerator gen(HeSqnPolicy{});
  HeSqnState state{};
  UsimSqnWindow usim(UsimSqnPolicy{});
  std::uint64_t last = 0;
  for (int batch = 0; batch < 20; ++batch) {
    auto b = gen.next(state, 5);
    ASSERT_TRUE(b);
    for (const Sqn& s : b->sqns) {
      EXPECT_GT(sqn_value(s), last);
      last = sqn_value(s);
      ASSERT_EQ(usim.check(s), SqnVerdict::accept);
      usim.accept(s);
    }
  }
}

TEST(HeSqnGenerator, when_restarted_from_persisted_reservation_then_no_sqn_is_reused) {
  const HeSqnGenerator gen(HeSqnPolicy{.ind_bits = 5, .scheme = SeqScheme::counter, .reservation_block = 16});
  HeSqnState state{};
  std::uint64_t persisted = 0;
  std::uint64_t highest_handed_out = 0;
  for (int i = 0; i < 7; ++i) {
    auto b = gen.next(state, 3).value();
    if (b.reservation_grew) persisted = state.reserved_seq;  // what the store would write before answering
    for (const Sqn& s : b.sqns) {
      const auto seq = split_sqn(sqn_value(s), 5).seq;
      ASSERT_LE(seq, persisted) << "an SQN left above the durable reservation";
      highest_handed_out = std::max(highest_handed_out, seq);
    }
  }
  // Crash: only `persisted` survives.
  HeSqnState after = HeSqnGenerator::restore(persisted, 0);
  const auto next = gen.next(after, 1).value();
  EXPECT_GT(split_sqn(sqn_value(next.sqns[0]), 5).seq, highest_handed_out);
  EXPECT_TRUE(next.reservation_grew);
}

TEST(HeSqnGenerator, when_reservation_block_is_one_then_every_vector_grows_the_reservation) {
  const HeSqnGenerator gen(HeSqnPolicy{});
  HeSqnState state{};
  for (int i = 0; i < 3; ++i) {
    const auto b = gen.next(state, 1).value();
    EXPECT_TRUE(b.reservation_grew);
    EXPECT_EQ(state.reserved_seq, state.last_seq);
  }
}

TEST(HeSqnGenerator, when_less_than_half_a_block_is_left_then_the_next_block_is_reserved_ahead) {
  const HeSqnGenerator gen(HeSqnPolicy{.ind_bits = 5, .scheme = SeqScheme::counter, .reservation_block = 10});
  HeSqnState state{};
  ASSERT_TRUE(gen.next(state, 1)->reservation_grew);  // reserved 1..10
  EXPECT_EQ(state.reserved_seq, 10u);
  EXPECT_FALSE(gen.reserve_ahead(state)) << "9 of 10 left";
  (void)gen.next(state, 4);  // last 5: 5 left, exactly half
  EXPECT_FALSE(gen.reserve_ahead(state));
  (void)gen.next(state, 1);  // last 6: 4 left
  EXPECT_EQ(gen.reserve_ahead(state), 20u);
  // Once the store has made it durable, the vectors up to 20 need no write.
  state.reserved_seq = 20;
  for (int i = 0; i < 14; ++i) EXPECT_FALSE(gen.next(state, 1)->reservation_grew);
  EXPECT_TRUE(gen.next(state, 1)->reservation_grew) << "SEQ 21 is past the reservation";
}

TEST(HeSqnGenerator, when_the_block_is_one_or_seq_is_exhausted_then_nothing_is_reserved_ahead) {
  const HeSqnGenerator one(HeSqnPolicy{});
  HeSqnState state{};
  (void)one.next(state, 1);
  EXPECT_FALSE(one.reserve_ahead(state)) << "block 1 means persist before every vector";
  const HeSqnGenerator big(HeSqnPolicy{.ind_bits = 5, .scheme = SeqScheme::counter, .reservation_block = 1000});
  HeSqnState end = HeSqnGenerator::restore((kSqnMask >> 5) - 10, 0);
  (void)big.next(end, 1);
  EXPECT_EQ(end.reserved_seq, kSqnMask >> 5);
  EXPECT_FALSE(big.reserve_ahead(end));
  HeSqnState near = HeSqnGenerator::restore((kSqnMask >> 5) - 700, 0);
  near.reserved_seq = (kSqnMask >> 5) - 600;
  EXPECT_EQ(big.reserve_ahead(near), kSqnMask >> 5) << "capped at the last SEQ";
}

TEST(HeSqnGenerator, when_resynchronised_then_next_sqn_follows_sqn_ms_and_never_goes_back) {
  const HeSqnGenerator gen(HeSqnPolicy{});
  HeSqnState state{};
  (void)gen.next(state, 3);
  gen.resync(state, sqn(1000, 7));
  EXPECT_EQ(split_sqn(sqn_value(gen.next(state, 1)->sqns[0]), 5).seq, 1001u);
  gen.resync(state, sqn(10, 0));  // behind the HE: moving down would reuse SQNs
  EXPECT_EQ(split_sqn(sqn_value(gen.next(state, 1)->sqns[0]), 5).seq, 1002u);
}

TEST(HeSqnGenerator, when_time_based_then_seq_follows_the_clock_but_stays_increasing) {
  const HeSqnGenerator gen(HeSqnPolicy{.ind_bits = 5, .scheme = SeqScheme::time_based, .reservation_block = 1});
  HeSqnState state{};
  const auto a = gen.next(state, 1, 5000).value();
  EXPECT_EQ(split_sqn(sqn_value(a.sqns[0]), 5).seq, 5000u);
  const auto b = gen.next(state, 2, 4000).value();  // clock went back: still strictly increasing
  EXPECT_EQ(split_sqn(sqn_value(b.sqns[0]), 5).seq, 5001u);
  EXPECT_EQ(split_sqn(sqn_value(b.sqns[1]), 5).seq, 5002u);
  EXPECT_GT(HeSqnGenerator::clock_seq_now(), 8'000'000'000u) << "tenths of a second since 2000";
}

TEST(HeSqnGenerator, when_seq_space_exhausted_then_error_not_wraparound) {
  const HeSqnGenerator gen(HeSqnPolicy{});
  HeSqnState state = HeSqnGenerator::restore((kSqnMask >> 5) - 1, 0);
  EXPECT_TRUE(gen.next(state, 1));
  const auto r = gen.next(state, 1);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("exhausted"), std::string::npos);
}

TEST(SqnPolicies, when_invalid_then_rejected) {
  EXPECT_FALSE(validate(UsimSqnPolicy{.ind_bits = 17}));
  EXPECT_FALSE(validate(UsimSqnPolicy{.ind_bits = 5, .delta = 0}));
  EXPECT_FALSE(validate(HeSqnPolicy{.ind_bits = 5, .scheme = SeqScheme::counter, .reservation_block = 0}));
  EXPECT_TRUE(validate(HeSqnPolicy{}));
}

}  // namespace
}  // namespace simbind::crypto
