//===- Permutation.h - named permutations of butterfly models ---*- C++ -*-===//
//
// The permutation family of butterfly models, as index tables. Both the
// dialect (bfly.permute) and the learner (Factorization) resolve named
// permutations here, so the two can never disagree on what a name means.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_COMMON_PERMUTATION_H
#define BFLY_COMMON_PERMUTATION_H

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace bfly {

/// The named permutations; each acts inside contiguous blocks of m elements.
enum class NamedPermutation {
  BitReverse,        ///< reverses the log2(m) bits of the index
  EvenOdd,           ///< even elements first, then odd ones
  ReverseFirstHalf,  ///< first m/2 elements reversed
  ReverseSecondHalf, ///< last m/2 elements reversed
};

/// The spelling used in IR and on command lines, e.g. "bit_reverse".
std::string_view toString(NamedPermutation kind);
std::optional<NamedPermutation> parseNamedPermutation(std::string_view name);

/// True for 1, 2, 4, ...
inline bool isPowerOfTwo(int64_t n) { return n > 0 && (n & (n - 1)) == 0; }

/// log2 of a power of two.
int log2Exact(int64_t n);

/// The gather table P (y[i] = x[P[i]]) of `kind` applied to every block of
/// `block` elements of an n-vector. Requires n, block powers of two, block
/// dividing n, block >= 2.
std::vector<int64_t> namedPermutation(NamedPermutation kind, int64_t n,
                                      int64_t block);

/// The named permutation whose table for the whole vector (block n) is
/// `table`, if there is one.
std::optional<NamedPermutation>
nameOfPermutation(const std::vector<int64_t> &table);

/// The four names, in declaration order.
inline constexpr NamedPermutation kNamedPermutations[] = {
    NamedPermutation::BitReverse, NamedPermutation::EvenOdd,
    NamedPermutation::ReverseFirstHalf, NamedPermutation::ReverseSecondHalf};

/// True when `indices` is a bijection of 0..size-1.
bool isBijection(const std::vector<int64_t> &indices);

} // namespace bfly

#endif // BFLY_COMMON_PERMUTATION_H
