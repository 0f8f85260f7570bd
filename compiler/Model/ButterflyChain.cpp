//===- ButterflyChain.cpp - a butterfly chain that can be differentiated --===//
#include "compiler/Model/ButterflyChain.h"

#include "common/Butterfly.h"

#include <algorithm>
#include <cmath>

namespace bfly {

namespace {
/// body(first, count, chunk) for each chunk of a batch's columns.
template <typename F>
void forColumnChunks(const ColumnSplit &split, int64_t columns, F body) {
  int chunks = int(std::max<int64_t>(
      1, std::min<int64_t>(split.chunks, std::max<int64_t>(columns, 1))));
  auto chunk = [&](int c) {
    int64_t first = columns * c / chunks;
    body(first, columns * (c + 1) / chunks - first, c);
  };
  if (chunks == 1 || !split.run) {
    for (int c = 0; c < chunks; ++c)
      chunk(c);
    return;
  }
  split.run(chunks, chunk);
}
} // namespace

template <typename T>
ButterflyChain<T>::ButterflyChain(int64_t n, bool complex)
    : n_(n), complex_(complex) {}

template <typename T>
void ButterflyChain<T>::addGather(const Permutation &permutation) {
  Step step{Step::Kind::Gather, permutation, permutation.table(n_)};
  steps_.push_back(std::move(step));
}

template <typename T>
void ButterflyChain<T>::addRelaxed(const Permutation &choice, int64_t logit) {
  Step step{Step::Kind::Relaxed, choice, choice.table(n_)};
  step.logit = logit;
  steps_.push_back(std::move(step));
}

template <typename T>
void ButterflyChain<T>::addStage(int64_t stride, bool tied, int64_t offset) {
  Step step{Step::Kind::Stage, {}, {}};
  step.stride = stride;
  step.tied = tied;
  step.offset = offset;
  steps_.push_back(std::move(step));
}

template <typename T>
T ButterflyChain<T>::probability(const T *logits, const Step &step,
                                 bool hard) const {
  T logit = logits[step.logit];
  if (hard)
    return logit >= T(0) ? T(1) : T(0);
  return T(1) / (T(1) + std::exp(-logit));
}

template <typename T>
void ButterflyChain<T>::forwardStage(const Step &step, const T *twiddles,
                                     const Planes<T> &in, Planes<T> &out,
                                     const ColumnSplit &split) const {
  int64_t h = step.stride;
  const T *base = twiddles + step.offset;
  forColumnChunks(split, in.re.cols(), [&](int64_t first, int64_t count, int) {
    auto x = [&](const RowMatrix<T> &m, int64_t i) {
      return m.row(i).segment(first, count);
    };
    auto y = [&](RowMatrix<T> &m, int64_t i) {
      return m.row(i).segment(first, count);
    };
    for (int64_t pair = 0; pair < n_ / 2; ++pair) {
      auto [i0, i1] = stagePair(pair, h);
      const T *m = base + width() * matrixOfPair(pair, h, step.tied);
      if (!complex_) {
        y(out.re, i0) = m[0] * x(in.re, i0) + m[1] * x(in.re, i1);
        y(out.re, i1) = m[2] * x(in.re, i0) + m[3] * x(in.re, i1);
        continue;
      }
      // m: (re, im) of t00, t01, t10, t11.
      for (int r = 0; r < 2; ++r) {
        const T *e = m + 4 * r; // this row's two entries
        int64_t o = r ? i1 : i0;
        y(out.re, o) = e[0] * x(in.re, i0) - e[1] * x(in.im, i0) +
                       e[2] * x(in.re, i1) - e[3] * x(in.im, i1);
        y(out.im, o) = e[0] * x(in.im, i0) + e[1] * x(in.re, i0) +
                       e[2] * x(in.im, i1) + e[3] * x(in.re, i1);
      }
    }
  });
}

template <typename T>
void ButterflyChain<T>::backwardStage(const Step &step, const T *twiddles,
                                      const Planes<T> &in, Planes<T> &g,
                                      T *dTwiddles,
                                      const ColumnSplit &split) const {
  int64_t h = step.stride;
  const T *base = twiddles + step.offset;
  int64_t numbers = width() * stageMatrices(n_, h, step.tied);
  int chunks = std::max(1, split.chunks);
  std::vector<std::vector<T>> partial(dTwiddles ? chunks : 0,
                                      std::vector<T>(size_t(numbers), T(0)));
  forColumnChunks(
      split, g.re.cols(), [&](int64_t first, int64_t count, int chunk) {
        auto x = [&](const RowMatrix<T> &m, int64_t i) {
          return m.row(i).segment(first, count);
        };
        auto out = [&](RowMatrix<T> &m, int64_t i) {
          return m.row(i).segment(first, count);
        };
        Eigen::Matrix<T, 1, Eigen::Dynamic> g0re, g1re, g0im, g1im;
        for (int64_t pair = 0; pair < n_ / 2; ++pair) {
          auto [i0, i1] = stagePair(pair, h);
          int64_t offset = width() * matrixOfPair(pair, h, step.tied);
          const T *m = base + offset;
          T *gm = dTwiddles ? partial[chunk].data() + offset : nullptr;
          g0re = x(g.re, i0);
          g1re = x(g.re, i1);
          if (!complex_) {
            if (gm) {
              gm[0] += g0re.dot(x(in.re, i0));
              gm[1] += g0re.dot(x(in.re, i1));
              gm[2] += g1re.dot(x(in.re, i0));
              gm[3] += g1re.dot(x(in.re, i1));
            }
            out(g.re, i0) = m[0] * g0re + m[2] * g1re;
            out(g.re, i1) = m[1] * g0re + m[3] * g1re;
            continue;
          }
          g0im = x(g.im, i0);
          g1im = x(g.im, i1);
          // With g = dL/dRe + i dL/dIm: dL/dt = sum conj(x) g and
          // dL/dx = sum conj(t) g over the rows x reaches.
          const Eigen::Matrix<T, 1, Eigen::Dynamic> *gr[2] = {&g0re, &g1re},
                                                    *gi[2] = {&g0im, &g1im};
          int64_t rows[2] = {i0, i1};
          if (gm)
            for (int r = 0; r < 2; ++r)
              for (int c = 0; c < 2; ++c) {
                auto xr = x(in.re, rows[c]), xi = x(in.im, rows[c]);
                gm[4 * r + 2 * c] += xr.dot(*gr[r]) + xi.dot(*gi[r]);
                gm[4 * r + 2 * c + 1] += xr.dot(*gi[r]) - xi.dot(*gr[r]);
              }
          for (int c = 0; c < 2; ++c) {
            const T *e = m + 2 * c, *d = m + 4 + 2 * c; // t0c, t1c
            out(g.re, rows[c]) =
                e[0] * g0re + e[1] * g0im + d[0] * g1re + d[1] * g1im;
            out(g.im, rows[c]) =
                e[0] * g0im - e[1] * g0re + d[0] * g1im - d[1] * g1re;
          }
        }
      });
  for (const std::vector<T> &sum : partial)
    for (int64_t i = 0; i < numbers; ++i)
      dTwiddles[step.offset + i] += sum[i];
}

template <typename T>
void ButterflyChain<T>::forward(const T *twiddles, const T *logits,
                                Planes<T> &x, const ColumnSplit &split,
                                bool hard) {
  if (complex_ && x.im.size() == 0)
    x.im = RowMatrix<T>::Zero(x.re.rows(), x.re.cols());
  inputs_.resize(steps_.size());
  for (size_t k = 0; k < steps_.size(); ++k) {
    const Step &step = steps_[k];
    inputs_[k] = x;
    const Planes<T> &in = inputs_[k];
    switch (step.kind) {
    case Step::Kind::Gather:
      for (int64_t i = 0; i < n_; ++i) {
        x.re.row(i) = in.re.row(step.table[i]);
        if (complex_)
          x.im.row(i) = in.im.row(step.table[i]);
      }
      break;
    case Step::Kind::Relaxed: {
      T p = probability(logits, step, hard);
      for (int64_t i = 0; i < n_; ++i) {
        x.re.row(i) = (T(1) - p) * in.re.row(i) + p * in.re.row(step.table[i]);
        if (complex_)
          x.im.row(i) =
              (T(1) - p) * in.im.row(i) + p * in.im.row(step.table[i]);
      }
      break;
    }
    case Step::Kind::Stage:
      forwardStage(step, twiddles, in, x, split);
      break;
    }
  }
}

template <typename T>
void ButterflyChain<T>::backward(const T *twiddles, const T *logits,
                                 Planes<T> &g, T *dTwiddles, T *dLogits,
                                 const ColumnSplit &split, bool hard) {
  if (complex_ && g.im.size() == 0)
    g.im = RowMatrix<T>::Zero(g.re.rows(), g.re.cols());
  Planes<T> next;
  // The transpose of a gather: out[table[i]] += weight * g[i].
  auto scatter = [&](const Step &step, const RowMatrix<T> &from,
                     RowMatrix<T> &to, T weight) {
    for (int64_t i = 0; i < n_; ++i)
      to.row(step.table[i]) += weight * from.row(i);
  };
  for (size_t k = steps_.size(); k-- > 0;) {
    const Step &step = steps_[k];
    const Planes<T> &in = inputs_[k];
    switch (step.kind) {
    case Step::Kind::Gather:
      next.re = RowMatrix<T>::Zero(g.re.rows(), g.re.cols());
      scatter(step, g.re, next.re, T(1));
      if (complex_) {
        next.im = RowMatrix<T>::Zero(g.im.rows(), g.im.cols());
        scatter(step, g.im, next.im, T(1));
      }
      std::swap(g, next);
      break;
    case Step::Kind::Relaxed: {
      T p = probability(logits, step, hard);
      // dL/dp = <g, Q x - x>; dp/dlogit = p (1 - p).
      T dp = 0;
      for (int64_t i = 0; i < n_; ++i) {
        dp += g.re.row(i).dot(in.re.row(step.table[i]) - in.re.row(i));
        if (complex_)
          dp += g.im.row(i).dot(in.im.row(step.table[i]) - in.im.row(i));
      }
      next.re = (T(1) - p) * g.re;
      scatter(step, g.re, next.re, p);
      if (complex_) {
        next.im = (T(1) - p) * g.im;
        scatter(step, g.im, next.im, p);
      }
      if (dLogits)
        dLogits[step.logit] += dp * p * (T(1) - p);
      std::swap(g, next);
      break;
    }
    case Step::Kind::Stage:
      backwardStage(step, twiddles, in, g, dTwiddles, split);
      break;
    }
  }
}

template <typename T>
Factorization ButterflyChain<T>::toFactorization(const T *twiddles,
                                                 const T *logits,
                                                 ElementType type) const {
  Factorization model;
  model.n = n_;
  model.type = type;
  for (const Step &step : steps_) {
    switch (step.kind) {
    case Step::Kind::Gather:
      model.factors.push_back(step.permutation);
      break;
    case Step::Kind::Relaxed:
      if (probability(logits, step, /*hard=*/true) == T(1))
        model.factors.push_back(step.permutation);
      break;
    case Step::Kind::Stage: {
      Stage stage{step.stride, {}};
      const T *t = twiddles + step.offset;
      int64_t numbers = width() * stageMatrices(n_, step.stride, step.tied);
      for (int64_t i = 0; i < numbers; i += complex_ ? 2 : 1)
        stage.twiddles.emplace_back(double(t[i]),
                                    complex_ ? double(t[i + 1]) : 0.0);
      model.factors.push_back(std::move(stage));
      break;
    }
    }
  }
  model.roundToPrecision();
  return model;
}

template class ButterflyChain<float>;
template class ButterflyChain<double>;

} // namespace bfly
