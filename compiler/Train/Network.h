//===- Network.h - trainable layers and a classifier built from them -*- C++
//-*-===//
//
// The compression experiment's building blocks (docs/method.md): layers on
// batches (one example per column) with hand-written backward passes, softmax
// cross-entropy, and SGD with momentum. The structured hidden layers are a
// butterfly (BP or BPBP; real or complex twiddles; tied or untied; a fixed
// bit reversal or the paper's relaxed learned permutation), low-rank and
// circulant; dense is the baseline. Templated on the scalar so gradients can
// be checked in double and networks trained in float.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_COMPILER_TRAIN_NETWORK_H
#define BFLY_COMPILER_TRAIN_NETWORK_H

#include "compiler/Model/Factorization.h"

#include <Eigen/Dense>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace bfly {

template <typename T>
using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <typename T> using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;

/// A named parameter array and its gradient.
template <typename T> struct Parameter {
  std::string name;
  Vector<T> value, gradient;
};

template <typename T> class Layer {
public:
  virtual ~Layer() = default;
  /// e.g. "butterfly(1024, bp, real, untied, bit_reverse)".
  virtual std::string describe() const = 0;
  /// y = f(x) for a batch (columns); keeps what backward needs.
  virtual void forward(const Matrix<T> &x, Matrix<T> &y) = 0;
  /// Adds dL/dparameters to the gradients and, when `dx` is given, sets it
  /// to dL/dx; `dy` is dL/dy of the last forward.
  virtual void backward(const Matrix<T> &dy, Matrix<T> *dx) = 0;

  std::vector<Parameter<T>> &parameters() { return parameters_; }
  int64_t parameterCount() const;

protected:
  std::vector<Parameter<T>> parameters_;
};

/// y = W x (+ b): W uniform in +-1/sqrt(inputs), as common frameworks do.
template <typename T>
std::unique_ptr<Layer<T>> makeDense(int64_t inputs, int64_t outputs, bool bias,
                                    std::mt19937_64 &rng);
/// y = x + b, b starting at 0.
template <typename T> std::unique_ptr<Layer<T>> makeBias(int64_t n);
template <typename T> std::unique_ptr<Layer<T>> makeRelu();
/// y = U V x, U n x r, V r x n.
template <typename T>
std::unique_ptr<Layer<T>> makeLowRank(int64_t n, int64_t rank,
                                      std::mt19937_64 &rng);
/// y = C x, C[i][j] = c[(i - j) mod n].
template <typename T>
std::unique_ptr<Layer<T>> makeCirculant(int64_t n, std::mt19937_64 &rng);

struct ButterflyLayerOptions {
  int blocks = 1;       ///< 1: BP, 2: BPBP
  bool complex = false; ///< complex twiddles; the output is the real part
  bool tied = false;    ///< one set of matrices per stride
  bool learnPermutation = false; ///< relaxed (paper); else fixed:
  bool bitReverse = true;        ///< the fixed one: bit reversal, or none
};

/// A butterfly layer: per block, a permutation P then log2(n) stages of
/// strides 1, 2, ..., n/2, computed by the model's ButterflyChain; twiddles
/// start near a random orthogonal 2x2 (each stage keeps a vector's norm),
/// logits at 0. Its parameters are "twiddles" (every stage's, in order) and,
/// with a learned permutation, "logits".
template <typename T> class ButterflyLayer : public Layer<T> {
public:
  ButterflyLayer(int64_t n, ButterflyLayerOptions options,
                 std::mt19937_64 &rng);
  ~ButterflyLayer() override;
  std::string describe() const override;
  void forward(const Matrix<T> &x, Matrix<T> &y) override;
  void backward(const Matrix<T> &dy, Matrix<T> *dx) override;

  /// Rounds each learned permutation choice to taken (logit >= 0) or not,
  /// for good: from now on the layer is exactly its exported model.
  void hardenPermutations();
  /// The layer as a bfly model (permutations, stages; a complex chain
  /// reads real input and returns the real part), in `precision`.
  Factorization toFactorization(Precision precision) const;

private:
  /// The relaxed permutations' logits, or null when there are none.
  const T *logits() const;

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// A classifier: layers applied in order, softmax cross-entropy on the
/// last one's outputs (one row per class).
template <typename T> class Network {
public:
  void add(std::unique_ptr<Layer<T>> layer) {
    layers_.push_back(std::move(layer));
  }
  std::vector<std::unique_ptr<Layer<T>>> &layers() { return layers_; }
  int64_t parameterCount() const;

  /// The logits of a batch.
  Matrix<T> forward(const Matrix<T> &x);
  /// Mean cross-entropy of the batch; with `train`, also sets every
  /// parameter's gradient (zeroed first).
  double loss(const Matrix<T> &x, const std::vector<int> &labels, bool train);
  /// The predicted class of every column.
  std::vector<int> predict(const Matrix<T> &x);

private:
  std::vector<std::unique_ptr<Layer<T>>> layers_;
  std::vector<Matrix<T>> activations_;
};

/// SGD with momentum (PyTorch's form: v = m v + g, p -= lr v).
template <typename T> class Sgd {
public:
  Sgd(Network<T> &network, double learningRate, double momentum);
  void step();
  void setLearningRate(double rate) { learningRate_ = rate; }

private:
  Network<T> &network_;
  double learningRate_, momentum_;
  std::vector<Vector<T>> velocity_;
};

} // namespace bfly

#endif // BFLY_COMPILER_TRAIN_NETWORK_H
