//===- RandomButterfly.h - random butterflies for tests ---------*- C++ -*-===//
//-*-===//
#ifndef BFLY_TEST_MODEL_RANDOMBUTTERFLY_H
#define BFLY_TEST_MODEL_RANDOMBUTTERFLY_H

#include "compiler/Model/Factorization.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace bfly {

/// Random untied complex<f64> stages, strides 1 to n/2, no permutation: a
/// butterfly whose real part is not one. Stages with stride >= `realFrom`
/// get real twiddles.
inline Factorization randomButterfly(int64_t n, unsigned seed,
                                     int64_t realFrom = INT64_MAX) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  Factorization model;
  model.n = n;
  model.type = {Field::Complex, Precision::F64};
  for (int64_t h = 1; h < n; h *= 2) {
    Stage stage{h, {}};
    for (int64_t i = 0; i < 2 * n; ++i)
      stage.twiddles.emplace_back(normal(rng),
                                  h >= realFrom ? 0.0 : normal(rng));
    model.factors.push_back(stage);
  }
  return model;
}

/// Untied random stages of both stride orders, named and explicit
/// permutations, diagonals; optionally real in and out of a complex chain.
inline Factorization randomModel(int64_t n, ElementType type, bool realIO,
                                 unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  auto number = [&] {
    return Complex(normal(rng),
                   type.field == Field::Complex ? normal(rng) : 0.0) /
           std::sqrt(2.0);
  };
  Factorization model;
  model.n = n;
  model.type = type;
  model.realInput = model.realOutput = realIO;
  model.factors.push_back(
      Permutation{NamedPermutation::EvenOdd, n / 2 < 2 ? n : n / 2, {}});
  for (int64_t h = n / 2; h >= 1; h /= 2) {
    Stage stage{h, {}};
    for (int64_t i = 0; i < 2 * n; ++i)
      stage.twiddles.push_back(number());
    model.factors.push_back(stage);
  }
  std::vector<int64_t> shuffle(n);
  for (int64_t i = 0; i < n; ++i)
    shuffle[i] = i;
  std::shuffle(shuffle.begin(), shuffle.end(), rng);
  model.factors.push_back(Permutation{std::nullopt, 0, shuffle});
  Diagonal diag;
  for (int64_t i = 0; i < n; ++i)
    diag.values.push_back(number());
  model.factors.push_back(diag);
  model.factors.push_back(Stage{1, {1.0, 0.5, -0.5, 1.0}});
  model.factors.push_back(
      Permutation{NamedPermutation::ReverseFirstHalf, n, {}});
  model.roundToPrecision();
  return model;
}

} // namespace bfly

#endif // BFLY_TEST_MODEL_RANDOMBUTTERFLY_H
