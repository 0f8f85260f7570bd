//===- GpuEmulationTest.cpp - GPU kernels checked here, without a GPU -----===//
//
// Every kernel convert-bfly-to-gpu makes runs through the GPU emulator
// (test/lib/GpuEmulator.h: blocks in turn, threads in turn between
// barriers, shared accesses checked for races) and its outputs are compared
// with dense products by matrices that share no code with the lowering: the
// textbook DFT and Hadamard matrices, and the model's own dense evaluator.
// What a GPU adds (timing, the memory model's reordering) is left to
// scripts/gpu-check.sh on a machine with one.
//
//===----------------------------------------------------------------------===//
#include "compiler/Driver/Compiler.h"
#include "compiler/Import/FactorizationIR.h"
#include "compiler/Model/Factorization.h"
#include "compiler/Model/Targets.h"
#include "compiler/Pipelines/GpuPipeline.h"
#include "dialect/IR/BflyDialect.h"
#include "test/Model/RandomButterfly.h"
#include "test/lib/GpuEmulator.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/TargetSelect.h"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <random>

namespace bfly {
namespace {

using Complex = std::complex<double>;

/// How the GPU pipeline is asked to build a kernel.
struct GpuChoice {
  unsigned maxRadix = 16;
  unsigned vectorsPerBlock = 0;
  unsigned maxSharedBytes = 96 * 1024;
};

/// A kernel made by the GPU pipeline, run by the emulator.
class EmulatedKernel {
public:
  /// Lowers `model`; `mutate` may change the gpu dialect kernel before it
  /// is emulated (to check the checker).
  static std::unique_ptr<EmulatedKernel>
  build(const Factorization &model, const GpuChoice &choice = {},
        std::function<void(mlir::ModuleOp)> mutate = {}) {
    auto kernel = std::unique_ptr<EmulatedKernel>(new EmulatedKernel());
    if (!kernel->compile(model, choice, mutate))
      return nullptr;
    return kernel;
  }

  /// Applies the kernel to the batch `x`, laid out with vectors `inDist`
  /// elements apart (outputs `outDist`); returns the racing accesses.
  int64_t apply(const std::vector<Eigen::VectorXcd> &x,
                std::vector<Eigen::VectorXcd> &y, int64_t inDist,
                int64_t outDist) const {
    int64_t batch = int64_t(x.size());
    int inWidth = complexIn ? 2 : 1, outWidth = complexOut ? 2 : 1;
    std::vector<double> in(size_t(batch * inDist * inWidth), 0.0);
    std::vector<double> out(size_t(batch * outDist * outWidth), 0.0);
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t i = 0; i < n; ++i) {
        in[size_t((b * inDist + i) * inWidth)] = x[b](i).real();
        if (complexIn)
          in[size_t((b * inDist + i) * inWidth + 1)] = x[b](i).imag();
      }
    int64_t races = 0;
    auto run = [&](auto *input, auto *output) {
      // As the runtime does: a later launch works in place on the output.
      for (const Launch &launch : launches) {
        int64_t more = -1;
        if (launch.readsOutput)
          launch.function(output, output, batch, outDist, outDist, &more);
        else
          launch.function(input, output, batch, inDist, outDist, &more);
        races += more;
      }
    };
    if (f32) {
      std::vector<float> in32(in.begin(), in.end()), out32(out.size());
      run(in32.data(), out32.data());
      out.assign(out32.begin(), out32.end());
    } else {
      run(in.data(), out.data());
    }
    y.assign(size_t(batch), Eigen::VectorXcd(n));
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t i = 0; i < n; ++i)
        y[b](i) =
            Complex(out[size_t((b * outDist + i) * outWidth)],
                    complexOut ? out[size_t((b * outDist + i) * 2 + 1)] : 0.0);
    return races;
  }

  int64_t vectorsPerBlock = 0, phases = 0;
  size_t launchCount() const { return launches.size(); }

private:
  struct Launch {
    std::string name;
    bool readsOutput = false;
    test::EmulatedKernelFn function = nullptr;
  };

