#include "common/util/secure.h"

#include <gtest/gtest.h>

namespace simbind {
namespace {

TEST(ConstantTimeEqual, when_contents_or_lengths_differ_then_false) {
  const Bytes a{1, 2, 3, 4};
  EXPECT_TRUE(constant_time_equal(a, Bytes{1, 2, 3, 4}));
  EXPECT_FALSE(constant_time_equal(a, Bytes{1, 2, 3, 5}));
  EXPECT_FALSE(constant_time_equal(a, Bytes{1, 2, 3}));
  EXPECT_TRUE(constant_time_equal(Bytes{}, Bytes{}));
}

TEST(SecureWipe, when_wiped_then_all_zero) {
  Bytes secret{9, 9, 9};
  secure_wipe(secret);
  EXPECT_EQ(secret, (Bytes{0, 0, 0}));
}

}  // namespace
}  // namespace simbind
