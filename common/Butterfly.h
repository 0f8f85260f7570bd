//===- Butterfly.h - which elements a butterfly stage mixes -----*- C++ -*-===//
//
// The one definition of a stage's indexing. A stage of stride h (a power of
// two below n) splits an n-vector into blocks of 2h elements and mixes, in
// every block, element j with element j + h (j < h) by a 2x2 matrix: n/2
// pairs in all, pair p in block p / h at offset p % h. An untied stage has
// one matrix per pair; a tied one has h, shared by every block. The model,
// the passes, both lowerings and the trainers index stages through these.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_COMMON_BUTTERFLY_H
#define BFLY_COMMON_BUTTERFLY_H

#include <cstdint>

namespace bfly {

/// The two elements a pair mixes: y[top] and y[bottom] come from x[top]
/// and x[bottom].
struct StagePair {
  int64_t top, bottom;
};

/// The elements of pair `pair` (0 <= pair < n/2) of a stage of `stride`.
constexpr StagePair stagePair(int64_t pair, int64_t stride) {
  int64_t top = (pair / stride) * 2 * stride + pair % stride;
  return {top, top + stride};
}

/// The pair an element belongs to, top or bottom: the inverse of stagePair.
constexpr int64_t pairOfElement(int64_t element, int64_t stride) {
  return (element / (2 * stride)) * stride + element % stride;
}

/// Which of a stage's 2x2 matrices mixes pair `pair`: its own (untied) or
/// that of its offset in the block (tied).
constexpr int64_t matrixOfPair(int64_t pair, int64_t stride, bool tied) {
  return tied ? pair % stride : pair;
}

/// How many 2x2 matrices a stage of `stride` holds in an n-vector.
constexpr int64_t stageMatrices(int64_t n, int64_t stride, bool tied) {
  return tied ? stride : n / 2;
}

} // namespace bfly

#endif // BFLY_COMMON_BUTTERFLY_H