  bool compile(const Factorization &model, const GpuChoice &choice,
               const std::function<void(mlir::ModuleOp)> &mutate) {
    static bool initialized = [] {
      llvm::InitializeNativeTarget();
      llvm::InitializeNativeTargetAsmPrinter();
      return true;
    }();
    (void)initialized;
    mlir::DialectRegistry registry;
    registerCompilerDialects(registry);
    context = std::make_unique<mlir::MLIRContext>(registry);
    mlir::OwningOpRef<mlir::ModuleOp> module =
        factorizationToModule(*context, model, "transform");
    if (!module) {
      ADD_FAILURE() << "the model does not import";
      return false;
    }
    n = model.n;
    f32 = model.type.precision == Precision::F32;
    complexIn = model.type.field == Field::Complex && !model.realInput;
    complexOut = model.type.field == Field::Complex && !model.realOutput;

    mlir::PassManager kernels(context.get());
    GpuPipelineOptions options;
    options.maxRadix = choice.maxRadix;
    options.vectorsPerBlock = choice.vectorsPerBlock;
    options.maxSharedBytes = choice.maxSharedBytes;
    buildGpuKernelPipeline(kernels, options);
    if (failed(kernels.run(*module))) {
      ADD_FAILURE() << "convert-bfly-to-gpu failed";
      return false;
    }
    module->walk([&](mlir::gpu::GPUFuncOp kernel) {
      auto launch = kernel->getAttrOfType<mlir::DictionaryAttr>(
          mlir::bfly::BflyDialect::kGpuLaunchAttr);
      auto integer = [&](llvm::StringRef key) {
        return mlir::cast<mlir::IntegerAttr>(launch.get(key)).getInt();
      };
      size_t index = size_t(integer("launch"));
      if (launches.size() <= index)
        launches.resize(index + 1);
      launches[index].name = kernel.getName().str();
      launches[index].readsOutput = integer("reads_output") != 0;
      vectorsPerBlock = std::max(vectorsPerBlock, integer("vectors_per_block"));
      phases += integer("phases");
    });
    if (mutate)
      mutate(*module);
    if (failed(test::emulateGpuKernels(*module, /*checkRaces=*/true))) {
      ADD_FAILURE() << "the emulator refused the kernel";
      return false;
    }
    mlir::PassManager lower(context.get());
    lower.addPass(mlir::createCanonicalizerPass());
    lower.addPass(mlir::createSCFToControlFlowPass());
    lower.addPass(mlir::createFinalizeMemRefToLLVMConversionPass());
    lower.addPass(mlir::createArithToLLVMConversionPass());
    lower.addPass(mlir::createConvertControlFlowToLLVMPass());
    lower.addPass(mlir::createConvertFuncToLLVMPass());
    lower.addPass(mlir::createReconcileUnrealizedCastsPass());
    if (failed(lower.run(*module))) {
      ADD_FAILURE() << "the emulation does not lower to LLVM";
      return false;
    }
    // The options refer to the transformer: it must outlive create().
    auto optimize = mlir::makeOptimizingTransformer(1, 0, nullptr);
    mlir::ExecutionEngineOptions engineOptions;
    engineOptions.transformer = optimize;
    auto created = mlir::ExecutionEngine::create(*module, engineOptions);
    if (!created) {
      ADD_FAILURE() << llvm::toString(created.takeError());
      return false;
    }
    engine = std::move(*created);
    for (Launch &launch : launches) {
      auto address = engine->lookup(launch.name);
      if (!address) {
        ADD_FAILURE() << llvm::toString(address.takeError());
        return false;
      }
      launch.function = reinterpret_cast<test::EmulatedKernelFn>(*address);
    }
    return true;
  }

  std::unique_ptr<mlir::MLIRContext> context;
  std::unique_ptr<mlir::ExecutionEngine> engine;
  std::vector<Launch> launches;
  int64_t n = 0;
  bool f32 = true, complexIn = true, complexOut = true;
};

/// Random inputs for `model`: complex where its input is.
std::vector<Eigen::VectorXcd> randomInputs(const Factorization &model,
                                           int64_t batch, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  bool complex = model.type.field == Field::Complex && !model.realInput;
  std::vector<Eigen::VectorXcd> x(size_t(batch), Eigen::VectorXcd(model.n));
  for (auto &v : x)
    for (int64_t i = 0; i < model.n; ++i)
      v(i) = Complex(normal(rng), complex ? normal(rng) : 0.0);
  return x;
}

/// y = M x by some reference.
using Reference = std::function<Eigen::VectorXcd(const Eigen::VectorXcd &)>;

Reference byMatrix(const Eigen::MatrixXcd &matrix) {
  return [matrix](const Eigen::VectorXcd &x) -> Eigen::VectorXcd {
    return matrix * x;
  };
}

