//===- Network.cpp - trainable layers and a classifier --------------------===//
#include "compiler/Train/Network.h"

#include "common/Permutation.h"

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

template <typename T>
using Rows = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Rows of real parts and, for complex layers, of imaginary parts: row i is
/// element i of every example, so a butterfly works on contiguous rows.
template <typename T> struct Signal { Rows<T> re, im; };

/// How many column chunks a batch of `columns` is cut into: one per
/// OpenMP thread when each gets at least 16 examples, else one.
int columnChunks(int64_t columns) {
  int threads = omp_get_max_threads();
  return int(std::max<int64_t>(1, std::min<int64_t>(threads, columns / 16)));
}

/// body(first, count, chunk) on each chunk's contiguous columns, the chunks
/// in parallel: examples are independent, so a batch splits cleanly.
template <typename F> void forColumnChunks(int64_t columns, F body) {
  int chunks = columnChunks(columns);
  if (chunks == 1) {
    body(0, columns, 0);
    return;
  }
#pragma omp parallel for num_threads(chunks) schedule(static)
  for (int c = 0; c < chunks; ++c) {
    int64_t first = columns * c / chunks;
    body(first, columns * (c + 1) / chunks - first, c);
  }
}

template <typename T> struct ButterflyLayer<T>::Impl {
  /// One step of the chain, in the order it is applied.
  struct Step {
    enum Kind { Gather, Mix, Stage } kind;
    std::vector<int64_t> table; ///< Gather, Mix: y[i] = x[table[i]]
    NamedPermutation name{};    ///< Gather, Mix: the table's name, for export
    int64_t block = 0;          ///< Gather, Mix: its block size
    int parameter = -1;         ///< Mix: logit; Stage: twiddles
    int64_t logit = 0;          ///< Mix: index in the logit array
    int64_t stride = 0;         ///< Stage
    Signal<T> input;            ///< saved by forward for backward
  };

  int64_t n;
  ButterflyLayerOptions options;
  std::vector<Step> steps;
  bool hardened = false;
  std::vector<Parameter<T>> *parameters = nullptr;

  int width() const { return options.complex ? 8 : 4; }
  int64_t matrices(int64_t stride) const {
    return options.tied ? stride : n / 2;
  }
  T sigmoid(T logit) const {
    if (hardened)
      return logit > 0 ? T(1) : T(0);
    return T(1) / (T(1) + std::exp(-logit));
  }

  static void gather(const Rows<T> &x, const std::vector<int64_t> &table,
                     Rows<T> &y) {
    y.resize(x.rows(), x.cols());
    for (int64_t i = 0; i < x.rows(); ++i)
      y.row(i) = x.row(table[i]);
  }

  void applyStage(const Step &s, const Signal<T> &x, Signal<T> &y) const {
    const T *t = (*parameters)[s.parameter].value.data();
    int64_t h = s.stride;
    y.re.resize(x.re.rows(), x.re.cols());
    if (options.complex)
      y.im.resize(x.im.rows(), x.im.cols());
    forColumnChunks(x.re.cols(), [&](int64_t first, int64_t count, int) {
      auto row = [&](const Rows<T> &m, int64_t i) {
        return m.row(i).segment(first, count);
      };
      auto out = [&](Rows<T> &m, int64_t i) {
        return m.row(i).segment(first, count);
      };
      for (int64_t b = 0; b < n; b += 2 * h)
        for (int64_t j = 0; j < h; ++j) {
          int64_t i0 = b + j, i1 = i0 + h;
          const T *m = t + width() * (options.tied ? j : b / 2 + j);
          if (!options.complex) {
            out(y.re, i0) = m[0] * row(x.re, i0) + m[1] * row(x.re, i1);
            out(y.re, i1) = m[2] * row(x.re, i0) + m[3] * row(x.re, i1);
            continue;
          }
          // m: (re, im) of t00, t01, t10, t11.
          for (int r = 0; r < 2; ++r) {
            const T *e = m + 4 * r; // this row's two entries
            int64_t o = r ? i1 : i0;
            out(y.re, o) = e[0] * row(x.re, i0) - e[1] * row(x.im, i0) +
                           e[2] * row(x.re, i1) - e[3] * row(x.im, i1);
            out(y.im, o) = e[0] * row(x.im, i0) + e[1] * row(x.re, i0) +
                           e[2] * row(x.im, i1) + e[3] * row(x.re, i1);
          }
        }
    });
  }

  /// dx from dy, and the twiddles' gradient (summed over column chunks in
  /// chunk order, so a fixed thread count gives the same bits every run).
  void backStage(const Step &s, const Signal<T> &dy, Signal<T> &dx) const {
    Parameter<T> &p = (*parameters)[s.parameter];
    const T *t = p.value.data();
    const Signal<T> &x = s.input;
    int64_t h = s.stride;
    dx.re.resize(dy.re.rows(), dy.re.cols());
    if (options.complex)
      dx.im.resize(dy.im.rows(), dy.im.cols());
    std::vector<Vector<T>> partial(columnChunks(dy.re.cols()),
                                   Vector<T>::Zero(p.gradient.size()));
    forColumnChunks(dy.re.cols(), [&](int64_t first, int64_t count, int chunk) {
      auto row = [&](const Rows<T> &m, int64_t i) {
        return m.row(i).segment(first, count);
      };
      auto out = [&](Rows<T> &m, int64_t i) {
        return m.row(i).segment(first, count);
      };
      T *g = partial[chunk].data();
      for (int64_t b = 0; b < n; b += 2 * h)
        for (int64_t j = 0; j < h; ++j) {
          int64_t i0 = b + j, i1 = i0 + h;
          int64_t offset = width() * (options.tied ? j : b / 2 + j);
          const T *m = t + offset;
          T *gm = g + offset;
          if (!options.complex) {
            gm[0] += row(dy.re, i0).dot(row(x.re, i0));
            gm[1] += row(dy.re, i0).dot(row(x.re, i1));
            gm[2] += row(dy.re, i1).dot(row(x.re, i0));
            gm[3] += row(dy.re, i1).dot(row(x.re, i1));
            out(dx.re, i0) = m[0] * row(dy.re, i0) + m[2] * row(dy.re, i1);
            out(dx.re, i1) = m[1] * row(dy.re, i0) + m[3] * row(dy.re, i1);
            continue;
          }
          // With g = dL/dRe + i dL/dIm: dL/dt = sum conj(x) g and
          // dL/dx = sum conj(t) g over the rows x reaches.
          int64_t rows[2] = {i0, i1};
          for (int r = 0; r < 2; ++r)
            for (int c = 0; c < 2; ++c) {
              auto gr = row(dy.re, rows[r]), gi = row(dy.im, rows[r]);
              auto xr = row(x.re, rows[c]), xi = row(x.im, rows[c]);
              gm[4 * r + 2 * c] += xr.dot(gr) + xi.dot(gi);
              gm[4 * r + 2 * c + 1] += xr.dot(gi) - xi.dot(gr);
            }
          for (int c = 0; c < 2; ++c) {
            const T *e = m + 2 * c, *d = m + 4 + 2 * c; // t0c, t1c
            out(dx.re, rows[c]) = e[0] * row(dy.re, i0) +
                                  e[1] * row(dy.im, i0) +
                                  d[0] * row(dy.re, i1) + d[1] * row(dy.im, i1);
            out(dx.im, rows[c]) = e[0] * row(dy.im, i0) -
                                  e[1] * row(dy.re, i0) +
                                  d[0] * row(dy.im, i1) - d[1] * row(dy.re, i1);
          }
        }
    });
    for (const Vector<T> &g : partial)
      p.gradient += g;
  }
};

