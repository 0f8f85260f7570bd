//===- PermutationFamily.h - the paper's learnable permutations -*- C++ -*-===//
//
// A BP model's permutation P = P^(4) ... P^(n): at every level (block size
// s = n, n/2, ..., 4, the size-n level applied first) three yes/no choices:
// separate even and odd elements, reverse the first half, reverse the second
// half. Shared choices give the 8 permutations of the paper's shared-logit
// family; even/odd at every level is the bit reversal.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_COMPILER_LEARN_PERMUTATIONFAMILY_H
#define BFLY_COMPILER_LEARN_PERMUTATIONFAMILY_H

#include "compiler/Model/Factorization.h"

#include <optional>
#include <string>
#include <vector>

namespace bfly {

struct LevelChoices {
  bool evenOdd = false;
  bool reverseFirstHalf = false;
  bool reverseSecondHalf = false;

  bool operator==(const LevelChoices &other) const {
    return evenOdd == other.evenOdd &&
           reverseFirstHalf == other.reverseFirstHalf &&
           reverseSecondHalf == other.reverseSecondHalf;
  }
};

/// The choices of every level, index 0 for block size n, the last for 4;
/// and for a BPP model the extra size-n factor P1, applied before them.
struct PermutationChoices {
  std::vector<LevelChoices> levels;
  std::optional<LevelChoices> extra;

  /// The same choices at every level of an n-vector.
  static PermutationChoices shared(int64_t n, LevelChoices choices);
  /// The 8 shared-logit permutations.
  static std::vector<PermutationChoices> sharedFamily(int64_t n);

  /// The permutation factors, in the order they are applied; a bit
  /// reversal is one factor.
  std::vector<Permutation> factors(int64_t n) const;
  /// The composed gather table: (P x)[i] = x[table[i]].
  std::vector<int64_t> table(int64_t n) const;
  /// "identity", "bit_reverse", "shared(even_odd,reverse_first_half)" or the
  /// choices per level.
  std::string describe() const;
};

} // namespace bfly

#endif // BFLY_COMPILER_LEARN_PERMUTATIONFAMILY_H
