//===- learn_and_jit.cpp - learn a transform, compile it, run it ----------===//
//
// bfly end to end inside one program: the DCT-II matrix is built here from
// its definition, bfly's learner finds a butterfly model of it (BPP, complex
// twiddles, the closed form), the JIT compiles the model for this CPU, and
// the kernel transforms a batch of signals, checked against the dense
// product with the matrix and timed next to it.
//
//   learn-and-jit [N]      (N a power of two, default 256)
//
//===----------------------------------------------------------------------===//
#include "compiler/Jit/FactorizationJit.h"
#include "compiler/Learn/Fit.h"
#include "compiler/Model/Targets.h"

#include <Eigen/Dense>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace {

/// The orthonormal DCT-II: C[j][k] = s_j cos(pi (2k + 1) j / 2n).
Eigen::MatrixXd dct2(int n) {
  Eigen::MatrixXd c(n, n);
  const double pi = std::acos(-1.0);
  for (int j = 0; j < n; ++j)
    for (int k = 0; k < n; ++k)
      c(j, k) = std::sqrt((j == 0 ? 1.0 : 2.0) / n) *
                std::cos(pi * (2 * k + 1) * j / (2.0 * n));
  return c;
}

template <typename F> double secondsPerCall(F call, int calls) {
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i)
    call();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
             .count() /
         calls;
}

} // namespace

int main(int argc, char **argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 256;
  if (n < 4 || (n & (n - 1))) {
    std::fprintf(stderr, "learn-and-jit: error: N must be a power of two of "
                         "at least 4\n");
    return 2;
  }
  // 1. Learn: a model of the matrix alone (the learner sees no name).
  bfly::Target target{"user-matrix", dct2(n).cast<std::complex<double>>(),
                      /*real=*/true};
  bfly::FitOptions fit;
  fit.modelClass = "bpp";
  fit.allowGradient = false;
  bfly::FitResult learned = bfly::fitAuto(target, fit);
  if (learned.model.factors.empty()) {
    std::fprintf(stderr, "learn-and-jit: error: no model: %s\n",
                 learned.failure.c_str());
    return 1;
  }
  std::printf("learned  DCT-II n=%d: %s, rmse %s in %.2f s\n", n,
              learned.method.c_str(), bfly::formatRmse(learned.rmse).c_str(),
              learned.seconds);

  // 2. Compile in process.
  auto start = std::chrono::steady_clock::now();
  bfly::Jit jit = bfly::Jit::create();
  bfly::Kernel kernel = jitCompile(jit, learned.model);
  if (!kernel) {
    std::fprintf(stderr, "learn-and-jit: error: %s\n", kernel.error().c_str());
    return 1;
  }
  std::printf(
      "compiled by the JIT in %.0f ms: %s -> %s, %lld flops\n",
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
              .count() *
          1e3,
      bfly_dtype_name(kernel.descriptor().input_dtype),
      bfly_dtype_name(kernel.descriptor().output_dtype),
      (long long)kernel.descriptor().flops);

  // 3. Apply to a batch of signals and check against the dense product.
  const int batch = 64;
  Eigen::MatrixXf signals = Eigen::MatrixXf::Random(n, batch);
  Eigen::MatrixXf out(n, batch);
  bfly::Plan plan = bfly::Plan::create(kernel, 1);
  if (plan.execute(signals.data(), out.data(),
                   bfly_layout_contiguous(n, batch)) != BFLY_OK) {
    std::fprintf(stderr, "learn-and-jit: error: %s\n", bfly_last_error());
    return 1;
  }
  Eigen::MatrixXd want = dct2(n) * signals.cast<double>();
  double error = (out.cast<double>() - want).norm() / want.norm();
  Eigen::MatrixXf dense = dct2(n).cast<float>(), product(n, batch);
  double kernelSeconds = secondsPerCall(
      [&] {
        plan.execute(signals.data(), out.data(),
                     bfly_layout_contiguous(n, batch));
      },
      200);
  double denseSeconds =
      secondsPerCall([&] { product.noalias() = dense * signals; }, 200);
  std::printf("applied  to %d signals: relative error %.1e (%s); %.3f us "
              "per signal, dense product %.3f us (%.1fx)\n",
              batch, error, error < 1e-5 ? "ok" : "FAILED",
              kernelSeconds / batch * 1e6, denseSeconds / batch * 1e6,
              denseSeconds / kernelSeconds);
  return error < 1e-5 ? 0 : 1;
}
