//===- ButterflyLoop.h - any model as plain scalar loops, for this CPU -*- C++
//-*-===//
//
// The baseline for models that are no named transform: the chain of factors
// applied as a user would write it without bfly, one vector at a time, one
// factor at a time (a loop over each stage's pairs with its 2x2 matrices, a
// gather, an elementwise scaling), compiled with -O3 -march=native in the
// native baselines' library. Factors arrive as plain data: nothing built
// with other compiler flags (Eigen's aligned types) crosses into it.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_BENCH_BUTTERFLYLOOP_H
#define BFLY_BENCH_BUTTERFLYLOOP_H

#include <cstdint>
#include <memory>
#include <vector>

namespace bfly {

/// One factor of a chain of n-vectors, as plain numbers.
struct LoopFactor {
  enum class Kind { Stage, Gather, Scale };
  Kind kind = Kind::Stage;
  /// Stage: pairs (b + j, b + j + stride) in blocks of 2 * stride.
  int64_t stride = 0;
  /// Stage: 2x2 matrices row-major as (re, im) pairs, 8 numbers each, for
  /// every pair (n/2 matrices) or for the `stride` pairs of a block (tied);
  /// Scale: n entries as (re, im) pairs. Imaginary parts are ignored in a
  /// real chain.
  std::vector<double> values;
  /// Gather: y[i] = x[indices[i]].
  std::vector<int64_t> indices;
};

class __attribute__((visibility("default"))) ButterflyLoop {
public:
  /// The chain `factors` on `batch` vectors of n elements: read as
  /// `inputDtype`, computed in `chainDtype`, written as `outputDtype` (bfly
  /// dtypes; a real input of a complex chain has zero imaginary parts, a
  /// real output of one is the real part).
  ButterflyLoop(int64_t n, int32_t chainDtype, int32_t inputDtype,
                int32_t outputDtype, const std::vector<LoopFactor> &factors,
                int64_t batch);
  ~ButterflyLoop();
  ButterflyLoop(const ButterflyLoop &) = delete;
  ButterflyLoop &operator=(const ButterflyLoop &) = delete;

  /// The batch's inputs and outputs, vectors back to back in their dtypes.
  void *input();
  const void *output() const;
  /// One application to the whole batch.
  void run();

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace bfly

#endif // BFLY_BENCH_BUTTERFLYLOOP_H
