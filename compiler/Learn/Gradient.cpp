//===- Gradient.cpp - the paper's gradient method, piece by piece ---------===//
#include "compiler/Learn/Gradient.h"

#include <algorithm>
#include <cmath>
#include <deque>

namespace bfly {

//===----------------------------------------------------------------------===//
// BPLayout
//===----------------------------------------------------------------------===//

BPLayout::BPLayout(int64_t n, bool tied, bool complexTwiddles, Logits logits,
                   bool extraPermutation)
    : n(n), tied(tied), complexTwiddles(complexTwiddles), logits(logits),
      extraPermutation(extraPermutation) {
  stageOffsets.push_back(0);
  for (int s = 0; s < stages(); ++s)
    stageOffsets.push_back(stageOffsets.back() +
                           matrices(s) * 4 * (complexTwiddles ? 2 : 1));
}

int64_t BPLayout::matrices(int stage) const {
  return tied ? int64_t{1} << stage : n / 2;
}

/// Logits of P alone, without the extra factor's.
static int64_t mainLogits(const BPLayout &layout) {
  switch (layout.logits) {
  case BPLayout::Logits::Fixed:
    return 0;
  case BPLayout::Logits::Shared:
    return 3;
  case BPLayout::Logits::PerLevel:
    return 3 * int64_t(layout.levels());
  }
  return 0;
}

int64_t BPLayout::logitCount() const {
  bool extra = extraPermutation && logits != Logits::Fixed;
  return mainLogits(*this) + (extra ? 3 : 0);
}

int64_t BPLayout::logitIndex(int level, int choice) const {
  if (level < 0)
    return logitOffset() + mainLogits(*this) + choice;
  return logitOffset() + (logits == Logits::Shared ? 0 : 3 * level) + choice;
}

//===----------------------------------------------------------------------===//
// BPObjective
//===----------------------------------------------------------------------===//

static double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

static const NamedPermutation kChoices[3] = {
    NamedPermutation::EvenOdd, NamedPermutation::ReverseFirstHalf,
    NamedPermutation::ReverseSecondHalf};

BPObjective::BPObjective(const Target &target, BPLayout layout,
                         const std::vector<int64_t> &fixedPermutation)
    : target_(target), layout_(std::move(layout)),
      fixedPermutation_(fixedPermutation) {
  if (layout_.logits == BPLayout::Logits::Fixed)
    return;
  for (int level = layout_.extraPermutation ? -1 : 0; level < layout_.levels();
       ++level)
    for (int choice = 0; choice < 3; ++choice)
      layers_.push_back(
          {level, choice,
           namedPermutation(kChoices[choice], layout_.n, layout_.n >> level)});
}

Complex BPObjective::twiddle(const std::vector<double> &theta, int stage,
                             int64_t matrix, int entry) const {
  int64_t index = 4 * matrix + entry;
  int64_t offset = layout_.stageOffset(stage);
  if (!layout_.complexTwiddles)
    return theta[offset + index];
  return {theta[offset + 2 * index], theta[offset + 2 * index + 1]};
}

double BPObjective::evaluate(const std::vector<double> &theta,
                             std::vector<double> *gradient) const {
  int64_t n = layout_.n;
  Rows x = Rows::Zero(n, n);
  if (layout_.logits == BPLayout::Logits::Fixed) {
    for (int64_t i = 0; i < n; ++i)
      x(i, fixedPermutation_.empty() ? i : fixedPermutation_[i]) = 1.0;
  } else {
    x.setIdentity();
  }
  // The input of every layer, kept for the backward pass.
  std::vector<Rows> saved;
  for (const Layer &layer : layers_) {
    saved.push_back(x);
    double p = sigmoid(theta[layout_.logitIndex(layer.level, layer.choice)]);
    for (int64_t i = 0; i < n; ++i)
      x.row(i) = (1.0 - p) * saved.back().row(i) +
                 p * saved.back().row(layer.gather[i]);
  }
  for (int s = 0; s < layout_.stages(); ++s) {
    saved.push_back(x);
    int64_t h = int64_t{1} << s;
    for (int64_t pair = 0; pair < n / 2; ++pair) {
      int64_t top = (pair / h) * 2 * h + pair % h, bottom = top + h;
      int64_t m = layout_.tied ? pair % h : pair;
      Eigen::RowVectorXcd x0 = x.row(top), x1 = x.row(bottom);
      x.row(top) = twiddle(theta, s, m, 0) * x0 + twiddle(theta, s, m, 1) * x1;
      x.row(bottom) =
          twiddle(theta, s, m, 2) * x0 + twiddle(theta, s, m, 3) * x1;
    }
  }

  // Loss and its gradient G = dL/dRe(M) + i dL/dIm(M).
  double entries = double(n) * double(n);
  Rows g;
  double loss;
  if (target_.real) {
    Eigen::MatrixXd difference = x.real() - target_.matrix.real();
    loss = difference.squaredNorm() / entries;
    g = (2.0 / entries) * difference.cast<Complex>();
  } else {
    Rows difference = x - target_.matrix;
    loss = difference.squaredNorm() / (2.0 * entries);
    g = difference / entries;
  }
  if (!gradient)
    return loss;

  gradient->assign(theta.size(), 0.0);
  for (int s = layout_.stages() - 1; s >= 0; --s) {
    const Rows &in = saved[layers_.size() + s];
    int64_t h = int64_t{1} << s;
    int64_t offset = layout_.stageOffset(s);
    for (int64_t pair = 0; pair < n / 2; ++pair) {
      int64_t top = (pair / h) * 2 * h + pair % h, bottom = top + h;
      int64_t m = layout_.tied ? pair % h : pair;
      // dL/dt = sum over columns of G_y conj(x) (Eigen's dot conjugates
      // its left side).
      Complex dt[4] = {
          in.row(top).dot(g.row(top)), in.row(bottom).dot(g.row(top)),
          in.row(top).dot(g.row(bottom)), in.row(bottom).dot(g.row(bottom))};
      for (int e = 0; e < 4; ++e) {
        int64_t index = 4 * m + e;
        if (layout_.complexTwiddles) {
          (*gradient)[offset + 2 * index] += dt[e].real();
          (*gradient)[offset + 2 * index + 1] += dt[e].imag();
        } else {
          (*gradient)[offset + index] += dt[e].real();
        }
      }
      Eigen::RowVectorXcd g0 = g.row(top), g1 = g.row(bottom);
      g.row(top) = std::conj(twiddle(theta, s, m, 0)) * g0 +
                   std::conj(twiddle(theta, s, m, 2)) * g1;
      g.row(bottom) = std::conj(twiddle(theta, s, m, 1)) * g0 +
                      std::conj(twiddle(theta, s, m, 3)) * g1;
    }
  }
  for (size_t k = layers_.size(); k-- > 0;) {
    const Layer &layer = layers_[k];
    const Rows &in = saved[k];
    int64_t logit = layout_.logitIndex(layer.level, layer.choice);
    double p = sigmoid(theta[logit]);
    double dp = 0.0;
    Rows next = (1.0 - p) * g;
    for (int64_t i = 0; i < n; ++i) {
      dp += g.row(i).dot(in.row(layer.gather[i]) - in.row(i)).real();
      next.row(layer.gather[i]) += p * g.row(i);
    }
    (*gradient)[logit] += dp * p * (1.0 - p);
    g = std::move(next);
  }
  return loss;
}

//===----------------------------------------------------------------------===//
// Parameters <-> models
//===----------------------------------------------------------------------===//

std::vector<double> randomParameters(const BPLayout &layout,
                                     std::mt19937_64 &rng) {
  // Complex entries with E|t|^2 = 1/2: each part of variance 1/4.
  double deviation = layout.complexTwiddles ? 0.5 : std::sqrt(0.5);
  std::normal_distribution<double> twiddle(0.0, deviation), logit(0.0, 0.5);
  std::vector<double> theta(layout.size());
  for (int64_t i = 0; i < layout.logitOffset(); ++i)
    theta[i] = twiddle(rng);
  for (int64_t i = layout.logitOffset(); i < layout.size(); ++i)
    theta[i] = logit(rng);
  return theta;
}

PermutationChoices roundPermutation(const BPLayout &layout,
                                    const std::vector<double> &theta) {
  PermutationChoices choices;
  if (layout.logits == BPLayout::Logits::Fixed)
    return choices;
  auto kept = [&](int level, int choice) {
    return theta[layout.logitIndex(level, choice)] >= 0.0;
  };
  for (int level = 0; level < layout.levels(); ++level)
    choices.levels.push_back({kept(level, 0), kept(level, 1), kept(level, 2)});
  if (layout.extraPermutation)
    choices.extra = LevelChoices{kept(-1, 0), kept(-1, 1), kept(-1, 2)};
  return choices;
}

Factorization toFactorization(const BPLayout &layout,
                              const std::vector<double> &theta,
                              const PermutationChoices &permutation,
                              ElementType type, bool realIO) {
  Factorization model;
  model.n = layout.n;
  model.type = type;
  model.realInput = model.realOutput = realIO;
  for (Permutation &factor : permutation.factors(layout.n))
    model.factors.push_back(factor);
  for (int s = 0; s < layout.stages(); ++s) {
    Stage stage{int64_t{1} << s, {}};
    int64_t offset = layout.stageOffset(s);
    for (int64_t i = 0; i < 4 * layout.matrices(s); ++i)
      stage.twiddles.push_back(
          layout.complexTwiddles
              ? Complex(theta[offset + 2 * i], theta[offset + 2 * i + 1])
              : Complex(theta[offset + i]));
    model.factors.push_back(std::move(stage));
  }
  model.roundToPrecision();
  return model;
}

std::vector<double> twiddlesOnly(const BPLayout &layout,
                                 const std::vector<double> &theta) {
  return {theta.begin(), theta.begin() + layout.logitOffset()};
}

//===----------------------------------------------------------------------===//
// Optimizers
//===----------------------------------------------------------------------===//

void Adam::step(std::vector<double> &theta,
                const std::vector<double> &gradient) {
  if (m.empty()) {
    m.assign(theta.size(), 0.0);
    v.assign(theta.size(), 0.0);
  }
  ++t;
  double correction1 = 1.0 - std::pow(beta1, double(t));
  double correction2 = 1.0 - std::pow(beta2, double(t));
  for (size_t i = 0; i < theta.size(); ++i) {
    m[i] = beta1 * m[i] + (1.0 - beta1) * gradient[i];
    v[i] = beta2 * v[i] + (1.0 - beta2) * gradient[i] * gradient[i];
    theta[i] -= learningRate * (m[i] / correction1) /
                (std::sqrt(v[i] / correction2) + epsilon);
  }
}

static double dot(const std::vector<double> &a, const std::vector<double> &b) {
  double sum = 0.0;
  for (size_t i = 0; i < a.size(); ++i)
    sum += a[i] * b[i];
  return sum;
}

double minimizeLbfgs(const std::function<double(const std::vector<double> &,
                                                std::vector<double> *)> &f,
                     std::vector<double> &theta, int steps) {
  constexpr size_t kMemory = 10;
  std::deque<std::vector<double>> ss, ys;
  std::vector<double> gradient;
  double loss = f(theta, &gradient);
  for (int iteration = 0; iteration < steps; ++iteration) {
    // Two-loop recursion: direction = -H gradient.
    std::vector<double> q = gradient;
    std::vector<double> alphas(ss.size());
    for (size_t k = ss.size(); k-- > 0;) {
      alphas[k] = dot(ss[k], q) / dot(ys[k], ss[k]);
      for (size_t i = 0; i < q.size(); ++i)
        q[i] -= alphas[k] * ys[k][i];
    }
    double gamma = ss.empty()
                       ? 1.0 / std::max(1.0, std::sqrt(dot(q, q)))
                       : dot(ss.back(), ys.back()) / dot(ys.back(), ys.back());
    for (double &value : q)
      value *= gamma;
    for (size_t k = 0; k < ss.size(); ++k) {
      double beta = dot(ys[k], q) / dot(ys[k], ss[k]);
      for (size_t i = 0; i < q.size(); ++i)
        q[i] += (alphas[k] - beta) * ss[k][i];
    }
    double slope = -dot(gradient, q);
    if (!(slope < 0.0)) { // not a descent direction: restart from -gradient
      ss.clear();
      ys.clear();
      q = gradient;
      slope = -dot(gradient, q);
      if (!(slope < 0.0))
        break;
    }
    // Backtracking line search along -q (Armijo).
    double step = 1.0, nextLoss = loss;
    std::vector<double> next(theta.size()), nextGradient;
    bool accepted = false;
    for (int tries = 0; tries < 40 && !accepted; ++tries, step *= 0.5) {
      for (size_t i = 0; i < theta.size(); ++i)
        next[i] = theta[i] - step * q[i];
      nextLoss = f(next, &nextGradient);
      accepted =
          std::isfinite(nextLoss) && nextLoss <= loss + 1e-4 * step * slope;
    }
    if (!accepted || nextLoss >= loss)
      break;
    std::vector<double> s(theta.size()), y(theta.size());
    for (size_t i = 0; i < theta.size(); ++i) {
      s[i] = next[i] - theta[i];
      y[i] = nextGradient[i] - gradient[i];
    }
    if (dot(s, y) > 1e-300) {
      ss.push_back(std::move(s));
      ys.push_back(std::move(y));
      if (ss.size() > kMemory) {
        ss.pop_front();
        ys.pop_front();
      }
    }
    theta = std::move(next);
    gradient = std::move(nextGradient);
    loss = nextLoss;
  }
  return loss;
}

} // namespace bfly
