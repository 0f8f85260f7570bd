//===- Patterns.h - rewrite patterns on bfly factor chains ------*- C++ -*-===//
//
// The local rewrites behind bfly-simplify-twiddles and bfly-fold-permutations,
// for any pass that wants them: each populate function adds patterns that a
// greedy rewrite driver applies to a bfly.transform (together with the ops'
// folders, which drop identity factors).
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_DIALECT_TRANSFORMS_PATTERNS_H
#define BFLY_DIALECT_TRANSFORMS_PATTERNS_H

#include "mlir/IR/PatternMatch.h"

#include <cstdint>

namespace mlir::bfly {

/// What the simplification patterns did, for a pass's statistics.
struct SimplifyCounts {
  int64_t normalizedStages = 0, snappedValues = 0, tiedStages = 0,
          droppedOps = 0;
};

/// Within every run of consecutive untied stages, divides each 2x2 row by
/// its pivot (its first entry, or its second when the first is less than
/// an eighth of it) and carries the factors into the next stage's columns;
/// the run's last factors go into a following bfly.diag, stay in its last
/// stage when they are one number (within `tolerance`; 0: 16 ulps of the
/// element type), or become a new bfly.diag. Stages, tied or not, whose
/// rows all share one real pivot give it to the last such stage (a DFT's
/// 1/sqrt 2 per stage becomes one 1/sqrt n).
void populateNormalizeTwiddlesPatterns(RewritePatternSet &patterns,
                                       double tolerance,
                                       SimplifyCounts *counts = nullptr);

/// Snaps real and imaginary parts within `tolerance` (0: 16 ulps of the
/// element type) of 0 and +-1 to them, makes a second row that is the first
/// with one entry negated exactly so, ties untied stages whose matrices
/// repeat with their stride, and turns stages of diagonal matrices into a
/// bfly.diag and of anti-diagonal ones into a bfly.permute and a bfly.diag.
void populateSnapTwiddlesPatterns(RewritePatternSet &patterns, double tolerance,
                                  SimplifyCounts *counts = nullptr);

/// Composes permutations, multiplies diagonals, and absorbs a diagonal into
/// a neighbouring stage with one matrix per pair (the one before it scales
/// its rows, else the one after it its columns).
void populateFoldPermutationsPatterns(RewritePatternSet &patterns);

} // namespace mlir::bfly

#endif // BFLY_DIALECT_TRANSFORMS_PATTERNS_H
