//===- DenseProduct.h - the dense baseline, built for this CPU --*- C++ -*-===//
//
// y = M x with Eigen, the way a user would apply the matrix without bfly,
// compiled with -march=native. It lives in its own shared library with
// hidden symbols and no Eigen type in this header: code built for another
// ISA must not share Eigen's inline functions with the rest of bfly.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_BENCH_DENSEPRODUCT_H
#define BFLY_BENCH_DENSEPRODUCT_H

#include <complex>
#include <cstdint>
#include <memory>

namespace bfly {

class __attribute__((visibility("default"))) DenseProduct {
public:
  /// `matrix` is n x n, column-major; the product runs in `dtype`'s scalar
  /// type (a bfly_dtype) on `batch` columns.
  DenseProduct(const std::complex<double> *matrix, int64_t n, int32_t dtype,
               int64_t batch);
  ~DenseProduct();
  DenseProduct(const DenseProduct &) = delete;
  DenseProduct &operator=(const DenseProduct &) = delete;

  /// One product of the matrix with the batch.
  void run();

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace bfly

#endif // BFLY_BENCH_DENSEPRODUCT_H
