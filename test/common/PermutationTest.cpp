//===- PermutationTest.cpp - named permutation tables ---------------------===//
#include "common/Permutation.h"

#include <gtest/gtest.h>

namespace bfly {
namespace {

using Table = std::vector<int64_t>;

/// The gather table of applying `first`, then `second`: y[i] = x[P1[P2[i]]].
Table compose(const Table &first, const Table &second) {
  Table result(second.size());
  for (size_t i = 0; i < second.size(); ++i)
    result[i] = first[second[i]];
  return result;
}

TEST(PermutationTest, NamedTablesFollowTheirDefinitions) {
  EXPECT_EQ(namedPermutation(NamedPermutation::BitReverse, 8, 8),
            (Table{0, 4, 2, 6, 1, 5, 3, 7}));
  EXPECT_EQ(namedPermutation(NamedPermutation::EvenOdd, 8, 8),
            (Table{0, 2, 4, 6, 1, 3, 5, 7}));
  EXPECT_EQ(namedPermutation(NamedPermutation::ReverseFirstHalf, 8, 8),
            (Table{3, 2, 1, 0, 4, 5, 6, 7}));
  EXPECT_EQ(namedPermutation(NamedPermutation::ReverseSecondHalf, 8, 8),
            (Table{0, 1, 2, 3, 7, 6, 5, 4}));
}

TEST(PermutationTest, BlocksApplyThePermutationToEachBlock) {
  EXPECT_EQ(namedPermutation(NamedPermutation::EvenOdd, 8, 4),
            (Table{0, 2, 1, 3, 4, 6, 5, 7}));
  EXPECT_EQ(namedPermutation(NamedPermutation::ReverseFirstHalf, 8, 2),
            (Table{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(namedPermutation(NamedPermutation::ReverseSecondHalf, 8, 4),
            (Table{0, 1, 3, 2, 4, 5, 7, 6}));
}

/// Bit reversal is the product of even/odd separations at every level,
/// which is how the paper's relaxed permutations reach it.
TEST(PermutationTest, BitReversalIsEvenOddAtEveryLevel) {
  for (int64_t n = 2; n <= 1024; n *= 2) {
    Table product(n);
    for (int64_t i = 0; i < n; ++i)
      product[i] = i;
    for (int64_t block = n; block >= 2; block /= 2)
      product = compose(product,
                        namedPermutation(NamedPermutation::EvenOdd, n, block));
    EXPECT_EQ(product, namedPermutation(NamedPermutation::BitReverse, n, n))
        << "n = " << n;
  }
}

TEST(PermutationTest, EveryNamedTableIsABijection) {
  for (NamedPermutation kind : kNamedPermutations)
    for (int64_t n = 2; n <= 256; n *= 2)
      for (int64_t block = 2; block <= n; block *= 2)
        EXPECT_TRUE(isBijection(namedPermutation(kind, n, block)))
            << toString(kind) << " n=" << n << " block=" << block;
}

TEST(PermutationTest, IsBijectionRejectsRepeatsAndOutOfRange) {
  EXPECT_TRUE(isBijection({2, 0, 1}));
  EXPECT_FALSE(isBijection({0, 0, 1}));
  EXPECT_FALSE(isBijection({0, 1, 3}));
  EXPECT_FALSE(isBijection({-1, 0, 1}));
}

TEST(PermutationTest, NamesRoundTrip) {
  for (NamedPermutation kind : kNamedPermutations)
    EXPECT_EQ(parseNamedPermutation(toString(kind)), kind);
  EXPECT_FALSE(parseNamedPermutation("bitreverse").has_value());
}

/// Composed permutations are given back their name when they have one.
TEST(PermutationTest, NameOfPermutationFindsWholeVectorNames) {
  EXPECT_EQ(nameOfPermutation({0, 4, 2, 6, 1, 5, 3, 7}),
            NamedPermutation::BitReverse);
  EXPECT_EQ(nameOfPermutation({0, 2, 4, 6, 1, 3, 5, 7}),
            NamedPermutation::EvenOdd);
  EXPECT_EQ(nameOfPermutation({0, 1, 2, 3, 7, 6, 5, 4}),
            NamedPermutation::ReverseSecondHalf);
  // Even/odd of blocks of 4 is no whole-vector name; nor is a size that is
  // not a power of two.
  EXPECT_FALSE(nameOfPermutation({0, 2, 1, 3, 4, 6, 5, 7}).has_value());
  EXPECT_FALSE(nameOfPermutation({2, 1, 0}).has_value());
}

TEST(PermutationTest, Log2Exact) {
  EXPECT_EQ(log2Exact(1), 0);
  EXPECT_EQ(log2Exact(4096), 12);
}

} // namespace
} // namespace bfly