/// ||y - M x|| / ||M x|| over the batch (real parts where the output is
/// real).
double relativeError(const Reference &reference, bool realOutput,
                     const std::vector<Eigen::VectorXcd> &x,
                     const std::vector<Eigen::VectorXcd> &y) {
  double error = 0, norm = 0;
  for (size_t b = 0; b < x.size(); ++b) {
    Eigen::VectorXcd want = reference(x[b]);
    if (realOutput)
      want = want.real().cast<Complex>();
    error += (y[b] - want).squaredNorm();
    norm += want.squaredNorm();
  }
  return std::sqrt(error / norm);
}

/// Round-off allowance: a unitary chain of log2(n) stages (as KernelTest).
double tolerance(Precision precision, int64_t n) {
  double eps = precision == Precision::F32 ? 6e-8 : 1.1e-16;
  return 4.0 * eps * std::log2(double(2 * n));
}

/// Runs `model`'s GPU kernel on a batch that ends in a partly filled block,
/// with distances that are not n, and checks it against `reference`.
void expectMatches(const Factorization &model, const Reference &reference,
                   double allowed, const GpuChoice &choice = {},
                   size_t launches = 1) {
  auto kernel = EmulatedKernel::build(model, choice);
  ASSERT_TRUE(kernel);
  EXPECT_EQ(kernel->launchCount(), launches);
  int64_t batch = 2 * kernel->vectorsPerBlock + 1;
  unsigned seed = unsigned(model.n * 7 + batch);
  std::vector<Eigen::VectorXcd> x = randomInputs(model, batch, seed), y;
  int64_t races = kernel->apply(x, y, model.n + 3, model.n + 1);
  EXPECT_EQ(races, 0) << "shared accesses racing between threads";
  EXPECT_LE(relativeError(reference,
                          model.realOutput || model.type.field == Field::Real,
                          x, y),
            allowed)
      << "seed " << seed << ", " << kernel->vectorsPerBlock
      << " vectors per block, " << kernel->phases << " phases";
}

//===----------------------------------------------------------------------===//
// Exact transforms: every size and element type
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
      if (type.field == Field::Complex)
        cases.push_back({"dft", type, n});
    }
  cases.push_back({"idft", {Field::Complex, Precision::F32}, 256});
  return cases;
}

void PrintTo(const ExactCase &c, std::ostream *os) {
  *os << c.transform << " n=" << c.n << " " << c.type.str();
}

class GpuExactKernelTest : public ::testing::TestWithParam<ExactCase> {};

TEST_P(GpuExactKernelTest, MatchesTheTextbookMatrix) {
  const ExactCase &c = GetParam();
  bool inverse = c.transform == "idft";
  Factorization model =
      c.transform == "hadamard"
          ? Factorization::hadamard(c.n, c.type)
          : Factorization::dft(c.n, inverse, Normalization::Unitary,
                               c.type.precision);
  Eigen::MatrixXcd reference =
      c.transform == "hadamard" ? hadamardMatrix(c.n) : dftMatrix(c.n, inverse);
  expectMatches(model, byMatrix(reference), tolerance(c.type.precision, c.n));
}

INSTANTIATE_TEST_SUITE_P(AllSizesAndTypes, GpuExactKernelTest,
                         ::testing::ValuesIn(exactCases()),
                         [](const ::testing::TestParamInfo<ExactCase> &info) {
                           std::string type = info.param.type.str();
                           std::string name = info.param.transform + "_" +
                                              std::to_string(info.param.n) +
                                              "_" + type;
                           for (char &ch : name)
                             if (!std::isalnum(static_cast<unsigned char>(ch)))
                               ch = '_';
                           return name;
                         });

//===----------------------------------------------------------------------===//
// Any chain: untied stages of both stride orders, permutations (named,
// explicit, mid-chain), diagonals, real input and output of a complex chain
//===----------------------------------------------------------------------===//

TEST(GpuEmulationTest, RandomChainsMatchTheirDenseMatrix) {
  unsigned seed = 0;
  for (int64_t n : {2, 4, 8, 16, 32, 128, 512, 2048})
    for (ElementType type : ElementType::all())
      for (bool realIO : {false, true}) {
        if (realIO && type.field == Field::Real)
          continue;
        SCOPED_TRACE("n=" + std::to_string(n) + " " + type.str() +
                     (realIO ? " real in/out" : ""));
        Factorization model = randomModel(n, type, realIO, ++seed);
        expectMatches(model, byMatrix(model.toDense()),
                      8 * tolerance(type.precision, n));
      }
}

