//===- ButterflyTest.cpp - a stage's pairs against their definition -------===//
#include "common/Butterfly.h"

#include <gtest/gtest.h>

#include <vector>

namespace bfly {
namespace {

/// Pairs enumerated from the definition: block b of 2h elements, offset j
/// below h, pairs numbered block by block.
TEST(ButterflyTest, PairsAreTheBlocksOffsetsInOrder) {
  for (int64_t n = 2; n <= 256; n *= 2)
    for (int64_t h = 1; h < n; h *= 2) {
      int64_t pair = 0;
      for (int64_t b = 0; b < n; b += 2 * h)
        for (int64_t j = 0; j < h; ++j, ++pair) {
          StagePair p = stagePair(pair, h);
          EXPECT_EQ(p.top, b + j) << "n=" << n << " h=" << h;
          EXPECT_EQ(p.bottom, b + j + h) << "n=" << n << " h=" << h;
          EXPECT_EQ(pairOfElement(b + j, h), pair);
          EXPECT_EQ(pairOfElement(b + j + h, h), pair);
          EXPECT_EQ(matrixOfPair(pair, h, /*tied=*/false), pair);
          EXPECT_EQ(matrixOfPair(pair, h, /*tied=*/true), j);
        }
      EXPECT_EQ(pair, n / 2);
    }
}

/// Every element is in exactly one pair of every stage.
TEST(ButterflyTest, PairsCoverEveryElementOnce) {
  int64_t n = 64;
  for (int64_t h = 1; h < n; h *= 2) {
    std::vector<int> seen(n, 0);
    for (int64_t p = 0; p < n / 2; ++p) {
      ++seen[stagePair(p, h).top];
      ++seen[stagePair(p, h).bottom];
    }
    for (int count : seen)
      EXPECT_EQ(count, 1) << "h=" << h;
  }
}

TEST(ButterflyTest, MatrixCounts) {
  EXPECT_EQ(stageMatrices(16, 4, /*tied=*/true), 4);
  EXPECT_EQ(stageMatrices(16, 4, /*tied=*/false), 8);
}

} // namespace
} // namespace bfly