template <typename T>
ButterflyLayer<T>::ButterflyLayer(int64_t n, ButterflyLayerOptions options,
                                  std::mt19937_64 &rng)
    : impl_(new Impl) {
  Impl &m = *impl_;
  m.n = n;
  m.options = options;
  m.parameters = &this->parameters_;
  std::uniform_real_distribution<double> angle(0, 2 * M_PI);
  std::normal_distribution<double> noise(0, 0.01);
  int stages = log2Exact(n);
  for (int block = 0; block < options.blocks; ++block) {
    std::string prefix = "block" + std::to_string(block) + ".";
    if (options.learnPermutation) {
      int logitsParameter = int(this->parameters_.size());
      int64_t logit = 0;
      for (int64_t size = n; size >= 4; size /= 2)
        for (NamedPermutation name :
             {NamedPermutation::EvenOdd, NamedPermutation::ReverseFirstHalf,
              NamedPermutation::ReverseSecondHalf}) {
          typename Impl::Step step{Impl::Step::Mix,
                                   namedPermutation(name, n, size)};
          step.name = name;
          step.block = size;
          step.parameter = logitsParameter;
          step.logit = logit++;
          m.steps.push_back(std::move(step));
        }
      this->parameters_.push_back(
          parameter<T>(prefix + "logits", Vector<T>::Zero(logit)));
    } else if (options.bitReverse) {
      typename Impl::Step step{
          Impl::Step::Gather,
          namedPermutation(NamedPermutation::BitReverse, n, n)};
      step.name = NamedPermutation::BitReverse;
      step.block = n;
      m.steps.push_back(std::move(step));
    }
    for (int s = 0; s < stages; ++s) {
      int64_t stride = int64_t(1) << s;
      typename Impl::Step step{Impl::Step::Stage, {}};
      step.stride = stride;
      step.parameter = int(this->parameters_.size());
      m.steps.push_back(std::move(step));
      // A random rotation (plus a little noise) per matrix.
      Vector<T> twiddles(m.matrices(stride) * m.width());
      for (int64_t k = 0; k < m.matrices(stride); ++k) {
        double a = angle(rng), c = std::cos(a), s2 = std::sin(a);
        double entries[4] = {c, -s2, s2, c};
        for (int e = 0; e < 4; ++e) {
          if (options.complex) {
            twiddles[8 * k + 2 * e] = T(entries[e] + noise(rng));
            twiddles[8 * k + 2 * e + 1] = T(noise(rng));
          } else {
            twiddles[4 * k + e] = T(entries[e] + noise(rng));
          }
        }
      }
      this->parameters_.push_back(parameter<T>(
          prefix + "stage" + std::to_string(s), std::move(twiddles)));
    }
  }
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

template <typename T>
void ButterflyLayer<T>::forward(const Matrix<T> &x, Matrix<T> &y) {
  Impl &m = *impl_;
  Signal<T> current;
  current.re = x; // row-major copy: row i is element i of every example
  if (m.options.complex)
    current.im = Rows<T>::Zero(x.rows(), x.cols());
  for (typename Impl::Step &step : m.steps) {
    step.input = current;
    Signal<T> next;
    switch (step.kind) {
    case Impl::Step::Gather:
      Impl::gather(current.re, step.table, next.re);
      if (m.options.complex)
        Impl::gather(current.im, step.table, next.im);
      break;
    case Impl::Step::Mix: {
      // (1 - p) x + p Q x, p = sigmoid(logit).
      T p = m.sigmoid(this->parameters_[step.parameter].value[step.logit]);
      Impl::gather(current.re, step.table, next.re);
      next.re = (T(1) - p) * current.re + p * next.re;
      if (m.options.complex) {
        Impl::gather(current.im, step.table, next.im);
        next.im = (T(1) - p) * current.im + p * next.im;
      }
      break;
    }
    case Impl::Step::Stage:
      m.applyStage(step, current, next);
      break;
    }
    current = std::move(next);
  }
  y = current.re;
}

template <typename T>
void ButterflyLayer<T>::backward(const Matrix<T> &dy, Matrix<T> *dx) {
  Impl &m = *impl_;
  Signal<T> grad;
  grad.re = dy;
  if (m.options.complex) // the output is the real part
    grad.im = Rows<T>::Zero(dy.rows(), dy.cols());
  for (auto it = m.steps.rbegin(); it != m.steps.rend(); ++it) {
    typename Impl::Step &step = *it;
    Signal<T> previous;
    auto scatter = [&](const Rows<T> &g, Rows<T> &out, T weight) {
      // The transpose of the gather: out[table[i]] += weight * g[i].
      for (int64_t i = 0; i < m.n; ++i)
        out.row(step.table[i]) += weight * g.row(i);
    };
    switch (step.kind) {
    case Impl::Step::Gather:
      previous.re = Rows<T>::Zero(grad.re.rows(), grad.re.cols());
      scatter(grad.re, previous.re, T(1));
      if (m.options.complex) {
        previous.im = Rows<T>::Zero(grad.im.rows(), grad.im.cols());
        scatter(grad.im, previous.im, T(1));
      }
      break;
    case Impl::Step::Mix: {
      Parameter<T> &logits = this->parameters_[step.parameter];
      T p = m.sigmoid(logits.value[step.logit]);
      // dL/dp = <g, Q x - x>; dp/dlogit = p (1 - p).
      Rows<T> qx;
      Impl::gather(step.input.re, step.table, qx);
      T dp = grad.re.cwiseProduct(qx - step.input.re).sum();
      previous.re = (T(1) - p) * grad.re;
      scatter(grad.re, previous.re, p);
      if (m.options.complex) {
        Impl::gather(step.input.im, step.table, qx);
        dp += grad.im.cwiseProduct(qx - step.input.im).sum();
        previous.im = (T(1) - p) * grad.im;
        scatter(grad.im, previous.im, p);
      }
      if (!m.hardened)
        logits.gradient[step.logit] += dp * p * (T(1) - p);
      break;
    }
    case Impl::Step::Stage:
      m.backStage(step, grad, previous);
      break;
    }
    grad = std::move(previous);
  }
  if (dx)
    *dx = grad.re;
}

template <typename T> void ButterflyLayer<T>::hardenPermutations() {
  impl_->hardened = true;
}

template <typename T>
Factorization ButterflyLayer<T>::toFactorization(Precision precision) const {
  const Impl &m = *impl_;
  Factorization model;
  model.n = m.n;
  model.type = {m.options.complex ? Field::Complex : Field::Real, precision};
  model.realInput = model.realOutput = m.options.complex;
  model.provenance = {{"method", "trained"}, {"layer", describe()}};
  for (const typename Impl::Step &step : m.steps) {
    switch (step.kind) {
    case Impl::Step::Gather:
      model.factors.push_back(Permutation{step.name, step.block, {}});
      break;
    case Impl::Step::Mix:
      // Only hardened choices are permutations; a relaxed one is exported
      // as taken when p > 1/2 (hardenPermutations makes that exact).
      if (this->parameters_[step.parameter].value[step.logit] > 0)
        model.factors.push_back(Permutation{step.name, step.block, {}});
      break;
    case Impl::Step::Stage: {
      const Vector<T> &t = this->parameters_[step.parameter].value;
      Stage stage{step.stride, {}};
      for (int64_t i = 0; i < t.size(); i += m.options.complex ? 2 : 1)
        stage.twiddles.emplace_back(double(t[i]),
                                    m.options.complex ? double(t[i + 1]) : 0.0);
      model.factors.push_back(std::move(stage));
      break;
    }
    }
  }
  model.roundToPrecision();
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
