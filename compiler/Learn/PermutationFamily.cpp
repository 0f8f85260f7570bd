//===- PermutationFamily.cpp - the paper's learnable permutations ---------===//
#include "compiler/Learn/PermutationFamily.h"

namespace bfly {

PermutationChoices PermutationChoices::shared(int64_t n, LevelChoices choices) {
  PermutationChoices result;
  for (int64_t block = n; block >= 4; block /= 2)
    result.levels.push_back(choices);
  return result;
}

std::vector<PermutationChoices> PermutationChoices::sharedFamily(int64_t n) {
  std::vector<PermutationChoices> family;
  for (int bits = 0; bits < 8; ++bits)
    family.push_back(
        shared(n, {bool(bits & 1), bool(bits & 2), bool(bits & 4)}));
  return family;
}

/// The named factors of one level's choices, in the order they apply.
static void appendLevel(std::vector<Permutation> &factors,
                        const LevelChoices &level, int64_t block) {
  if (level.evenOdd)
    factors.push_back({NamedPermutation::EvenOdd, block, {}});
  if (level.reverseFirstHalf)
    factors.push_back({NamedPermutation::ReverseFirstHalf, block, {}});
  if (level.reverseSecondHalf)
    factors.push_back({NamedPermutation::ReverseSecondHalf, block, {}});
}

std::vector<Permutation> PermutationChoices::factors(int64_t n) const {
  std::vector<Permutation> result;
  if (extra)
    appendLevel(result, *extra, n);
  bool bitReverse = !levels.empty();
  for (const LevelChoices &level : levels)
    bitReverse &= level == LevelChoices{true, false, false};
  if (bitReverse) {
    result.push_back({NamedPermutation::BitReverse, n, {}});
    return result;
  }
  int64_t block = n;
  for (const LevelChoices &level : levels) {
    appendLevel(result, level, block);
    block /= 2;
  }
  return result;
}

std::vector<int64_t> PermutationChoices::table(int64_t n) const {
  std::vector<int64_t> composed(n);
  for (int64_t i = 0; i < n; ++i)
    composed[i] = i;
  // Gathers compose backwards: y = x[P1] then z = y[P2] is z = x[P1[P2]].
  for (const Permutation &factor : factors(n)) {
    std::vector<int64_t> next = factor.table(n), result(n);
    for (int64_t i = 0; i < n; ++i)
      result[i] = composed[next[i]];
    composed = result;
  }
  return composed;
}

std::string PermutationChoices::describe() const {
  auto names = [](const LevelChoices &level) {
    std::string text;
    for (auto [chosen, name] :
         {std::pair{level.evenOdd, "even_odd"},
          std::pair{level.reverseFirstHalf, "reverse_first_half"},
          std::pair{level.reverseSecondHalf, "reverse_second_half"}})
      if (chosen)
        text += (text.empty() ? "" : ",") + std::string(name);
    return text.empty() ? std::string("none") : text;
  };
  std::string prefix = extra ? "extra(" + names(*extra) + ") then " : "";
  PermutationChoices main{levels, std::nullopt};
  if (levels.empty())
    return prefix + "identity";
  std::vector<Permutation> applied =
      main.factors(int64_t{4} << (levels.size() - 1));
  if (applied.empty())
    return prefix + "identity";
  if (applied.size() == 1 && applied[0].name == NamedPermutation::BitReverse)
    return prefix + "bit_reverse";
  bool shared = true;
  for (const LevelChoices &level : levels)
    shared &= level == levels.front();
  if (shared)
    return prefix + "shared(" + names(levels.front()) + ")";
  std::string text = prefix + "levels(";
  for (size_t i = 0; i < levels.size(); ++i)
    text += (i ? ";" : "") + names(levels[i]);
  return text + ")";
}

} // namespace bfly
