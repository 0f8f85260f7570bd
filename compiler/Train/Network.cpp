//===- Network.cpp - trainable layers and a classifier --------------------===//
#include "compiler/Train/Network.h"

#include "common/Butterfly.h"
#include "common/Permutation.h"
#include "compiler/Model/ButterflyChain.h"

#include <omp.h>

#include <cmath>
#include <sstream>

namespace bfly {

template <typename T> int64_t Layer<T>::parameterCount() const {
  int64_t count = 0;
  for (const Parameter<T> &p : parameters_)
    count += p.value.size();
  return count;
}

namespace {

template <typename T>
Vector<T> uniform(int64_t size, double bound, std::mt19937_64 &rng) {
  std::uniform_real_distribution<double> draw(-bound, bound);
  Vector<T> v(size);
  for (int64_t i = 0; i < size; ++i)
    v[i] = T(draw(rng));
  return v;
}

template <typename T> Parameter<T> parameter(std::string name, Vector<T> v) {
  Vector<T> zero = Vector<T>::Zero(v.size());
  return {std::move(name), std::move(v), std::move(zero)};
}

template <typename T> class DenseLayer : public Layer<T> {
public:
  DenseLayer(int64_t inputs, int64_t outputs, bool bias, std::mt19937_64 &rng)
      : inputs_(inputs), outputs_(outputs), bias_(bias) {
    double bound = 1.0 / std::sqrt(double(inputs));
    this->parameters_.push_back(
        parameter<T>("weight", uniform<T>(inputs * outputs, bound, rng)));
    if (bias)
      this->parameters_.push_back(
          parameter<T>("bias", uniform<T>(outputs, bound, rng)));
  }
  std::string describe() const override {
    return "dense(" + std::to_string(inputs_) + " -> " +
           std::to_string(outputs_) + (bias_ ? ", bias)" : ")");
  }
  Eigen::Map<Matrix<T>> weight(bool gradient = false) {
    Parameter<T> &w = this->parameters_[0];
    return {(gradient ? w.gradient : w.value).data(), outputs_, inputs_};
  }
  void forward(const Matrix<T> &x, Matrix<T> &y) override {
    x_ = x;
    y.noalias() = weight() * x;
    if (bias_)
      y.colwise() += this->parameters_[1].value;
  }
  void backward(const Matrix<T> &dy, Matrix<T> *dx) override {
    weight(true).noalias() += dy * x_.transpose();
    if (bias_)
      this->parameters_[1].gradient += dy.rowwise().sum();
    if (dx)
      dx->noalias() = weight().transpose() * dy;
  }

private:
  int64_t inputs_, outputs_;
  bool bias_;
  Matrix<T> x_;
};

template <typename T> class BiasLayer : public Layer<T> {
public:
  explicit BiasLayer(int64_t n) {
    this->parameters_.push_back(parameter<T>("bias", Vector<T>::Zero(n)));
  }
  std::string describe() const override {
    return "bias(" + std::to_string(this->parameters_[0].value.size()) + ")";
  }
  void forward(const Matrix<T> &x, Matrix<T> &y) override {
    y = x.colwise() + this->parameters_[0].value;
  }
  void backward(const Matrix<T> &dy, Matrix<T> *dx) override {
    this->parameters_[0].gradient += dy.rowwise().sum();
    if (dx)
      *dx = dy;
  }
};

template <typename T> class ReluLayer : public Layer<T> {
public:
  std::string describe() const override { return "relu"; }
  void forward(const Matrix<T> &x, Matrix<T> &y) override {
    y = x.cwiseMax(T(0));
    positive_ = (x.array() > T(0)).template cast<T>();
  }
  void backward(const Matrix<T> &dy, Matrix<T> *dx) override {
    if (dx)
      *dx = dy.cwiseProduct(positive_);
  }

private:
  Matrix<T> positive_;
};

template <typename T> class LowRankLayer : public Layer<T> {
public:
  LowRankLayer(int64_t n, int64_t rank, std::mt19937_64 &rng)
      : n_(n), rank_(rank) {
    // Each factor scaled so U V x keeps the scale of a dense layer's output.
    this->parameters_.push_back(parameter<T>(
        "u", uniform<T>(n * rank, 1.0 / std::sqrt(double(rank)), rng)));
    this->parameters_.push_back(parameter<T>(
        "v", uniform<T>(rank * n, 1.0 / std::sqrt(double(n)), rng)));
  }
  std::string describe() const override {
    return "low-rank(" + std::to_string(n_) + ", rank " +
           std::to_string(rank_) + ")";
  }
  Eigen::Map<Matrix<T>> factor(int which, bool gradient = false) {
    Parameter<T> &p = this->parameters_[which];
    return {(gradient ? p.gradient : p.value).data(), which ? rank_ : n_,
            which ? n_ : rank_};
  }
  void forward(const Matrix<T> &x, Matrix<T> &y) override {
    x_ = x;
    vx_.noalias() = factor(1) * x;
    y.noalias() = factor(0) * vx_;
  }
  void backward(const Matrix<T> &dy, Matrix<T> *dx) override {
    factor(0, true).noalias() += dy * vx_.transpose();
    Matrix<T> dvx = factor(0).transpose() * dy;
    factor(1, true).noalias() += dvx * x_.transpose();
    if (dx)
      dx->noalias() = factor(1).transpose() * dvx;
  }

private:
  int64_t n_, rank_;
  Matrix<T> x_, vx_;
};

template <typename T> class CirculantLayer : public Layer<T> {
public:
  CirculantLayer(int64_t n, std::mt19937_64 &rng) : n_(n) {
    this->parameters_.push_back(
        parameter<T>("c", uniform<T>(n, 1.0 / std::sqrt(double(n)), rng)));
  }
  std::string describe() const override {
    return "circulant(" + std::to_string(n_) + ")";
  }
  /// The dense circulant: a GEMM is the fastest plain way to apply it.
  Matrix<T> dense() const {
    const Vector<T> &c = this->parameters_[0].value;
    Matrix<T> m(n_, n_);
    for (int64_t j = 0; j < n_; ++j)
      for (int64_t i = 0; i < n_; ++i)
        m(i, j) = c[(i - j + n_) % n_];
    return m;
  }
  void forward(const Matrix<T> &x, Matrix<T> &y) override {
    x_ = x;
    c_ = dense();
    y.noalias() = c_ * x;
  }
  void backward(const Matrix<T> &dy, Matrix<T> *dx) override {
    Matrix<T> dc = dy * x_.transpose();
    Vector<T> &g = this->parameters_[0].gradient;
    for (int64_t j = 0; j < n_; ++j)
      for (int64_t i = 0; i < n_; ++i)
        g[(i - j + n_) % n_] += dc(i, j);
    if (dx)
      dx->noalias() = c_.transpose() * dy;
  }

private:
  int64_t n_;
  Matrix<T> x_, c_;
};

} // namespace

template <typename T>
std::unique_ptr<Layer<T>> makeDense(int64_t inputs, int64_t outputs, bool bias,
                                    std::mt19937_64 &rng) {
  return std::make_unique<DenseLayer<T>>(inputs, outputs, bias, rng);
}
template <typename T> std::unique_ptr<Layer<T>> makeBias(int64_t n) {
  return std::make_unique<BiasLayer<T>>(n);
}
template <typename T> std::unique_ptr<Layer<T>> makeRelu() {
  return std::make_unique<ReluLayer<T>>();
}
template <typename T>
std::unique_ptr<Layer<T>> makeLowRank(int64_t n, int64_t rank,
                                      std::mt19937_64 &rng) {
  return std::make_unique<LowRankLayer<T>>(n, rank, rng);
}
template <typename T>
std::unique_ptr<Layer<T>> makeCirculant(int64_t n, std::mt19937_64 &rng) {
  return std::make_unique<CirculantLayer<T>>(n, rng);
}

//===----------------------------------------------------------------------===//
// The butterfly layer
//===----------------------------------------------------------------------===//

/// OpenMP threads over column chunks: one per thread when each gets at
/// least 16 examples, else one chunk on the caller's thread.
static ColumnSplit ompSplit(int64_t columns) {
  int threads = omp_get_max_threads();
  ColumnSplit split;
  split.chunks =
      int(std::max<int64_t>(1, std::min<int64_t>(threads, columns / 16)));
  split.run = [](int chunks, const std::function<void(int)> &chunk) {
#pragma omp parallel for num_threads(chunks) schedule(static)
    for (int c = 0; c < chunks; ++c)
      chunk(c);
  };
  return split;
}

template <typename T> struct ButterflyLayer<T>::Impl {
  int64_t n;
  ButterflyLayerOptions options;
  ButterflyChain<T> chain;
  bool hardened = false;

  Impl(int64_t n, ButterflyLayerOptions options)
      : n(n), options(options), chain(n, options.complex) {}
};

template <typename T>
ButterflyLayer<T>::ButterflyLayer(int64_t n, ButterflyLayerOptions options,
                                  std::mt19937_64 &rng)
    : impl_(new Impl(n, options)) {
  ButterflyChain<T> &chain = impl_->chain;
  std::uniform_real_distribution<double> angle(0, 2 * M_PI);
  std::normal_distribution<double> noise(0, 0.01);
  std::vector<T> twiddles;
  int64_t logits = 0;
  for (int block = 0; block < options.blocks; ++block) {
    if (options.learnPermutation) {
      for (int64_t size = n; size >= 4; size /= 2)
        for (NamedPermutation name :
             {NamedPermutation::EvenOdd, NamedPermutation::ReverseFirstHalf,
              NamedPermutation::ReverseSecondHalf})
          chain.addRelaxed(Permutation{name, size, {}}, logits++);
    } else if (options.bitReverse) {
      chain.addGather(Permutation{NamedPermutation::BitReverse, n, {}});
    }
    for (int64_t stride = 1; stride < n; stride *= 2) {
      chain.addStage(stride, options.tied, int64_t(twiddles.size()));
      // A random rotation (plus a little noise) per matrix.
      for (int64_t k = 0; k < stageMatrices(n, stride, options.tied); ++k) {
        double a = angle(rng), c = std::cos(a), s = std::sin(a);
        for (double entry : {c, -s, s, c}) {
          twiddles.push_back(T(entry + noise(rng)));
          if (options.complex)
            twiddles.push_back(T(noise(rng)));
        }
      }
    }
  }
  this->parameters_.push_back(parameter<T>(
      "twiddles", Eigen::Map<Vector<T>>(twiddles.data(), twiddles.size())));
  if (logits > 0)
    this->parameters_.push_back(
        parameter<T>("logits", Vector<T>::Zero(logits)));
}

template <typename T> ButterflyLayer<T>::~ButterflyLayer() = default;

template <typename T> std::string ButterflyLayer<T>::describe() const {
  const ButterflyLayerOptions &o = impl_->options;
  std::ostringstream os;
  os << "butterfly(" << impl_->n << ", " << (o.blocks == 2 ? "bpbp" : "bp")
     << ", " << (o.complex ? "complex" : "real") << ", "
     << (o.tied ? "tied" : "untied") << ", "
     << (o.learnPermutation ? "learned permutation"
         : o.bitReverse     ? "bit_reverse"
                            : "no permutation")
     << ")";
  return os.str();
}

template <typename T> const T *ButterflyLayer<T>::logits() const {
  return this->parameters_.size() > 1 ? this->parameters_[1].value.data()
                                      : nullptr;
}

template <typename T>
void ButterflyLayer<T>::forward(const Matrix<T> &x, Matrix<T> &y) {
  Impl &m = *impl_;
  Planes<T> signal;
  signal.re = x; // row-major copy: row i is element i of every example
  m.chain.forward(this->parameters_[0].value.data(), logits(), signal,
                  ompSplit(x.cols()), m.hardened);
  y = signal.re; // a complex layer's output is the real part
}

template <typename T>
void ButterflyLayer<T>::backward(const Matrix<T> &dy, Matrix<T> *dx) {
  Impl &m = *impl_;
  Planes<T> grad;
  grad.re = dy;
  T *dLogits = this->parameters_.size() > 1 && !m.hardened
                   ? this->parameters_[1].gradient.data()
                   : nullptr;
  m.chain.backward(this->parameters_[0].value.data(), logits(), grad,
                   this->parameters_[0].gradient.data(), dLogits,
                   ompSplit(dy.cols()), m.hardened);
  if (dx)
    *dx = grad.re;
}

template <typename T> void ButterflyLayer<T>::hardenPermutations() {
  impl_->hardened = true;
}

template <typename T>
Factorization ButterflyLayer<T>::toFactorization(Precision precision) const {
  const Impl &m = *impl_;
  Field field = m.options.complex ? Field::Complex : Field::Real;
  Factorization model = m.chain.toFactorization(
      this->parameters_[0].value.data(), logits(), {field, precision});
  model.realInput = model.realOutput = m.options.complex;
  model.provenance = {{"method", "trained"}, {"layer", describe()}};
  return model;
}

//===----------------------------------------------------------------------===//
// Network and optimizer
//===----------------------------------------------------------------------===//

template <typename T> int64_t Network<T>::parameterCount() const {
  int64_t count = 0;
  for (const auto &layer : layers_)
    count += layer->parameterCount();
  return count;
}

template <typename T> Matrix<T> Network<T>::forward(const Matrix<T> &x) {
  activations_.resize(layers_.size() + 1);
  activations_[0] = x;
  for (size_t i = 0; i < layers_.size(); ++i)
    layers_[i]->forward(activations_[i], activations_[i + 1]);
  return activations_.back();
}

template <typename T>
double Network<T>::loss(const Matrix<T> &x, const std::vector<int> &labels,
                        bool train) {
  Matrix<T> logits = forward(x);
  int64_t batch = logits.cols();
  // Softmax with the column maximum subtracted, for range.
  Matrix<T> probabilities =
      (logits.rowwise() - logits.colwise().maxCoeff()).array().exp();
  probabilities.array().rowwise() /= probabilities.colwise().sum().array();
  double total = 0;
  for (int64_t b = 0; b < batch; ++b)
    total -= std::log(std::max(double(probabilities(labels[b], b)), 1e-30));
  if (train) {
    Matrix<T> grad = probabilities;
    for (int64_t b = 0; b < batch; ++b)
      grad(labels[b], b) -= T(1);
    grad /= T(batch);
    for (auto &layer : layers_)
      for (Parameter<T> &p : layer->parameters())
        p.gradient.setZero();
    for (size_t i = layers_.size(); i-- > 0;) {
      Matrix<T> previous;
      layers_[i]->backward(grad, i > 0 ? &previous : nullptr);
      grad = std::move(previous);
    }
  }
  return total / double(batch);
}

template <typename T> std::vector<int> Network<T>::predict(const Matrix<T> &x) {
  Matrix<T> logits = forward(x);
  std::vector<int> classes(logits.cols());
  for (int64_t b = 0; b < logits.cols(); ++b)
    logits.col(b).maxCoeff(&classes[b]);
  return classes;
}

template <typename T>
Sgd<T>::Sgd(Network<T> &network, double learningRate, double momentum)
    : network_(network), learningRate_(learningRate), momentum_(momentum) {
  for (auto &layer : network_.layers())
    for (Parameter<T> &p : layer->parameters())
      velocity_.push_back(Vector<T>::Zero(p.value.size()));
}

template <typename T> void Sgd<T>::step() {
  size_t k = 0;
  for (auto &layer : network_.layers())
    for (Parameter<T> &p : layer->parameters()) {
      Vector<T> &v = velocity_[k++];
      v = T(momentum_) * v + p.gradient;
      p.value -= T(learningRate_) * v;
    }
}

#define BFLY_INSTANTIATE(T)                                                    \
  template class Layer<T>;                                                     \
  template class ButterflyLayer<T>;                                            \
  template class Network<T>;                                                   \
  template class Sgd<T>;                                                       \
  template std::unique_ptr<Layer<T>> makeDense<T>(int64_t, int64_t, bool,      \
                                                  std::mt19937_64 &);          \
  template std::unique_ptr<Layer<T>> makeBias<T>(int64_t);                     \
  template std::unique_ptr<Layer<T>> makeRelu<T>();                            \
  template std::unique_ptr<Layer<T>> makeLowRank<T>(int64_t, int64_t,          \
                                                    std::mt19937_64 &);        \
  template std::unique_ptr<Layer<T>> makeCirculant<T>(int64_t,                 \
                                                      std::mt19937_64 &);
BFLY_INSTANTIATE(float)
BFLY_INSTANTIATE(double)
#undef BFLY_INSTANTIATE

} // namespace bfly
