//===- Targets.h - the dense matrices a model is fitted to ------*- C++ -*-===//
//
// Target matrices written straight from their textbook definitions. They
// share no code with the fast factorizations, so they are the references
// that models and compiled kernels are checked against.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_COMPILER_LEARN_TARGETS_H
#define BFLY_COMPILER_LEARN_TARGETS_H

#include "compiler/Learn/Factorization.h"

#include <Eigen/Dense>

#include <optional>
#include <string>

namespace bfly {

/// F[j][k] = exp(-+2 pi i jk / n), times 1/sqrt(n) when unitary.
Eigen::MatrixXcd dftMatrix(int64_t n, bool inverse = false,
                           Normalization norm = Normalization::Unitary);

/// H[j][k] = (-1)^popcount(j & k), times 1/sqrt(n) when unitary.
Eigen::MatrixXcd hadamardMatrix(int64_t n,
                                Normalization norm = Normalization::Unitary);

/// The unitary matrix of a named target ("dft", "idft", "hadamard"), or
/// nothing for an unknown name.
std::optional<Eigen::MatrixXcd> targetMatrix(const std::string &name,
                                             int64_t n);

} // namespace bfly

#endif // BFLY_COMPILER_LEARN_TARGETS_H
