//===- GpuKernelTest.cpp - GPU kernels: PTX that ptxas takes, a loadable .so
//
// Without a GPU: every N = 2 .. 4096 and element type lowers to PTX that
// ptxas (where /usr/local/cuda/bin/ptxas or $BFLY_PTXAS exists) assembles
// for sm_90 with no spills and no static shared memory; the .so's
// descriptor is what gpu_kernel_abi.h says and its CPU kernel computes the
// same transform; the loader reports the missing driver. With a GPU (and
// a driver) the kernel is also run and checked against the dense matrix.
// What the kernels compute is checked without a GPU by GpuEmulationTest.
//
//===----------------------------------------------------------------------===//
#include "bfly/gpu.h"
#include "bfly/runtime.hpp"
#include "compiler/Driver/Compiler.h"
#include "compiler/Driver/Output.h"
#include "compiler/Import/FactorizationIR.h"
#include "compiler/Model/Factorization.h"
#include "compiler/Model/Targets.h"
#include "test/lib/TempDir.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <gtest/gtest.h>

#include <complex>
#include <cstdlib>
#include <dlfcn.h>
#include <random>
#include <regex>
#include <string>

namespace bfly {
namespace {

using test::TempDir;

/// ptxas, where the CUDA toolkit is installed; empty otherwise.
std::string findPtxas() {
  if (const char *env = std::getenv("BFLY_PTXAS"))
    return env;
  if (llvm::sys::fs::can_execute("/usr/local/cuda/bin/ptxas"))
    return "/usr/local/cuda/bin/ptxas";
  if (auto found = llvm::sys::findProgramByName("ptxas"))
    return *found;
  return "";
}

/// The model a GPU test compiles for `type` and `n`: the DFT for complex
/// types, the Hadamard transform for real ones.
Factorization modelFor(ElementType type, int64_t n) {
  if (type.field == Field::Complex)
    return Factorization::dft(n, false, Normalization::Unitary, type.precision);
  return Factorization::hadamard(n, type);
}

CompileOptions gpuOptions() {
  CompileOptions options;
  options.gpuArch = "sm_90";
  options.generator = "GpuKernelTest";
  return options;
}

struct PtxasReport {
  int spillStores = -1, spillLoads = -1, sharedBytes = -1, registers = -1;
};

PtxasReport runPtxas(const std::string &ptxas, const std::string &ptx,
                     const std::string &log) {
  std::string out = ptx + ".cubin";
  llvm::SmallVector<llvm::StringRef> args = {ptxas, "-arch=sm_90", "-v",
                                             ptx,   "-o",          out};
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, log, log};
  int status = llvm::sys::ExecuteAndWait(ptxas, args, std::nullopt, redirects);
  EXPECT_EQ(status, 0) << "ptxas failed on " << ptx;
  auto text = llvm::MemoryBuffer::getFile(log);
  PtxasReport report;
  if (!text)
    return report;
  std::string s = (*text)->getBuffer().str();
  std::smatch m;
  if (std::regex_search(
          s, m,
          std::regex(R"((\d+) bytes spill stores, (\d+) bytes spill loads)"))) {
    report.spillStores = std::stoi(m[1]);
    report.spillLoads = std::stoi(m[2]);
  }
  if (std::regex_search(s, m, std::regex(R"(Used (\d+) registers)")))
    report.registers = std::stoi(m[1]);
  report.sharedBytes = 0;
  if (std::regex_search(s, m, std::regex(R"((\d+) bytes smem)")))
    report.sharedBytes = std::stoi(m[1]);
  return report;
}

/// Every N = 2 .. 4096 (one launch) and 16384, 65536 (several launches
/// over tiles) and every element type: PTX, assembled by ptxas without
/// spills or static shared memory (the vectors live in dynamic shared
/// memory, declared `.extern .shared`), each launch's dynamic shared memory
/// within 48 KiB wherever it carries several vectors and within the
/// default 96 KiB limit always.
TEST(GpuKernelTest, EverySizeAndTypeAssemblesWithoutSpills) {
  std::string ptxas = findPtxas();
  TempDir dir;
  int assembled = 0, expected = 0;
  std::vector<int64_t> sizes;
  for (int64_t n = 2; n <= 4096; n *= 2)
    sizes.push_back(n);
  sizes.push_back(16384);
  sizes.push_back(65536);
  for (ElementType type : ElementType::all())
    for (int64_t n : sizes) {
      SCOPED_TRACE(type.str() + " n=" + std::to_string(n));
      ++expected;
      mlir::DialectRegistry registry;
      registerCompilerDialects(registry);
      mlir::MLIRContext context(registry);
      mlir::OwningOpRef<mlir::ModuleOp> model =
          factorizationToModule(context, modelFor(type, n));
      llvm::Expected<GpuKernelImage> image =
          compileGpuImage(*model, gpuOptions());
      ASSERT_TRUE(bool(image)) << llvm::toString(image.takeError());
      EXPECT_NE(image->ptx.find(".target sm_90"), std::string::npos);
      int64_t elementBytes = (type.field == Field::Complex ? 2 : 1) *
                             (type.precision == Precision::F32 ? 4 : 8);
      EXPECT_EQ(image->launches.size() > 1, n * elementBytes > 96 * 1024);
      for (const GpuLaunchImage &launch : image->launches) {
        EXPECT_NE(image->ptx.find(".entry " + launch.entry + "("),
                  std::string::npos);
        EXPECT_EQ(launch.blockThreads % launch.vectorsPerBlock, 0);
        EXPECT_LE(launch.sharedBytes, 96 * 1024);
        if (launch.vectorsPerBlock > 1) {
          EXPECT_LE(launch.sharedBytes, 48 * 1024);
        }
        if (launch.sharedBytes > 0) {
          EXPECT_NE(image->ptx.find(".extern .shared .align 16 .b8"),
                    std::string::npos);
        }
      }
      if (ptxas.empty())
        continue;
      std::string ptx = dir.file(type.str() + "-" + std::to_string(n) + ".ptx");
      ASSERT_FALSE(bool(writeOutput(ptx, image->ptx)));
      PtxasReport report = runPtxas(ptxas, ptx, dir.file("ptxas.log"));
      EXPECT_EQ(report.spillStores, 0);
      EXPECT_EQ(report.spillLoads, 0);
      EXPECT_EQ(report.sharedBytes, 0) << "static shared memory";
      EXPECT_GT(report.registers, 0);
      ++assembled;
    }
  if (ptxas.empty())
    GTEST_SKIP() << "PTX generated for every size and type; no ptxas "
                    "(/usr/local/cuda/bin/ptxas or $BFLY_PTXAS) to assemble it";
  EXPECT_EQ(assembled, expected);
}

/// A DFT-64 GPU kernel .so in `dir`.
std::string compileDft64(const TempDir &dir) {
  std::string so = dir.file("libdft64gpu.so");
  llvm::Error error = compileFactorization(modelFor({}, 64), gpuOptions(),
                                           EmitKind::Shared, so);
  EXPECT_FALSE(bool(error)) << llvm::toString(std::move(error));
  return so;
}

/// The .so holds the PTX and a descriptor as gpu_kernel_abi.h lays it out,
/// and the loader either loads it or names what is missing (here: the
/// driver), leaving no kernel behind.
TEST(GpuKernelTest, TheSharedObjectDescribesItsKernel) {
  TempDir dir;
  std::string so = compileDft64(dir);
  void *library = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(library, nullptr) << dlerror();
  auto query = reinterpret_cast<bfly_gpu_kernel_query_fn>(
      dlsym(library, BFLY_GPU_KERNEL_QUERY_SYMBOL));
  ASSERT_NE(query, nullptr);
  const bfly_gpu_kernel_descriptor *d = query();
  EXPECT_EQ(bfly_gpu_descriptor_check(d, so.c_str()), BFLY_OK)
      << bfly_last_error();
  EXPECT_EQ(d->abi_version, uint32_t(BFLY_GPU_KERNEL_ABI_VERSION));
  EXPECT_EQ(d->descriptor_size, sizeof(bfly_gpu_kernel_descriptor));
  EXPECT_EQ(d->n, 64);
  EXPECT_EQ(d->input_dtype, BFLY_DTYPE_COMPLEX_F32);
  EXPECT_EQ(d->output_dtype, BFLY_DTYPE_COMPLEX_F32);
  EXPECT_STREQ(d->isa, "ptx");
  EXPECT_STREQ(d->arch, "sm_90");
  ASSERT_EQ(d->launch_count, 1);
  EXPECT_EQ(d->in_place, 1);
  const bfly_gpu_launch &launch = d->launches[0];
  EXPECT_STREQ(launch.entry, "transform");
  EXPECT_GE(launch.block_threads, 32);
  EXPECT_EQ(launch.block_threads % launch.vectors_per_block, 0);
  EXPECT_GE(launch.shared_bytes, launch.vectors_per_block * 64 * 2 * 4);
  EXPECT_EQ(launch.tiles, 1);
  EXPECT_EQ(launch.reads_output, 0);
  EXPECT_EQ(int64_t(std::string(d->image).size()), d->image_size);
  EXPECT_NE(std::string(d->image).find(".entry transform("), std::string::npos);
  EXPECT_NE(std::string(d->provenance).find("compiler=GpuKernelTest"),
            std::string::npos);
  EXPECT_GT(d->flops, 0);
  dlclose(library);

  // Next to it, the CPU kernel of the same model, which the CPU loader
  // takes and which computes the DFT.
  Kernel cpu = Kernel::load(so);
  ASSERT_TRUE(cpu) << cpu.error();
  EXPECT_EQ(cpu.size(), 64);
  std::vector<std::complex<float>> x(64), y(64);
  x[3] = 1.0f;
  ASSERT_EQ(cpu.apply(x.data(), y.data(), 1), BFLY_OK) << bfly_last_error();
  Eigen::MatrixXcd dft = dftMatrix(64);
  for (int64_t i = 0; i < 64; ++i)
    EXPECT_NEAR(std::abs(std::complex<double>(y[i]) - dft(i, 3)), 0.0, 1e-6);

  bfly_gpu_kernel *kernel = nullptr;
  bfly_status status = bfly_gpu_kernel_load(so.c_str(), 0, &kernel);
  if (status == BFLY_OK) {
    bfly_gpu_kernel_free(kernel);
    return;
  }
  EXPECT_TRUE(status == BFLY_ERROR_NO_DRIVER || status == BFLY_ERROR_NO_DEVICE)
      << status << ": " << bfly_last_error();
  EXPECT_EQ(kernel, nullptr);
  std::string message = bfly_last_error();
  EXPECT_TRUE(message.find("NVIDIA driver") != std::string::npos ||
              message.find("GPU") != std::string::npos)
      << message;
}

/// On a GPU: the kernel applied to a batch matches the DFT matrix.
TEST(GpuKernelTest, RunsOnTheGpuAndMatchesTheDftMatrix) {
  TempDir dir;
  std::string so = compileDft64(dir);
  bfly_gpu_kernel *kernel = nullptr;
  bfly_status status = bfly_gpu_kernel_load(so.c_str(), 0, &kernel);
  if (status == BFLY_ERROR_NO_DRIVER || status == BFLY_ERROR_NO_DEVICE)
    GTEST_SKIP() << "no GPU here: " << bfly_last_error();
  ASSERT_EQ(status, BFLY_OK) << bfly_last_error();
  constexpr int64_t kBatch = 100;
  std::mt19937 rng(5);
  std::normal_distribution<float> normal;
  std::vector<std::complex<float>> x(64 * kBatch), y(x.size());
  for (auto &v : x)
    v = {normal(rng), normal(rng)};
  ASSERT_EQ(bfly_gpu_kernel_apply_host(kernel, x.data(), y.data(), kBatch),
            BFLY_OK)
      << bfly_last_error();
  Eigen::MatrixXcd dft = dftMatrix(64);
  double error = 0, norm = 0;
  for (int64_t b = 0; b < kBatch; ++b)
    for (int64_t i = 0; i < 64; ++i) {
      std::complex<double> want = 0;
      for (int64_t j = 0; j < 64; ++j)
        want += dft(i, j) * std::complex<double>(x[b * 64 + j]);
      error += std::norm(want - std::complex<double>(y[b * 64 + i]));
      norm += std::norm(want);
    }
  EXPECT_LE(std::sqrt(error / norm), 1e-5);
  bfly_gpu_kernel_free(kernel);
}

} // namespace
} // namespace bfly