TEST(GpuEmulationTest, GenericButterfliesMatchTheirDenseMatrix) {
  for (int64_t n : {4, 64, 1024})
    for (ElementType type : ElementType::all()) {
      SCOPED_TRACE("n=" + std::to_string(n) + " " + type.str());
      Factorization model = Factorization::random(n, type, 7);
      expectMatches(model, byMatrix(model.toDense()),
                    8 * tolerance(type.precision, n));
    }
}

/// Every fusion radix and several block shapes compute the same transform.
TEST(GpuEmulationTest, EveryRadixAndBlockShape) {
  Factorization model =
      Factorization::dft(1024, false, Normalization::Unitary, Precision::F32);
  Eigen::MatrixXcd reference = dftMatrix(1024);
  for (unsigned radix : {2u, 4u, 8u, 16u})
    for (unsigned vectors : {0u, 1u, 2u}) {
      SCOPED_TRACE("max-radix=" + std::to_string(radix) +
                   " vectors-per-block=" + std::to_string(vectors));
      expectMatches(model, byMatrix(reference), tolerance(Precision::F32, 1024),
                    {radix, vectors});
    }
}

/// Vectors longer than a block holds run in several launches over tiles:
/// forced here with a small shared memory limit (2 KiB: tiles of 128 to 512
/// elements, so 2 or 3 launches at n = 1024 and 4096), and at n = 16384
/// with the default limit.
TEST(GpuEmulationTest, SeveralPassesMatchTheirReference) {
  GpuChoice small;
  small.maxSharedBytes = 2048;
  for (ElementType type : ElementType::all())
    for (int64_t n : {1024, 4096}) {
      SCOPED_TRACE("n=" + std::to_string(n) + " " + type.str());
      Factorization dft =
          type.field == Field::Complex
              ? Factorization::dft(n, false, Normalization::Unitary,
                                   type.precision)
              : Factorization::hadamard(n, type);
      Eigen::MatrixXcd matrix =
          type.field == Field::Complex ? dftMatrix(n) : hadamardMatrix(n);
      auto kernel = EmulatedKernel::build(dft, small);
      ASSERT_TRUE(kernel);
      EXPECT_GE(kernel->launchCount(), 2u);
      std::vector<Eigen::VectorXcd> x = randomInputs(dft, 3, unsigned(n)), y;
      EXPECT_EQ(kernel->apply(x, y, n + 2, n + 4), 0);
      EXPECT_LE(
          relativeError(byMatrix(matrix), type.field == Field::Real, x, y),
          tolerance(type.precision, n));
      Factorization generic = Factorization::random(n, type, 3);
      auto random = EmulatedKernel::build(generic, small);
      ASSERT_TRUE(random);
      EXPECT_GE(random->launchCount(), 2u);
      x = randomInputs(generic, 3, unsigned(n) + 1);
      EXPECT_EQ(random->apply(x, y, n, n), 0);
      EXPECT_LE(relativeError(
                    [&](const Eigen::VectorXcd &v) { return generic.apply(v); },
                    type.field == Field::Real, x, y),
                8 * tolerance(type.precision, n));
    }
  Factorization big =
      Factorization::dft(16384, false, Normalization::Unitary, Precision::F32);
  auto kernel = EmulatedKernel::build(big);
  ASSERT_TRUE(kernel);
  EXPECT_EQ(kernel->launchCount(), 2u);
  std::vector<Eigen::VectorXcd> x = randomInputs(big, 2, 5), y;
  EXPECT_EQ(kernel->apply(x, y, 16384, 16384), 0);
  EXPECT_LE(
      relativeError([&](const Eigen::VectorXcd &v) { return big.apply(v); },
                    false, x, y),
      tolerance(Precision::F32, 16384));
}

/// The checker itself: without its barriers a kernel's threads read
/// elements other threads write in the same segment, and it says so.
TEST(GpuEmulationTest, TheRaceCheckerSeesAMissingBarrier) {
  Factorization model =
      Factorization::dft(256, false, Normalization::Unitary, Precision::F32);
  auto kernel = EmulatedKernel::build(model, {}, [](mlir::ModuleOp module) {
    llvm::SmallVector<mlir::gpu::BarrierOp> barriers;
    module->walk([&](mlir::gpu::BarrierOp op) { barriers.push_back(op); });
    ASSERT_FALSE(barriers.empty());
    for (mlir::gpu::BarrierOp op : barriers)
      op.erase();
  });
  ASSERT_TRUE(kernel);
  std::vector<Eigen::VectorXcd> x = randomInputs(model, 3, 1), y;
  EXPECT_GT(kernel->apply(x, y, 256, 256), 0);
}

} // namespace
} // namespace bfly
