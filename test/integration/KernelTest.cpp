//===- KernelTest.cpp - compiled kernels against dense references ---------===//
//
// Compiles models in process to .so files, loads them through the runtime
// and checks their outputs on random batches against dense products with
// matrices that share no code with the compiler: the textbook DFT and
// Hadamard matrices, and the model's own dense evaluator.
//
//===----------------------------------------------------------------------===//
#include "bench/Benchmark.h"
#include "bench/KernelIO.h"
#include "bfly/runtime.hpp"
#include "compiler/Driver/Compiler.h"
#include "compiler/Model/Factorization.h"
#include "compiler/Model/Targets.h"
#include "test/Model/RandomButterfly.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <memory>
#include <pthread.h>
#include <random>

namespace bfly {
namespace {

constexpr int64_t kBatch = 3;

/// A fresh temporary folder, removed with its kernels at exit.
class KernelDir {
public:
  KernelDir() {
    llvm::SmallString<128> path;
    EXPECT_FALSE(
        llvm::sys::fs::createUniqueDirectory("bfly-kernel-test", path));
    dir_ = std::string(path);
  }
  ~KernelDir() { llvm::sys::fs::remove_directories(dir_); }
  std::string path(const std::string &name) const { return dir_ + "/" + name; }

private:
  std::string dir_;
};

/// How a kernel is lowered: scalar loops, or SIMD of some width with
/// stages fused up to some radix.
struct LoweringChoice {
  Lowering kind = Lowering::Vector;
  unsigned vectorBits = 0;
  unsigned maxRadix = 8;
  unsigned blockBytes = CompileOptions().blockBytes;
};

/// The default (SIMD as wide as this CPU has), and every other lowering
/// and fusion radix: a vector width wider than the CPU's is legalized by
/// LLVM, so all of them run everywhere.
std::vector<LoweringChoice> allLowerings() {
  return {{Lowering::Vector, 0, 8},
          {Lowering::Loops, 0, 8},
          {Lowering::Vector, 128, 2},
          {Lowering::Vector, 256, 16},
          {Lowering::Vector, 512, 4}};
}

std::string describe(const LoweringChoice &lowering) {
  std::string text = lowering.kind == Lowering::Loops ? "loops" : "vector";
  if (lowering.vectorBits)
    text += "-" + std::to_string(lowering.vectorBits);
  return text + " max-radix=" + std::to_string(lowering.maxRadix);
}

Kernel compile(const Factorization &model, const std::string &path,
               const LoweringChoice &lowering = {}) {
  CompileOptions options;
  options.generator = "KernelTest";
  options.lowering = lowering.kind;
  options.vectorBits = lowering.vectorBits;
  options.maxRadix = lowering.maxRadix;
  options.blockBytes = lowering.blockBytes;
  if (llvm::Error error =
          compileFactorization(model, options, EmitKind::Shared, path)) {
    ADD_FAILURE() << llvm::toString(std::move(error));
    return Kernel();
  }
  Kernel kernel = Kernel::load(path);
  EXPECT_TRUE(kernel) << kernel.error();
  return kernel;
}

/// ||y - y_ref|| / ||y_ref|| for the kernel applied to random inputs.
double relativeError(const Kernel &kernel, const Eigen::MatrixXcd &reference,
                     unsigned seed) {
  return measureAccuracy(kernel, reference, kBatch, seed).relativeError;
}

/// Round-off allowance: a unitary chain of log2(n) stages in this precision.
double tolerance(Precision precision, int64_t n) {
  double eps = precision == Precision::F32 ? 6e-8 : 1.1e-16;
  return 4.0 * eps * std::log2(double(2 * n));
}

//===----------------------------------------------------------------------===//
// Exact transforms for every size and element type
//===----------------------------------------------------------------------===//

struct ExactCase {
  std::string transform; // dft, idft, hadamard
  ElementType type;
  int64_t n;
};

std::vector<ExactCase> exactCases() {
  std::vector<ExactCase> cases;
  for (int64_t n = 2; n <= 4096; n *= 2)
    for (ElementType type : ElementType::all()) {
      cases.push_back({"hadamard", type, n});
      if (type.field == Field::Complex) {
        cases.push_back({"dft", type, n});
        cases.push_back({"idft", type, n});
      }
    }
  return cases;
}

void PrintTo(const ExactCase &c, std::ostream *os) {
  *os << c.transform << " n=" << c.n << " " << c.type.str();
}

class ExactKernelTest : public ::testing::TestWithParam<ExactCase> {};

TEST_P(ExactKernelTest, MatchesTheTextbookMatrix) {
  const ExactCase &c = GetParam();
  KernelDir dir;
  bool inverse = c.transform == "idft";
  Factorization model =
      c.transform == "hadamard"
          ? Factorization::hadamard(c.n, c.type)
          : Factorization::dft(c.n, inverse, Normalization::Unitary,
                               c.type.precision);
  Kernel kernel = compile(model, dir.path("kernel.so"));
  ASSERT_TRUE(kernel);
  EXPECT_EQ(kernel.size(), c.n);
  Eigen::MatrixXcd reference =
      c.transform == "hadamard" ? hadamardMatrix(c.n) : dftMatrix(c.n, inverse);
  unsigned seed = unsigned(c.n) * 31 + unsigned(c.transform.size());
  EXPECT_LE(relativeError(kernel, reference, seed),
            tolerance(c.type.precision, c.n))
      << "seed " << seed;
}

INSTANTIATE_TEST_SUITE_P(AllSizesAndTypes, ExactKernelTest,
                         ::testing::ValuesIn(exactCases()),
                         [](const ::testing::TestParamInfo<ExactCase> &info) {
                           std::string type = info.param.type.str();
                           std::string name = info.param.transform + "_" +
                                              std::to_string(info.param.n);
                           for (char ch : type)
                             if (std::isalnum(static_cast<unsigned char>(ch)))
                               name += ch;
                           return name + "_" + (type.size() > 3 ? "c" : "r");
                         });

//===----------------------------------------------------------------------===//
// General models: every factor kind, against the model's dense evaluator
//===----------------------------------------------------------------------===//

TEST(GeneralKernelTest, EveryFactorKindMatchesTheDenseEvaluator) {
  KernelDir dir;
  unsigned seed = 11;
  for (const LoweringChoice &lowering : allLowerings())
    for (int64_t n : {2, 4, 16, 256})
      for (ElementType type : ElementType::all())
        for (bool realIO : {false, true}) {
          if (realIO && type.field == Field::Real)
            continue;
          Factorization model = randomModel(n, type, realIO, ++seed);
          ASSERT_FALSE(model.validate()) << *model.validate();
          Kernel kernel =
              compile(model, dir.path(std::to_string(seed) + ".so"), lowering);
          ASSERT_TRUE(kernel);
          // Random untied stages are not unitary: allow for their growth.
          EXPECT_LE(relativeError(kernel, model.toDense(), seed),
                    8 * tolerance(type.precision, n))
              << describe(lowering) << " " << type.str() << " n=" << n
              << " realIO=" << realIO << " seed=" << seed;
        }
}

/// Tied stages (the exact DFT's and Hadamard's), whose twiddles the vector
/// lowering folds into constants and constant vectors, under every
/// lowering and at sizes on both sides of each vector width.
TEST(GeneralKernelTest, TiedTransformsMatchTheTextbookUnderEveryLowering) {
  KernelDir dir;
  for (const LoweringChoice &lowering : allLowerings())
    for (int64_t n : {2, 8, 32, 64, 512}) {
      Factorization dft =
          Factorization::dft(n, false, Normalization::Unitary, Precision::F32);
      Kernel kernel = compile(dft, dir.path("dft.so"), lowering);
      ASSERT_TRUE(kernel);
      EXPECT_LE(relativeError(kernel, dftMatrix(n, false), 3),
                tolerance(Precision::F32, n))
          << describe(lowering) << " n=" << n;
      Factorization hadamard =
          Factorization::hadamard(n, {Field::Real, Precision::F64});
      kernel = compile(hadamard, dir.path("hadamard.so"), lowering);
      ASSERT_TRUE(kernel);
      EXPECT_LE(relativeError(kernel, hadamardMatrix(n), 4),
                tolerance(Precision::F64, n))
          << describe(lowering) << " n=" << n;
    }
}

/// A kernel for AVX-512 CPUs (x86-64-v4) records the features it needs
/// and, where the CPU has them, computes the transform.
TEST(GeneralKernelTest, Avx512KernelsRunWhereTheCpuHasAvx512) {
  if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512bw"))
    GTEST_SKIP() << "this CPU has no AVX-512 (F, BW)";
  KernelDir dir;
  CompileOptions options;
  options.cpu = "x86-64-v4";
  options.vectorBits = 512;
  Factorization dft =
      Factorization::dft(1024, false, Normalization::Unitary, Precision::F32);
  ASSERT_FALSE(bool(compileFactorization(dft, options, EmitKind::Shared,
                                         dir.path("dft512.so"))));
  Kernel kernel = Kernel::load(dir.path("dft512.so"));
  ASSERT_TRUE(kernel) << kernel.error();
  EXPECT_NE(std::string(kernel.descriptor().cpu_features).find("avx512f"),
            std::string::npos);
  EXPECT_LE(relativeError(kernel, dftMatrix(1024, false), 5),
            tolerance(Precision::F32, 1024));
}

/// A kernel compiled for a newer CPU uses only the extensions the loader
/// can check (BFLY_KERNEL_CPU_FEATURES), so here it either runs and is
/// right or is refused with BFLY_ERROR_CPU; never SIGILL. (A DFT-1024 for
/// diamondrapids once used APX registers and died on an AVX-512 EPYC.)
TEST(GeneralKernelTest, KernelsForNewerCpusRunHereOrAreRefused) {
  KernelDir dir;
  Factorization dft =
      Factorization::dft(1024, false, Normalization::Unitary, Precision::F32);
  std::vector<std::string> known;
  for (llvm::StringRef feature :
       llvm::split(llvm::StringRef(BFLY_KERNEL_CPU_FEATURES), ','))
    known.push_back(feature.str());
  for (const char *cpu : {"diamondrapids", "graniterapids", "sapphirerapids",
                          "znver5", "arrowlake", "x86-64-v4", "x86-64-v2"}) {
    SCOPED_TRACE(cpu);
    CompileOptions options;
    options.cpu = cpu;
    std::string path = dir.path(std::string(cpu) + ".so");
    ASSERT_FALSE(
        bool(compileFactorization(dft, options, EmitKind::Shared, path)));
    bfly_kernel *raw = nullptr;
    bfly_status status = bfly_kernel_load(path.c_str(), &raw);
    if (status != BFLY_OK) {
      EXPECT_EQ(status, BFLY_ERROR_CPU) << bfly_last_error();
      continue;
    }
    const bfly_kernel_descriptor *d = bfly_kernel_describe(raw);
    EXPECT_STREQ(d->cpu, cpu);
    for (llvm::StringRef feature :
         llvm::split(llvm::StringRef(d->cpu_features), ','))
      EXPECT_TRUE(llvm::is_contained(known, feature.str())) << feature.str();
    bfly_kernel_free(raw);
    Kernel kernel = Kernel::load(path);
    ASSERT_TRUE(kernel) << kernel.error();
    EXPECT_LE(relativeError(kernel, dftMatrix(1024, false), 3),
              tolerance(Precision::F32, 1024));
  }
}

/// The fast Walsh-Hadamard transform, unitary, written here as the
/// reference for sizes too large for a dense matrix.
std::vector<double> walshHadamard(std::vector<double> x) {
  for (size_t h = 1; h < x.size(); h *= 2)
    for (size_t i = 0; i < x.size(); i += 2 * h)
      for (size_t j = i; j < i + h; ++j) {
        double a = x[j], b = x[j + h];
        x[j] = (a + b) / std::sqrt(2.0);
        x[j + h] = (a - b) / std::sqrt(2.0);
      }
  return x;
}

/// Kernels whose scratch exceeds BFLY_KERNEL_MAX_STACK_BYTES keep it on the
/// heap: Hadamard f64 at n = 2^18 and f32 at 2^19 (16 and 8 MiB of scratch)
/// run on a thread with a 1 MiB stack and are right. (They once died of
/// SIGSEGV under the default 8 MiB stack.)
TEST(GeneralKernelTest, LargeKernelsKeepTheirScratchOffTheStack) {
  KernelDir dir;
  struct Case {
    Precision precision;
    int64_t n;
  };
  for (Case c : {Case{Precision::F64, int64_t(1) << 18},
                 Case{Precision::F32, int64_t(1) << 19}}) {
    SCOPED_TRACE(c.n);
    Factorization model =
        Factorization::hadamard(c.n, ElementType{Field::Real, c.precision});
    std::string path = dir.path("hadamard.so");
    ASSERT_FALSE(bool(
        compileFactorization(model, CompileOptions(), EmitKind::Shared, path)));
    Kernel kernel = Kernel::load(path);
    ASSERT_TRUE(kernel) << kernel.error();
    std::mt19937 rng(3);
    std::normal_distribution<double> normal;
    std::vector<double> x(size_t(c.n));
    for (double &v : x)
      v = normal(rng);
    std::vector<double> y64(x.size());
    std::vector<float> x32(x.begin(), x.end()), y32(x.size());
    bool f64 = c.precision == Precision::F64;
    bfly_status status = BFLY_ERROR_INVALID_ARGUMENT;
    auto apply = [&] {
      status = f64 ? kernel.apply(x.data(), y64.data())
                   : kernel.apply(x32.data(), y32.data());
    };
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setstacksize(&attributes, 1 << 20);
    pthread_t thread;
    ASSERT_EQ(pthread_create(
                  &thread, &attributes,
                  [](void *call) -> void * {
                    (*static_cast<decltype(apply) *>(call))();
                    return nullptr;
                  },
                  &apply),
              0);
    pthread_join(thread, nullptr);
    pthread_attr_destroy(&attributes);
    ASSERT_EQ(status, BFLY_OK);
    if (!f64)
      y64.assign(y32.begin(), y32.end());
    std::vector<double> reference =
        walshHadamard(f64 ? x : std::vector<double>(x32.begin(), x32.end()));
    double error = 0, norm = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      error += (y64[i] - reference[i]) * (y64[i] - reference[i]);
      norm += reference[i] * reference[i];
    }
    EXPECT_LE(std::sqrt(error / norm), tolerance(c.precision, c.n));
  }
}

/// DFTs too large for a dense reference against FFTW's in double
/// precision: sizes whose bit reversal reads its source in order (4 MiB
/// and more: complex f32 at 2^19, f64 at 2^18) and one that scatters its
/// reads (2^16), all split into phases.
TEST(GeneralKernelTest, LargeDftsMatchFftw) {
  KernelDir dir;
  struct Case {
    Precision precision;
    int64_t n;
  };
  for (Case c : {Case{Precision::F32, int64_t(1) << 16},
                 Case{Precision::F32, int64_t(1) << 19},
                 Case{Precision::F64, int64_t(1) << 18}}) {
    SCOPED_TRACE(c.n);
    Kernel kernel = compile(
        Factorization::dft(c.n, false, Normalization::Unitary, c.precision),
        dir.path("dft.so"));
    ASSERT_TRUE(kernel);
    EXPECT_GT(kernel.descriptor().phases, 0);
    Accuracy accuracy = measureDftAccuracy(kernel, /*inverse=*/false, 2, 5);
    EXPECT_LE(accuracy.relativeError, tolerance(c.precision, c.n));
  }
}

/// Cache blocking reorders the passes' loops, never an element's
/// arithmetic: blocked kernels (blocks forced small, so that every size
/// here has several) give the unblocked kernels' bits, for every factor
/// kind and element type and both stride orders.
TEST(GeneralKernelTest, CacheBlockingGivesTheSameBits) {
  KernelDir dir;
  unsigned seed = 40;
  for (int64_t n : {256, 2048})
    for (ElementType type : ElementType::all())
      for (bool decreasing : {false, true}) {
        Factorization model =
            type.field == Field::Complex && !decreasing
                ? Factorization::dft(n, false, Normalization::Unitary,
                                     type.precision)
                : randomModel(n, type, false, ++seed);
        if (decreasing)
          std::reverse(model.factors.begin(), model.factors.end());
        ASSERT_FALSE(model.validate()) << *model.validate();
        std::vector<char> bits[2];
        Eigen::MatrixXcd x =
            randomColumns(n, 3, type.field == Field::Complex, seed);
        std::vector<char> in = packColumns(x, loopDtypes(model)[1]);
        for (int blocked : {0, 1}) {
          LoweringChoice lowering;
          lowering.vectorBits = 256;
          lowering.blockBytes = blocked ? 2048 : 0;
          Kernel kernel = compile(model,
                                  dir.path(std::to_string(seed) + "-" +
                                           std::to_string(blocked) + ".so"),
                                  lowering);
          ASSERT_TRUE(kernel);
          bits[blocked].resize(
              in.size() / bfly_dtype_size(kernel.descriptor().input_dtype) *
              bfly_dtype_size(kernel.descriptor().output_dtype));
          ASSERT_EQ(kernel.apply(in.data(), bits[blocked].data(), 3), BFLY_OK);
        }
        EXPECT_EQ(bits[0], bits[1])
            << type.str() << " n=" << n << " decreasing=" << decreasing;
        Eigen::MatrixXcd y = unpackColumns(bits[1], loopDtypes(model)[2], n, 3);
        Eigen::MatrixXcd want = model.toDense() * x;
        EXPECT_LE((y - want).norm() / want.norm(),
                  8 * tolerance(type.precision, n))
            << type.str() << " n=" << n << " decreasing=" << decreasing;
      }
}

/// A plan computes the transform for a column-major batch (element i of
/// vector b at b + i * batch) and gives the same bits on any number of
/// threads.
TEST(GeneralKernelTest, PlansGiveTheSameBitsOnAnyNumberOfThreads) {
  KernelDir dir;
  int64_t n = 1024, batch = 131; // enough work for plans to split it
  Factorization dft =
      Factorization::dft(n, false, Normalization::Unitary, Precision::F32);
  Kernel kernel = compile(dft, dir.path("dft.so"));
  ASSERT_TRUE(kernel);
  Eigen::MatrixXcd x = randomColumns(n, batch, true, 9);
  // Columns of x become the strided vectors: the transpose, row by row.
  std::vector<char> in = packColumns(x.transpose(), BFLY_DTYPE_COMPLEX_F32);
  bfly_layout columns{batch, 1, batch, n, 1};
  std::vector<char> first;
  for (int threads : {1, 2, 3, 0}) {
    Plan plan = Plan::create(kernel, threads);
    ASSERT_TRUE(plan) << plan.error();
    std::vector<char> out(in.size());
    ASSERT_EQ(plan.execute(in.data(), out.data(), columns), BFLY_OK)
        << bfly_last_error();
    if (first.empty()) {
      first = out;
      Eigen::MatrixXcd y = unpackColumns(out, BFLY_DTYPE_COMPLEX_F32, n, batch);
      Eigen::MatrixXcd want = dftMatrix(n, false) * x;
      EXPECT_LE((y - want).norm() / want.norm(), tolerance(Precision::F32, n));
    }
    EXPECT_EQ(out, first) << threads << " threads";
  }
}

/// Splitting one vector across threads (kernel_abi.h's phases) shares out
/// the iterations of each sweep, never an element's arithmetic: the phases
/// run by hand in any number of parts, in any order within a phase, and
/// plans with more threads than vectors give apply()'s bits, which are the
/// transform's.
TEST(GeneralKernelTest, SplitVectorsGiveTheBitsOfWholeOnes) {
  KernelDir dir;
  struct Case {
    std::string what;
    Factorization model;
    bool viaPlans; // enough work per vector for plans to split it
    std::function<std::complex<double>(int64_t, int64_t)> entry; // (k, j)
  };
  auto dftEntry = [](int64_t n) {
    return [n](int64_t k, int64_t j) {
      return std::polar(1 / std::sqrt(double(n)),
                        -2 * M_PI * double((j * k) % n) / double(n));
    };
  };
  auto hadamardEntry = [](int64_t n) {
    return [n](int64_t k, int64_t j) {
      double sign = __builtin_popcountll(uint64_t(j & k)) % 2 ? -1.0 : 1.0;
      return std::complex<double>(sign / std::sqrt(double(n)));
    };
  };
  int64_t large = int64_t(1) << 16, larger = int64_t(1) << 18;
  // Edges: a real-input DFT (its spectrum pass a phase of its own) and a
  // padded, truncated random chain.
  Factorization padded =
      randomModel(int64_t(1) << 14, ElementType{Field::Complex, Precision::F64},
                  /*realIO=*/false, 13);
  padded.paddedFrom = 10000;
  padded.truncatedTo = 7000;
  auto rfftEntry = [](int64_t n) {
    return [n](int64_t k, int64_t j) {
      return std::polar(1.0, -2 * M_PI * double((j * k) % n) / double(n));
    };
  };
  std::vector<Case> cases = {
      {"rfft f32", Factorization::rfft(int64_t(1) << 17, Precision::F32), true,
       rfftEntry(int64_t(1) << 17)},
      // Its values are EdgeKernelTest's (against FFTW's c2r); here, bits.
      {"irfft f64", Factorization::irfft(int64_t(1) << 16, Precision::F64),
       true, nullptr},
      {"padded and truncated c64", padded, false, nullptr},
      {"dft c32",
       Factorization::dft(large, false, Normalization::Unitary, Precision::F32),
       true, dftEntry(large)},
      {"hadamard f64",
       Factorization::hadamard(larger,
                               ElementType{Field::Real, Precision::F64}),
       true, hadamardEntry(larger)},
      // Gathered permutations, diagonals, real input and output.
      {"random real-io c32",
       randomModel(int64_t(1) << 14,
                   ElementType{Field::Complex, Precision::F32},
                   /*realIO=*/true, 12),
       false, nullptr}};
  for (const Case &c : cases) {
    SCOPED_TRACE(c.what);
    int64_t batch = 2;
    Kernel kernel = compile(c.model, dir.path("split.so"));
    ASSERT_TRUE(kernel);
    const bfly_kernel_descriptor &d = kernel.descriptor();
    ASSERT_GT(d.phases, 1);
    ASSERT_NE(d.apply_phase, nullptr);
    int64_t n = d.n, m = d.output_n;
    Eigen::MatrixXcd x =
        randomColumns(n, batch, d.input_dtype >= BFLY_DTYPE_COMPLEX_F32, 21);
    std::vector<char> in = packColumns(x, d.input_dtype);
    size_t inBytes = n * bfly_dtype_size(d.input_dtype);
    size_t outBytes = m * bfly_dtype_size(d.output_dtype);
    std::vector<char> whole(batch * outBytes);
    ASSERT_EQ(kernel.apply(in.data(), whole.data(), batch), BFLY_OK);
    // The runtime's apply (phase by phase, through its thread's scratch for
    // heap-scratch kernels) and the kernel's own (its own scratch) agree.
    std::vector<char> own(whole.size());
    d.apply(in.data(), own.data(), batch, n, m);
    EXPECT_EQ(own, whole);

    std::unique_ptr<void, decltype(&std::free)> scratch(
        std::aligned_alloc(64, (d.phase_scratch_bytes + 63) / 64 * 64),
        &std::free);
    for (int64_t parts : {1, 3, 7}) {
      std::vector<char> split(whole.size());
      for (int64_t b = 0; b < batch; ++b)
        for (int64_t phase = 0; phase < d.phases; ++phase)
          for (int64_t part = parts - 1; part >= 0; --part)
            d.apply_phase(in.data() + b * inBytes, split.data() + b * outBytes,
                          scratch.get(), phase, part, parts);
      EXPECT_EQ(split, whole) << parts << " parts";
    }
    if (c.viaPlans) {
      for (int threads : {2, 3}) {
        Plan plan = Plan::create(kernel, threads);
        std::vector<char> out(whole.size());
        ASSERT_EQ(plan.execute(in.data(), out.data(),
                               bfly_kernel_layout(kernel.get(), threads - 1)),
                  BFLY_OK);
        out.resize((threads - 1) * outBytes);
        EXPECT_TRUE(std::equal(out.begin(), out.end(), whole.begin()))
            << threads << " threads";
      }
      if (inBytes == outBytes && d.input_dtype == d.output_dtype) {
        std::vector<char> inPlace = in; // same types: in place is allowed
        Plan plan = Plan::create(kernel, 2);
        ASSERT_EQ(plan.execute(inPlace.data(), inPlace.data(),
                               bfly_layout_contiguous(n, 1)),
                  BFLY_OK);
        inPlace.resize(outBytes);
        EXPECT_TRUE(std::equal(inPlace.begin(), inPlace.end(), whole.begin()));
      }
    }

    if (c.model.spectrum == RealSpectrum::Backward)
      continue;
    // A few outputs against the textbook matrix's rows, or the model's
    // own evaluator for the random chain.
    Eigen::MatrixXcd y = unpackColumns(whole, d.output_dtype, m, batch);
    Eigen::VectorXcd evaluated;
    if (!c.entry) // the chain's map on the input padded to its length
      evaluated = c.model.apply((Eigen::VectorXcd(c.model.n) << x.col(0),
                                 Eigen::VectorXcd::Zero(c.model.n - n))
                                    .finished());
    for (int64_t k : {int64_t(0), int64_t(1), int64_t(7), m / 2 + 3, m - 1}) {
      std::complex<double> want = 0;
      if (c.entry)
        for (int64_t j = 0; j < n; ++j)
          want += c.entry(k, j) * x(j, 0);
      else
        want = evaluated(k);
      EXPECT_LE(std::abs(y(k, 0) - want),
                8 * tolerance(c.model.type.precision, n) * x.col(0).norm())
          << "output " << k;
    }
  }
}

//===----------------------------------------------------------------------===//
// Edges: caller's lengths that differ from the chain's
//===----------------------------------------------------------------------===//

/// r2c against FFTW's in double precision, for chains short enough to be
/// one pass and long enough to be blocked or split into phases, under the
/// SIMD and the scalar lowering.
TEST(EdgeKernelTest, RealInputDftsMatchFftw) {
  KernelDir dir;
  for (Precision precision : {Precision::F32, Precision::F64})
    for (int64_t n : {4, 8, 32, 1024, 65536})
      for (Lowering kind : {Lowering::Vector, Lowering::Loops}) {
        if (kind == Lowering::Loops && n > 1024)
          continue;
        for (bool inverse : {false, true}) {
          Factorization model = inverse ? Factorization::irfft(n, precision)
                                        : Factorization::rfft(n, precision);
          LoweringChoice lowering;
          lowering.kind = kind;
          Kernel kernel = compile(model, dir.path("r.so"), lowering);
          ASSERT_TRUE(kernel);
          EXPECT_EQ(kernel.size(), inverse ? n / 2 + 1 : n);
          EXPECT_EQ(kernel.outputSize(), inverse ? n : n / 2 + 1);
          Accuracy accuracy =
              measureRealDftAccuracy(kernel, inverse, kBatch, unsigned(n));
          EXPECT_LE(accuracy.relativeError, tolerance(precision, n))
              << (inverse ? "c2r" : "r2c") << " n=" << n << " "
              << (precision == Precision::F32 ? "f32" : "f64") << " "
              << (kind == Lowering::Loops ? "loops" : "vector");
        }
      }
}

/// The r2c kernel's bins are the first n/2 + 1 rows of the textbook DFT
/// matrix (a reference that is not FFTW).
TEST(EdgeKernelTest, RealInputDftIsTheTopOfTheTextbookMatrix) {
  KernelDir dir;
  for (int64_t n : {4, 16, 512}) {
    Kernel kernel =
        compile(Factorization::rfft(n, Precision::F64), dir.path("r.so"));
    ASSERT_TRUE(kernel);
    Eigen::MatrixXcd rows =
        dftMatrix(n, false, Normalization::None).topRows(n / 2 + 1);
    EXPECT_LE(relativeError(kernel, rows, 5), tolerance(Precision::F64, n))
        << "n=" << n;
  }
}

/// bfly-compile --op=inverse of r2c and c2r: numpy's irfft (c2r / n) and
/// n times numpy's rfft, on spectra of real signals made by the textbook
/// matrix.
TEST(EdgeKernelTest, InversesOfRealInputDftsUndoThem) {
  KernelDir dir;
  const int64_t n = 64, bins = n / 2 + 1;
  Eigen::MatrixXcd rows =
      dftMatrix(n, false, Normalization::None).topRows(bins);
  Eigen::MatrixXcd x = randomColumns(n, kBatch, false, 9);
  Eigen::MatrixXcd spectra = rows * x;
  for (bool forward : {true, false}) {
    CompileOptions options;
    options.generator = "KernelTest";
    options.op = mlir::bfly::TransformAlgebra::Inverse;
    std::string path = dir.path(forward ? "irfft.so" : "rfft.so");
    Factorization model = forward ? Factorization::rfft(n, Precision::F64)
                                  : Factorization::irfft(n, Precision::F64);
    ASSERT_FALSE(compileFactorization(model, options, EmitKind::Shared, path));
    Kernel kernel = Kernel::load(path);
    ASSERT_TRUE(kernel) << kernel.error();
    // rfft's inverse takes the spectra back to the signals; c2r's inverse
    // (c2r being n irfft) takes the signals to the spectra over n.
    const Eigen::MatrixXcd &in = forward ? spectra : x;
    Eigen::MatrixXcd expected = forward ? x : Eigen::MatrixXcd(spectra / n);
    std::vector<char> bytes = packColumns(in, kernel.descriptor().input_dtype);
    std::vector<char> out(expected.size() *
                          bfly_dtype_size(kernel.descriptor().output_dtype));
    ASSERT_EQ(kernel.apply(bytes.data(), out.data(), kBatch), BFLY_OK);
    Eigen::MatrixXcd got = unpackColumns(out, kernel.descriptor().output_dtype,
                                         expected.rows(), kBatch);
    EXPECT_LE((got - expected).norm() / expected.norm(), 1e-13)
        << (forward ? "inverse of rfft" : "inverse of irfft");
  }
}

/// Padded and truncated random chains (a rectangular map: the model's
/// matrix's top-left corner), real or complex, under every lowering.
TEST(EdgeKernelTest, RectangularMapsMatchTheCornerOfTheDenseEvaluator) {
  KernelDir dir;
  unsigned seed = 70;
  for (const LoweringChoice &lowering : allLowerings())
    for (int64_t n : {4, 64, 256})
      for (ElementType type : ElementType::all())
        for (bool realIO : {false, true}) {
          if (realIO && type.field == Field::Real)
            continue;
          Factorization model = randomModel(n, type, realIO, ++seed);
          model.paddedFrom = n - 1 - int64_t(seed % (n / 2));
          model.truncatedTo = seed % 2 ? 0 : n / 2 + 1;
          ASSERT_FALSE(model.validate()) << *model.validate();
          Kernel kernel = compile(model, dir.path("m.so"), lowering);
          ASSERT_TRUE(kernel);
          EXPECT_EQ(kernel.size(), model.paddedFrom);
          EXPECT_EQ(kernel.outputSize(), model.outputLength());
          Eigen::MatrixXcd corner = model.toDense().topLeftCorner(
              model.outputLength(), model.inputLength());
          EXPECT_LE(relativeError(kernel, corner, seed),
                    8 * tolerance(type.precision, n))
              << describe(lowering) << " " << type.str() << " n=" << n
              << " realIO=" << realIO << " seed=" << seed;
        }
}

/// A plan runs an r2c kernel on strided batches and on threads with the
/// bits of contiguous single calls; in place is refused (the lengths
/// differ).
TEST(EdgeKernelTest, PlansRunRealInputKernelsOnAnyLayout) {
  KernelDir dir;
  const int64_t n = 256, bins = n / 2 + 1, batch = 5;
  Kernel kernel = compile(Factorization::rfft(n), dir.path("r.so"));
  ASSERT_TRUE(kernel);
  std::vector<float> in(n * batch);
  std::mt19937 rng(3);
  std::normal_distribution<float> normal;
  for (float &v : in)
    v = normal(rng);
  std::vector<float> single(2 * bins * batch);
  ASSERT_EQ(kernel.apply(in.data(), single.data(), batch), BFLY_OK);
  // The same vectors with element stride 2 in, 3 out.
  std::vector<float> strided(2 * n * batch);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t i = 0; i < n; ++i)
      strided[b * 2 * n + 2 * i] = in[b * n + i];
  for (int threads : {1, 2}) {
    Plan plan = Plan::create(kernel, threads);
    ASSERT_TRUE(plan) << plan.error();
    std::vector<float> out(2 * 3 * bins * batch, -1.0f);
    bfly_layout layout = {batch, 2 * n, 2, 3 * bins, 3};
    ASSERT_EQ(plan.execute(strided.data(), out.data(), layout), BFLY_OK)
        << bfly_last_error();
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t k = 0; k < bins; ++k)
        for (int part = 0; part < 2; ++part)
          ASSERT_EQ(out[2 * (b * 3 * bins + 3 * k) + part],
                    single[2 * (b * bins + k) + part])
              << "threads " << threads << " vector " << b << " bin " << k;
    std::vector<float> contiguous(2 * bins * batch);
    ASSERT_EQ(plan.execute(in.data(), contiguous.data(),
                           bfly_kernel_layout(kernel.get(), batch)),
              BFLY_OK);
    EXPECT_EQ(contiguous, single);
    bfly_layout same = bfly_kernel_layout(kernel.get(), 1);
    EXPECT_EQ(plan.execute(in.data(), in.data(), same), BFLY_ERROR_OVERLAP);
    EXPECT_NE(std::string(bfly_last_error()).find("lengths"),
              std::string::npos);
  }
}

