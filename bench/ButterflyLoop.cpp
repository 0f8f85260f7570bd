//===- ButterflyLoop.cpp - any model as plain scalar loops ----------------===//
#include "bench/ButterflyLoop.h"

#include "bfly/runtime.h"

#include <complex>
#include <type_traits>
#include <utility>

namespace bfly {

namespace {

/// A complex product written out, as in a hand-written transform (no NaN
/// recovery path).
template <typename Real>
std::complex<Real> times(std::complex<Real> a, std::complex<Real> b) {
  return {a.real() * b.real() - a.imag() * b.imag(),
          a.real() * b.imag() + a.imag() * b.real()};
}
inline float times(float a, float b) { return a * b; }
inline double times(double a, double b) { return a * b; }

template <typename T> T element(const double *reIm) {
  if constexpr (std::is_floating_point_v<T>)
    return T(reIm[0]);
  else
    return T(typename T::value_type(reIm[0]), typename T::value_type(reIm[1]));
}

struct Chain {
  virtual ~Chain() = default;
  virtual void run() = 0;
  virtual void *input() = 0;
  virtual const void *output() const = 0;
};

/// The chain on elements T, inputs In and outputs Out (T, or its real part
/// type when the model takes or returns real vectors).
template <typename T, typename In, typename Out> struct TypedChain : Chain {
  struct Factor {
    LoopFactor::Kind kind;
    int64_t stride;
    bool tied;
    std::vector<T> values;
    std::vector<int64_t> indices;
  };

  TypedChain(int64_t n, const std::vector<LoopFactor> &factors, int64_t batch)
      : n(n), batch(batch), in(n * batch), out(n * batch), work(n), scratch(n) {
    for (const LoopFactor &f : factors) {
      Factor factor{f.kind, f.stride, false, {}, f.indices};
      for (size_t i = 0; i + 1 < f.values.size(); i += 2)
        factor.values.push_back(element<T>(&f.values[i]));
      // At stride n/2 the two layouts coincide (one block: b = 0).
      factor.tied = f.kind == LoopFactor::Kind::Stage &&
                    int64_t(factor.values.size()) == 4 * f.stride;
      chain.push_back(std::move(factor));
    }
  }

  void run() override {
    for (int64_t v = 0; v < batch; ++v) {
      const In *x = in.data() + v * n;
      for (int64_t i = 0; i < n; ++i)
        work[i] = T(x[i]);
      for (const Factor &f : chain)
        apply(f);
      Out *y = out.data() + v * n;
      for (int64_t i = 0; i < n; ++i) {
        if constexpr (std::is_same_v<T, Out>)
          y[i] = work[i];
        else
          y[i] = std::real(work[i]);
      }
    }
  }

  void apply(const Factor &f) {
    switch (f.kind) {
    case LoopFactor::Kind::Stage: {
      int64_t h = f.stride;
      for (int64_t b = 0; b < n; b += 2 * h)
        for (int64_t j = 0; j < h; ++j) {
          const T *m = &f.values[4 * (f.tied ? j : b / 2 + j)];
          T x0 = work[b + j], x1 = work[b + j + h];
          work[b + j] = times(m[0], x0) + times(m[1], x1);
          work[b + j + h] = times(m[2], x0) + times(m[3], x1);
        }
      break;
    }
    case LoopFactor::Kind::Gather:
      for (int64_t i = 0; i < n; ++i)
        scratch[i] = work[f.indices[i]];
      std::swap(work, scratch);
      break;
    case LoopFactor::Kind::Scale:
      for (int64_t i = 0; i < n; ++i)
        work[i] = times(f.values[i], work[i]);
      break;
    }
  }

  void *input() override { return in.data(); }
  const void *output() const override { return out.data(); }

  int64_t n, batch;
  std::vector<Factor> chain;
  std::vector<In> in;
  std::vector<Out> out;
  std::vector<T> work, scratch;
};

template <typename Real>
std::unique_ptr<Chain>
makeChain(int64_t n, bool complexChain, bool realIn, bool realOut,
          const std::vector<LoopFactor> &factors, int64_t batch) {
  using C = std::complex<Real>;
  if (!complexChain)
    return std::make_unique<TypedChain<Real, Real, Real>>(n, factors, batch);
  if (realIn && realOut)
    return std::make_unique<TypedChain<C, Real, Real>>(n, factors, batch);
  if (realIn)
    return std::make_unique<TypedChain<C, Real, C>>(n, factors, batch);
  if (realOut)
    return std::make_unique<TypedChain<C, C, Real>>(n, factors, batch);
  return std::make_unique<TypedChain<C, C, C>>(n, factors, batch);
}

bool isComplex(int32_t dtype) {
  return dtype == BFLY_DTYPE_COMPLEX_F32 || dtype == BFLY_DTYPE_COMPLEX_F64;
}

} // namespace

struct ButterflyLoop::Impl {
  std::unique_ptr<Chain> chain;
};

ButterflyLoop::ButterflyLoop(int64_t n, int32_t chainDtype, int32_t inputDtype,
                             int32_t outputDtype,
                             const std::vector<LoopFactor> &factors,
                             int64_t batch)
    : impl_(new Impl) {
  bool single =
      chainDtype == BFLY_DTYPE_F32 || chainDtype == BFLY_DTYPE_COMPLEX_F32;
  bool complexChain = isComplex(chainDtype);
  bool realIn = !isComplex(inputDtype), realOut = !isComplex(outputDtype);
  impl_->chain =
      single
          ? makeChain<float>(n, complexChain, realIn, realOut, factors, batch)
          : makeChain<double>(n, complexChain, realIn, realOut, factors, batch);
}

ButterflyLoop::~ButterflyLoop() = default;

void *ButterflyLoop::input() { return impl_->chain->input(); }

const void *ButterflyLoop::output() const { return impl_->chain->output(); }

void ButterflyLoop::run() { impl_->chain->run(); }

} // namespace bfly
