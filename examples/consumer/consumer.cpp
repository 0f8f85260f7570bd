//===- consumer.cpp - bfly from an installed package ----------------------===//
//
// JIT-compiles a Hadamard transform written as bfly IR here, loads a DFT
// kernel made by bfly-compile, runs both through plans and checks them
// against the definitions computed here.
//
//   consumer DFT.so [CACHE_DIR]
//
//===----------------------------------------------------------------------===//
#include <bfly/jit.hpp>

#include <cmath>
#include <complex>
#include <cstdio>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

/// The Sylvester Hadamard transform of size n (unitary) as a bfly model:
/// log2(n) tied stages of [[s, s], [s, -s]], s = 1/sqrt(2).
std::string hadamardModel(int n) {
  std::ostringstream ir;
  ir.precision(17);
  double s = 1.0 / std::sqrt(2.0);
  ir << "bfly.transform @hadamard(%x: tensor<" << n << "xf64>) -> tensor<" << n
     << "xf64> {\n";
  std::string value = "%x";
  int index = 0;
  for (int h = 1; h < n; h *= 2, ++index) {
    ir << "  %" << index << " = bfly.stage " << value << " stride " << h
       << " twiddles dense<[";
    for (int j = 0; j < h; ++j)
      ir << (j ? ", " : "") << "[[" << s << ", " << s << "], [" << s << ", "
         << -s << "]]";
    ir << "]> : tensor<" << h << "x2x2xf64> : tensor<" << n << "xf64>\n";
    value = "%" + std::to_string(index);
  }
  ir << "  bfly.return " << value << " : tensor<" << n << "xf64>\n}\n";
  return ir.str();
}

int fail(const std::string &message) {
  std::fprintf(stderr, "consumer: error: %s\n", message.c_str());
  return 1;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2 || argc > 3)
    return fail("usage: consumer DFT.so [CACHE_DIR]");
  std::mt19937 rng(1);
  std::normal_distribution<double> normal;

  // Hadamard, JIT-compiled from IR text.
  const int n = 16, batch = 5;
  bfly::JitOptions options;
  if (argc == 3)
    options.cacheDir = argv[2];
  bfly::Jit jit = bfly::Jit::create(options);
  if (!jit)
    return fail(jit.error());
  bfly::Kernel hadamard = jit.compileText(hadamardModel(n));
  if (!hadamard)
    return fail(hadamard.error());
  std::vector<double> x(n * batch), y(n * batch);
  for (double &v : x)
    v = normal(rng);
  bfly::Plan plan = bfly::Plan::create(hadamard, 2);
  if (!plan || plan.execute(x.data(), y.data(),
                            bfly_layout_contiguous(n, batch)) != BFLY_OK)
    return fail(bfly_last_error());
  double worst = 0;
  for (int b = 0; b < batch; ++b)
    for (int j = 0; j < n; ++j) {
      double want = 0;
      for (int k = 0; k < n; ++k)
        want += (__builtin_popcount(j & k) % 2 ? -1 : 1) * x[b * n + k];
      want /= std::sqrt(double(n));
      worst = std::max(worst, std::abs(y[b * n + j] - want));
    }
  bfly::JitStats stats = jit.stats();
  std::printf("consumer: hadamard n=%d by the JIT (%s): max error %.1e %s\n", n,
              stats.cacheHits ? "cache hit" : "compiled", worst,
              worst < 1e-12 ? "ok" : "FAILED");
  if (worst >= 1e-12)
    return 1;

  // The DFT from a .so, in place with a column-major batch.
  bfly::Kernel dft = bfly::Kernel::load(argv[1]);
  if (!dft)
    return fail(dft.error());
  if (bfly_kernel_expect(dft.get(), dft.size(), BFLY_DTYPE_COMPLEX_F32,
                         BFLY_DTYPE_COMPLEX_F32) != BFLY_OK)
    return fail(bfly_last_error());
  const int m = int(dft.size());
  std::vector<std::complex<float>> data(m * batch), original;
  for (auto &v : data)
    v = {float(normal(rng)), float(normal(rng))};
  original = data;
  bfly_layout columns{batch, 1, batch, 1, batch}; // element i of b: b + i*batch
  bfly::Plan inPlace = bfly::Plan::create(dft, 1);
  if (!inPlace || inPlace.execute(data.data(), data.data(), columns) != BFLY_OK)
    return fail(bfly_last_error());
  worst = 0;
  const double pi = std::acos(-1.0);
  for (int b = 0; b < batch; ++b)
    for (int j = 0; j < m; ++j) {
      std::complex<double> want = 0;
      for (int k = 0; k < m; ++k)
        want += std::polar(1.0, -2 * pi * double(j) * k / m) *
                std::complex<double>(original[b + k * batch]);
      want /= std::sqrt(double(m));
      worst = std::max(
          worst, std::abs(std::complex<double>(data[b + j * batch]) - want));
    }
  std::printf("consumer: dft n=%d from %s: max error %.1e %s\n", m, argv[1],
              worst, worst < 1e-4 ? "ok" : "FAILED");
  return worst < 1e-4 ? 0 : 1;
}
