//===- KernelIO.cpp - Eigen vectors <-> a kernel's raw buffers ------------===//
#include "bench/KernelIO.h"

#include "bfly/kernel_abi.h"

#include <complex>
#include <cstring>
#include <random>

namespace bfly {

bool isComplexDtype(int32_t dtype) {
  return dtype == BFLY_DTYPE_COMPLEX_F32 || dtype == BFLY_DTYPE_COMPLEX_F64;
}

bool isSingleDtype(int32_t dtype) {
  return dtype == BFLY_DTYPE_F32 || dtype == BFLY_DTYPE_COMPLEX_F32;
}

std::vector<char> packColumns(const Eigen::MatrixXcd &x, int32_t dtype) {
  std::vector<double> scalars;
  for (int64_t b = 0; b < x.cols(); ++b)
    for (int64_t i = 0; i < x.rows(); ++i) {
      scalars.push_back(x(i, b).real());
      if (isComplexDtype(dtype))
        scalars.push_back(x(i, b).imag());
    }
  bool single = isSingleDtype(dtype);
  std::vector<char> bytes(scalars.size() * (single ? 4 : 8));
  for (size_t i = 0; i < scalars.size(); ++i) {
    if (single) {
      float v = static_cast<float>(scalars[i]);
      std::memcpy(bytes.data() + 4 * i, &v, 4);
    } else {
      std::memcpy(bytes.data() + 8 * i, &scalars[i], 8);
    }
  }
  return bytes;
}

Eigen::MatrixXcd unpackColumns(const std::vector<char> &bytes, int32_t dtype,
                               int64_t n, int64_t batch) {
  bool single = isSingleDtype(dtype);
  auto scalar = [&](int64_t i) {
    if (single) {
      float v;
      std::memcpy(&v, bytes.data() + 4 * i, 4);
      return double(v);
    }
    double v;
    std::memcpy(&v, bytes.data() + 8 * i, 8);
    return v;
  };
  int64_t width = isComplexDtype(dtype) ? 2 : 1;
  Eigen::MatrixXcd x(n, batch);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t i = 0; i < n; ++i) {
      int64_t at = width * (b * n + i);
      x(i, b) = {scalar(at), width == 2 ? scalar(at + 1) : 0.0};
    }
  return x;
}

Eigen::MatrixXcd randomColumns(int64_t n, int64_t batch, bool complex,
                               unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  Eigen::MatrixXcd x(n, batch);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t i = 0; i < n; ++i)
      x(i, b) = {normal(rng), complex ? normal(rng) : 0.0};
  return x;
}

} // namespace bfly
