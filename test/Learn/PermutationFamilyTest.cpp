//===- PermutationFamilyTest.cpp - the paper's learnable permutations -----===//
#include "compiler/Learn/PermutationFamily.h"

#include <gtest/gtest.h>

#include <set>

namespace bfly {
namespace {

TEST(PermutationFamilyTest, EvenOddEverywhereIsBitReversal) {
  for (int64_t n = 4; n <= 256; n *= 2) {
    PermutationChoices choices =
        PermutationChoices::shared(n, {true, false, false});
    EXPECT_EQ(choices.describe(), "bit_reverse");
    ASSERT_EQ(choices.factors(n).size(), 1u);
    EXPECT_EQ(choices.table(n),
              namedPermutation(NamedPermutation::BitReverse, n, n));
  }
}

TEST(PermutationFamilyTest, LevelsApplyLargestBlockFirst) {
  // n = 8, level 8 reverses its first half, level 4 separates even and odd.
  PermutationChoices choices;
  choices.levels = {{false, true, false}, {true, false, false}};
  // After level 8: y = x[3 2 1 0 4 5 6 7]; level 4 (even/odd per block of 4):
  // z = y[0 2 1 3 4 6 5 7] = x[3 1 2 0 4 6 5 7].
  EXPECT_EQ(choices.table(8), (std::vector<int64_t>{3, 1, 2, 0, 4, 6, 5, 7}));
  EXPECT_EQ(choices.describe(), "levels(reverse_first_half;even_odd)");
}

TEST(PermutationFamilyTest, TheSharedFamilyHasEightDistinctMembers) {
  std::vector<PermutationChoices> family = PermutationChoices::sharedFamily(16);
  ASSERT_EQ(family.size(), 8u);
  std::set<std::vector<int64_t>> tables;
  std::set<std::string> names;
  for (const PermutationChoices &choices : family) {
    tables.insert(choices.table(16));
    names.insert(choices.describe());
  }
  EXPECT_EQ(tables.size(), 8u);
  EXPECT_EQ(names.size(), 8u);
  EXPECT_EQ(family[0].describe(), "identity");
  EXPECT_EQ(family[7].describe(),
            "shared(even_odd,reverse_first_half,reverse_second_half)");
}

/// BPP's extra factor applies first: even/odd, then the odd half reversed
/// gives the DCT's input order x0 x2 x4 x6 x7 x5 x3 x1.
TEST(PermutationFamilyTest, TheExtraFactorAppliesFirst) {
  PermutationChoices choices;
  choices.levels = {{false, false, false}, {false, false, false}};
  choices.extra = LevelChoices{true, false, true};
  EXPECT_EQ(choices.table(8), (std::vector<int64_t>{0, 2, 4, 6, 7, 5, 3, 1}));
  EXPECT_EQ(choices.describe(),
            "extra(even_odd,reverse_second_half) then identity");
  choices.levels = {{true, false, false}, {true, false, false}};
  ASSERT_EQ(choices.factors(8).size(), 3u);
  EXPECT_EQ(choices.factors(8).back().name, NamedPermutation::BitReverse);
}

TEST(PermutationFamilyTest, SizeTwoHasNoLevels) {
  PermutationChoices choices =
      PermutationChoices::shared(2, {true, true, true});
  EXPECT_TRUE(choices.levels.empty());
  EXPECT_EQ(choices.table(2), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(choices.describe(), "identity");
}

} // namespace
} // namespace bfly
