//===- Permutation.cpp - named permutations of butterfly models -----------===//
#include "common/Permutation.h"

#include <cassert>

namespace bfly {

std::string_view toString(NamedPermutation kind) {
  switch (kind) {
  case NamedPermutation::BitReverse:
    return "bit_reverse";
  case NamedPermutation::EvenOdd:
    return "even_odd";
  case NamedPermutation::ReverseFirstHalf:
    return "reverse_first_half";
  case NamedPermutation::ReverseSecondHalf:
    return "reverse_second_half";
  }
  return "?";
}

std::optional<NamedPermutation> parseNamedPermutation(std::string_view name) {
  for (NamedPermutation kind : kNamedPermutations)
    if (toString(kind) == name)
      return kind;
  return std::nullopt;
}

int log2Exact(int64_t n) {
  assert(isPowerOfTwo(n));
  int bits = 0;
  while ((int64_t{1} << bits) < n)
    ++bits;
  return bits;
}

/// P(i) for one block of m elements.
static int64_t permuteInBlock(NamedPermutation kind, int64_t i, int64_t m,
                              int bits) {
  int64_t half = m / 2;
  switch (kind) {
  case NamedPermutation::BitReverse: {
    int64_t r = 0;
    for (int b = 0; b < bits; ++b)
      r |= ((i >> b) & 1) << (bits - 1 - b);
    return r;
  }
  case NamedPermutation::EvenOdd:
    return i < half ? 2 * i : 2 * (i - half) + 1;
  case NamedPermutation::ReverseFirstHalf:
    return i < half ? half - 1 - i : i;
  case NamedPermutation::ReverseSecondHalf:
    return i < half ? i : m - 1 - (i - half);
  }
  return i;
}

std::vector<int64_t> namedPermutation(NamedPermutation kind, int64_t n,
                                      int64_t block) {
  assert(isPowerOfTwo(n) && isPowerOfTwo(block) && block >= 2 && block <= n);
  int bits = log2Exact(block);
  std::vector<int64_t> table(n);
  for (int64_t base = 0; base < n; base += block)
    for (int64_t i = 0; i < block; ++i)
      table[base + i] = base + permuteInBlock(kind, i, block, bits);
  return table;
}

std::optional<NamedPermutation>
nameOfPermutation(const std::vector<int64_t> &table) {
  auto n = static_cast<int64_t>(table.size());
  if (n < 2 || !isPowerOfTwo(n))
    return std::nullopt;
  for (NamedPermutation kind : kNamedPermutations)
    if (namedPermutation(kind, n, n) == table)
      return kind;
  return std::nullopt;
}

bool isBijection(const std::vector<int64_t> &indices) {
  std::vector<bool> seen(indices.size(), false);
  for (int64_t index : indices) {
    if (index < 0 || index >= static_cast<int64_t>(indices.size()) ||
        seen[index])
      return false;
    seen[index] = true;
  }
  return true;
}

} // namespace bfly
