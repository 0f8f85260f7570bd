//===- Radix2Loop.cpp - the plain radix-2 loop baseline -------------------===//
#include "bench/Radix2Loop.h"

#include "bfly/runtime.h"

#include <cmath>
#include <vector>

namespace bfly {

namespace {

struct Loop {
  virtual ~Loop() = default;
  virtual void run() = 0;
  virtual void *data() = 0;
};

/// In-place Walsh-Hadamard butterflies on interleaved data: `width` scalars
/// per element (2 for complex, both parts alike).
template <typename Real> struct HadamardLoop : Loop {
  HadamardLoop(int64_t n, int width, int64_t batch)
      : n(n), width(width), batch(batch), values(n * width * batch, Real(1)),
        scale(Real(1.0 / std::sqrt(double(n)))) {}

  void run() override {
    for (int64_t b = 0; b < batch; ++b) {
      Real *x = values.data() + b * n * width;
      for (int64_t h = 1; h < n; h *= 2)
        for (int64_t i = 0; i < n; i += 2 * h)
          for (int64_t j = i * width; j < (i + h) * width; ++j) {
            Real u = x[j], v = x[j + h * width];
            x[j] = u + v;
            x[j + h * width] = u - v;
          }
      for (int64_t j = 0; j < n * width; ++j)
        x[j] *= scale;
    }
  }

  void *data() override { return values.data(); }

  int64_t n;
  int width;
  int64_t batch;
  std::vector<Real> values;
  Real scale;
};

/// Iterative radix-2 decimation in time: bit reversal, then butterflies
/// with a precomputed twiddle table, complex numbers as (re, im) pairs.
template <typename Real> struct DftLoop : Loop {
  DftLoop(int64_t n, bool inverse, int64_t batch)
      : n(n), batch(batch), values(2 * n * batch, Real(1)), reversed(n),
        twiddles(n), scale(Real(1.0 / std::sqrt(double(n)))) {
    int bits = 0;
    while ((int64_t(1) << bits) < n)
      ++bits;
    for (int64_t i = 0; i < n; ++i) {
      int64_t r = 0;
      for (int bit = 0; bit < bits; ++bit)
        r |= ((i >> bit) & 1) << (bits - 1 - bit);
      reversed[i] = r;
    }
    double sign = inverse ? 1.0 : -1.0;
    for (int64_t k = 0; k < n / 2; ++k) {
      twiddles[2 * k] = Real(std::cos(2 * M_PI * double(k) / double(n)));
      twiddles[2 * k + 1] =
          Real(sign * std::sin(2 * M_PI * double(k) / double(n)));
    }
  }

  void run() override {
    for (int64_t b = 0; b < batch; ++b) {
      Real *x = values.data() + 2 * b * n;
      for (int64_t i = 0; i < n; ++i)
        if (i < reversed[i]) {
          std::swap(x[2 * i], x[2 * reversed[i]]);
          std::swap(x[2 * i + 1], x[2 * reversed[i] + 1]);
        }
      for (int64_t h = 1; h < n; h *= 2) {
        int64_t step = n / (2 * h); // twiddle k * step for j = i + k
        for (int64_t i = 0; i < n; i += 2 * h)
          for (int64_t k = 0; k < h; ++k) {
            Real wr = twiddles[2 * k * step], wi = twiddles[2 * k * step + 1];
            Real *u = x + 2 * (i + k), *v = x + 2 * (i + k + h);
            Real tr = wr * v[0] - wi * v[1], ti = wr * v[1] + wi * v[0];
            v[0] = u[0] - tr;
            v[1] = u[1] - ti;
            u[0] += tr;
            u[1] += ti;
          }
      }
      for (int64_t j = 0; j < 2 * n; ++j)
        x[j] *= scale;
    }
  }

  void *data() override { return values.data(); }

  int64_t n, batch;
  std::vector<Real> values;
  std::vector<int64_t> reversed;
  std::vector<Real> twiddles;
  Real scale;
};
} // namespace

struct Radix2Loop::Impl {
  std::unique_ptr<Loop> loop;
};

Radix2Loop::Radix2Loop(const std::string &transform, int64_t n, int32_t dtype,
                       int64_t batch)
    : impl_(new Impl) {
  bool single = dtype == BFLY_DTYPE_F32 || dtype == BFLY_DTYPE_COMPLEX_F32;
  bool complex =
      dtype == BFLY_DTYPE_COMPLEX_F32 || dtype == BFLY_DTYPE_COMPLEX_F64;
  if (transform == "hadamard") {
    int width = complex ? 2 : 1;
    if (single)
      impl_->loop.reset(new HadamardLoop<float>(n, width, batch));
    else
      impl_->loop.reset(new HadamardLoop<double>(n, width, batch));
  } else if ((transform == "dft" || transform == "idft") && complex) {
    bool inverse = transform == "idft";
    if (single)
      impl_->loop.reset(new DftLoop<float>(n, inverse, batch));
    else
      impl_->loop.reset(new DftLoop<double>(n, inverse, batch));
  }
}

Radix2Loop::~Radix2Loop() = default;

bool Radix2Loop::valid() const { return impl_->loop != nullptr; }

void *Radix2Loop::data() { return impl_->loop->data(); }

void Radix2Loop::run() { impl_->loop->run(); }

} // namespace bfly