TEST(GeneralKernelTest, StridedAndInPlaceBatchesMatchSingleCalls) {
  KernelDir dir;
  Factorization model =
      Factorization::dft(64, false, Normalization::Unitary, Precision::F64);
  Kernel kernel = compile(model, dir.path("dft.so"));
  ASSERT_TRUE(kernel);
  Eigen::MatrixXcd x = randomColumns(64, 4, true, 5);
  std::vector<char> packed = packColumns(x, BFLY_DTYPE_COMPLEX_F64);
  auto *data = reinterpret_cast<const std::complex<double> *>(packed.data());

  std::vector<std::complex<double>> single(64 * 4);
  for (int b = 0; b < 4; ++b)
    ASSERT_EQ(kernel.apply(data + 64 * b, single.data() + 64 * b, 1), BFLY_OK);

  // Every other vector of an 8-vector buffer, into a gapped output.
  std::vector<std::complex<double>> spread(64 * 8), out(100 * 4);
  for (int b = 0; b < 4; ++b)
    std::copy(data + 64 * b, data + 64 * (b + 1), spread.begin() + 128 * b);
  ASSERT_EQ(kernel.apply(spread.data(), 128, out.data(), 100, 4), BFLY_OK);
  for (int b = 0; b < 4; ++b)
    for (int i = 0; i < 64; ++i)
      EXPECT_EQ(out[100 * b + i], single[64 * b + i]);

  // In place: the output buffer is the input buffer.
  std::vector<std::complex<double>> inPlace(data, data + 64 * 4);
  ASSERT_EQ(kernel.apply(inPlace.data(), inPlace.data(), 4), BFLY_OK);
  EXPECT_EQ(inPlace, single);
}

TEST(GeneralKernelTest, PermutationOnlyModelsWorkInPlace) {
  KernelDir dir;
  Factorization model;
  model.n = 8;
  model.type = {Field::Real, Precision::F32};
  model.factors.push_back(Permutation{NamedPermutation::BitReverse, 8, {}});
  Kernel kernel = compile(model, dir.path("perm.so"));
  ASSERT_TRUE(kernel);
  std::vector<float> data = {0, 1, 2, 3, 4, 5, 6, 7};
  ASSERT_EQ(kernel.apply(data.data(), data.data(), 1), BFLY_OK);
  EXPECT_EQ(data, (std::vector<float>{0, 4, 2, 6, 1, 5, 3, 7}));
}

} // namespace
} // namespace bfly
