//===- RandomButterfly.h - random butterflies for tests ---------*- C++ -*-===//
//-*-===//
#ifndef BFLY_TEST_LEARN_RANDOMBUTTERFLY_H
#define BFLY_TEST_LEARN_RANDOMBUTTERFLY_H

#include "compiler/Learn/Factorization.h"

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

} // namespace bfly

#endif // BFLY_TEST_LEARN_RANDOMBUTTERFLY_H
