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
                   bool extraPermutation, int blocks)
    : n(n), tied(tied), complexTwiddles(complexTwiddles), logits(logits),
      extraPermutation(extraPermutation), blocks(blocks) {
  stageOffsets.push_back(0);
  for (int b = 0; b < blocks; ++b)
    for (int s = 0; s < stages(); ++s)
      stageOffsets.push_back(stageOffsets.back() +
                             matrices(s) * 4 * (complexTwiddles ? 2 : 1));
}

std::vector<int> BPLayout::stageOrder() const {
  std::vector<int> order(stages());
  for (int s = 0; s < stages(); ++s)
    order[s] = decreasingStride ? stages() - 1 - s : s;
  return order;
}

int64_t BPLayout::matrices(int stage) const {
  return tied ? int64_t{1} << stage : n / 2;
}

int64_t BPLayout::logitsPerBlock() const {
  switch (logits) {
  case Logits::Fixed:
    return 0;
  case Logits::Shared:
    return 3;
  case Logits::PerLevel:
    return 3 * int64_t(levels());
  }
  return 0;
}

int64_t BPLayout::logitCount() const {
  bool extra = extraPermutation && logits != Logits::Fixed;
  return blocks * logitsPerBlock() + (extra ? 3 : 0);
}

int64_t BPLayout::logitIndex(int block, int level, int choice) const {
  if (level < 0)
    return logitOffset() + blocks * logitsPerBlock() + choice;
  return logitOffset() + block * logitsPerBlock() +
         (logits == Logits::Shared ? 0 : 3 * level) + choice;
}

//===----------------------------------------------------------------------===//
// BPObjective
//===----------------------------------------------------------------------===//

static const NamedPermutation kChoices[3] = {
    NamedPermutation::EvenOdd, NamedPermutation::ReverseFirstHalf,
    NamedPermutation::ReverseSecondHalf};

BPObjective::BPObjective(const Target &target, BPLayout layout,
                         PermutationTables fixedPermutations)
    : layout_(std::move(layout)), targetRe_(target.matrix.real()),
      targetIm_(target.matrix.imag()), realTarget_(target.real),
      chain_(layout_.n, layout_.complexTwiddles) {
  int64_t n = layout_.n;
  bool fixed = layout_.logits == BPLayout::Logits::Fixed;
  for (int block = 0; block < layout_.blocks; ++block) {
    if (fixed) {
      if (block < int(fixedPermutations.size()) &&
          !fixedPermutations[block].empty())
        chain_.addGather(
            Permutation{std::nullopt, 0, fixedPermutations[block]});
    } else {
      int first = block == 0 && layout_.extraPermutation ? -1 : 0;
      for (int level = first; level < layout_.levels(); ++level)
        for (int choice = 0; choice < 3; ++choice)
          chain_.addRelaxed(
              Permutation{kChoices[choice], n >> std::max(level, 0), {}},
              layout_.logitIndex(block, level, choice) - layout_.logitOffset());
    }
    for (int stage : layout_.stageOrder())
      chain_.addStage(int64_t{1} << stage, layout_.tied,
                      layout_.stageOffset(block, stage));
  }
}

double BPObjective::evaluate(const std::vector<double> &theta,
                             std::vector<double> *gradient) const {
  int64_t n = layout_.n;
  const double *twiddles = theta.data();
  const double *logits = theta.data() + layout_.logitOffset();
  Planes<double> x;
  x.re = RowMatrix<double>::Identity(n, n);
  chain_.forward(twiddles, logits, x);

  // Loss and its gradient G = dL/dRe(M) + i dL/dIm(M).
  double entries = double(n) * double(n);
  Planes<double> g;
  double loss;
  if (realTarget_) {
    g.re = x.re - targetRe_;
    loss = g.re.squaredNorm() / entries;
    g.re *= 2.0 / entries;
  } else {
    g.re = x.re - targetRe_;
    g.im = x.im.size() ? RowMatrix<double>(x.im - targetIm_)
                       : RowMatrix<double>(-targetIm_);
    loss = (g.re.squaredNorm() + g.im.squaredNorm()) / (2.0 * entries);
    g.re /= entries;
    g.im /= entries;
    if (!chain_.isComplex()) // a real chain's gradient needs only Re
      g.im.resize(0, 0);
  }
  if (!gradient)
    return loss;
  gradient->assign(theta.size(), 0.0);
  chain_.backward(twiddles, logits, g, gradient->data(),
                  gradient->data() + layout_.logitOffset());
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

std::vector<PermutationChoices>
roundPermutations(const BPLayout &layout, const std::vector<double> &theta) {
  std::vector<PermutationChoices> result(layout.blocks);
  if (layout.logits == BPLayout::Logits::Fixed)
    return result;
  for (int block = 0; block < layout.blocks; ++block) {
    auto kept = [&](int level, int choice) {
      return theta[layout.logitIndex(block, level, choice)] >= 0.0;
    };
    for (int level = 0; level < layout.levels(); ++level)
      result[block].levels.push_back(
          {kept(level, 0), kept(level, 1), kept(level, 2)});
    if (block == 0 && layout.extraPermutation)
      result[block].extra = LevelChoices{kept(-1, 0), kept(-1, 1), kept(-1, 2)};
  }
  return result;
}

PermutationTables tablesOf(const std::vector<PermutationChoices> &choices,
                           int64_t n) {
  PermutationTables tables;
  for (const PermutationChoices &choice : choices)
    tables.push_back(choice.table(n));
  return tables;
}

std::string describe(const std::vector<PermutationChoices> &choices) {
  std::string text;
  for (const PermutationChoices &choice : choices)
    text += (text.empty() ? "" : " | ") + choice.describe();
  return text;
}

Factorization
toFactorization(const BPLayout &layout, const std::vector<double> &theta,
                const std::vector<PermutationChoices> &permutations,
                ElementType type, bool realIO) {
  Factorization model;
  model.n = layout.n;
  model.type = type;
  model.realInput = model.realOutput = realIO;
  for (int block = 0; block < layout.blocks; ++block) {
    if (block < int(permutations.size()))
      for (Permutation &factor : permutations[block].factors(layout.n))
        model.factors.push_back(factor);
    for (int s : layout.stageOrder()) {
      Stage stage{int64_t{1} << s, {}};
      int64_t offset = layout.stageOffset(block, s);
      for (int64_t i = 0; i < 4 * layout.matrices(s); ++i)
        stage.twiddles.push_back(
            layout.complexTwiddles
                ? Complex(theta[offset + 2 * i], theta[offset + 2 * i + 1])
                : Complex(theta[offset + i]));
      model.factors.push_back(std::move(stage));
    }
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
                     std::vector<double> &theta, int steps,
                     const std::function<bool()> &stop) {
  constexpr size_t kMemory = 10;
  std::deque<std::vector<double>> ss, ys;
  std::vector<double> gradient;
  double loss = f(theta, &gradient);
  for (int iteration = 0; iteration < steps && !(stop && stop()); ++iteration) {
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
    for (int tries = 0; tries < 40 && !accepted && !(stop && stop());
         ++tries, step *= 0.5) {
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
