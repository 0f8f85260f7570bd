//===- ButterflyChain.h - a butterfly chain that can be differentiated -*- C++
//-*-===//
//
// The model's differentiable form, shared by the gradient fitter (applied
// to the identity, against a target matrix) and the butterfly layer of a
// network (applied to a minibatch). The chain holds the structure: fixed
// gathers, the paper's relaxed permutation choices (1 - p) x + p Q x with
// p = sigmoid(logit), and butterfly stages; the parameters live outside it,
// in a flat twiddle array and a flat logit array that the caller owns (and
// its optimizer updates). forward() applies the chain to a batch of vectors
// and keeps each step's input; backward() then gives the gradients.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_COMPILER_MODEL_BUTTERFLYCHAIN_H
#define BFLY_COMPILER_MODEL_BUTTERFLYCHAIN_H

#include "compiler/Model/Factorization.h"

#include <Eigen/Dense>

#include <functional>
#include <vector>

namespace bfly {

template <typename T>
using RowMatrix =
    Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// A batch of vectors, one per column, as planes of real and imaginary
/// parts: row i is element i of every vector, so a stage combines whole
/// contiguous rows. `im` is empty in a real chain.
template <typename T> struct Planes { RowMatrix<T> re, im; };

/// How forward() and backward() split a batch: into `chunks` runs of
/// contiguous columns, handed to `run` (which may run them at once, e.g. on
/// OpenMP threads). Gradients are summed in chunk order, so a fixed split
/// gives the same bits every run. The default runs one chunk here.
struct ColumnSplit {
  int chunks = 1;
  std::function<void(int chunks, const std::function<void(int)> &chunk)> run;
};

template <typename T> class ButterflyChain {
public:
  /// A chain on n-vectors; `complex`: complex twiddles (and vectors).
  ButterflyChain(int64_t n, bool complex);

  /// A fixed permutation y[i] = x[table[i]], exported as `permutation`.
  void addGather(const Permutation &permutation);
  /// The relaxed choice (1 - p) x + p Q x, p = sigmoid(logits[logit]),
  /// exported as `choice` when the choice is taken (logit >= 0).
  void addRelaxed(const Permutation &choice, int64_t logit);
  /// A stage of `stride` whose matrices start at twiddles[offset]: width()
  /// numbers each, row-major, (re, im) pairs in a complex chain.
  void addStage(int64_t stride, bool tied, int64_t offset);

  int64_t size() const { return n_; }
  bool isComplex() const { return complex_; }
  /// Numbers per 2x2 matrix in the twiddle array.
  int width() const { return complex_ ? 8 : 4; }

  /// x <- the chain applied to every column of x (x.im empty or zero for a
  /// real input of a complex chain), keeping each step's input for
  /// backward(). With `hard`, a relaxed choice is taken exactly (p = 1)
  /// when its logit is >= 0 and not at all otherwise: the exported model.
  void forward(const T *twiddles, const T *logits, Planes<T> &x,
               const ColumnSplit &split = {}, bool hard = false);

  /// With g = dL/dRe(y) + i dL/dIm(y) for the y of the last forward(): adds
  /// dL/dtwiddles to `dTwiddles` and dL/dlogits to `dLogits` (either may be
  /// null) and sets g to dL/dx.
  void backward(const T *twiddles, const T *logits, Planes<T> &g, T *dTwiddles,
                T *dLogits, const ColumnSplit &split = {}, bool hard = false);

  /// The chain as a model of `type`: gathers and taken choices as their
  /// permutations, stages with their twiddles, in order.
  Factorization toFactorization(const T *twiddles, const T *logits,
                                ElementType type) const;

private:
  struct Step {
    enum class Kind { Gather, Relaxed, Stage } kind;
    Permutation permutation;    ///< Gather, Relaxed: for export
    std::vector<int64_t> table; ///< Gather, Relaxed: y[i] = x[table[i]]
    int64_t logit = 0;          ///< Relaxed
    int64_t stride = 0;         ///< Stage
    bool tied = false;          ///< Stage
    int64_t offset = 0;         ///< Stage: first twiddle
  };
  T probability(const T *logits, const Step &step, bool hard) const;
  void forwardStage(const Step &step, const T *twiddles, const Planes<T> &in,
                    Planes<T> &out, const ColumnSplit &split) const;
  void backwardStage(const Step &step, const T *twiddles, const Planes<T> &in,
                     Planes<T> &g, T *dTwiddles,
                     const ColumnSplit &split) const;

  int64_t n_;
  bool complex_;
  std::vector<Step> steps_;
  std::vector<Planes<T>> inputs_; ///< each step's input, from forward()
};

extern template class ButterflyChain<float>;
extern template class ButterflyChain<double>;

} // namespace bfly

#endif // BFLY_COMPILER_MODEL_BUTTERFLYCHAIN_H
