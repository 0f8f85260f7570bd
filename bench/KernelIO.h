//===- KernelIO.h - Eigen vectors <-> a kernel's raw buffers ----*- C++ -*-===//
#ifndef BFLY_BENCH_KERNELIO_H
#define BFLY_BENCH_KERNELIO_H

#include <Eigen/Dense>

#include <cstdint>
#include <vector>

namespace bfly {

/// True for the complex bfly_dtypes, and for the single-precision ones.
bool isComplexDtype(int32_t dtype);
bool isSingleDtype(int32_t dtype);

/// The columns of `x` as one contiguous buffer of `dtype` (complex numbers
/// interleaved; real dtypes keep the real parts).
std::vector<char> packColumns(const Eigen::MatrixXcd &x, int32_t dtype);

/// `batch` contiguous vectors of length n in `dtype`, as columns.
Eigen::MatrixXcd unpackColumns(const std::vector<char> &bytes, int32_t dtype,
                               int64_t n, int64_t batch);

/// Standard normal inputs (real ones have zero imaginary part).
Eigen::MatrixXcd randomColumns(int64_t n, int64_t batch, bool complex,
                               unsigned seed);

} // namespace bfly

#endif // BFLY_BENCH_KERNELIO_H
