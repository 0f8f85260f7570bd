//===- JitTest.cpp - in-process compilation and its cache -----------------===//
//
// JIT kernels against the textbook matrices (Targets), the cache's hits,
// rebuilds of damaged or foreign entries, bad input, compiling while other
// threads run kernels, and PTX compiled in memory.
//
//===----------------------------------------------------------------------===//
#include "compiler/Jit/FactorizationJit.h"

#include "bench/Benchmark.h"
#include "bench/KernelIO.h"
#include "compiler/Model/Factorization.h"
#include "compiler/Model/Targets.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace bfly {
namespace {

/// A fresh temporary folder, removed at exit.
class TempDir {
public:
  TempDir() {
    llvm::SmallString<128> path;
    EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("bfly-jit-test", path));
    path_ = std::string(path);
  }
  ~TempDir() { llvm::sys::fs::remove_directories(path_); }
  const std::string &path() const { return path_; }
  std::string file(const std::string &name) const { return path_ + "/" + name; }
  /// The files in the folder, by name.
  std::vector<std::string> files() const {
    std::vector<std::string> names;
    std::error_code ec;
    for (llvm::sys::fs::directory_iterator it(path_, ec), end; it != end && !ec;
         it.increment(ec))
      names.push_back(std::string(llvm::sys::path::filename(it->path())));
    std::sort(names.begin(), names.end());
    return names;
  }

private:
  std::string path_;
};

double relativeError(const Kernel &kernel, const Eigen::MatrixXcd &matrix) {
  return measureAccuracy(kernel, matrix, 4, 7).relativeError;
}

Factorization hadamard(int64_t n) {
  return Factorization::hadamard(n, {Field::Real, Precision::F32});
}

const char *kHadamard4 = R"(
  // A comment and odd spacing: the cache key hashes the parsed model.
  bfly.transform @h4(%x: tensor<4xf32>) -> tensor<4xf32> {
    %0 = bfly.stage %x stride 1 twiddles dense<[[[0.5, 0.5], [0.5, -0.5]]]> : tensor<1x2x2xf32> : tensor<4xf32>
    %1 = bfly.stage %0 stride 2 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]], [[1.0, 1.0], [1.0, -1.0]]]> : tensor<2x2x2xf32> : tensor<4xf32>
    bfly.return %1 : tensor<4xf32>
  }
)";

TEST(JitTest, CompilesTextAndModelsInMemoryIntoKernels) {
  Jit jit = Jit::create();
  ASSERT_TRUE(jit) << jit.error();
  Kernel text = jit.compileText(kHadamard4);
  ASSERT_TRUE(text) << text.error();
  EXPECT_EQ(text.size(), 4);
  EXPECT_STREQ(text.descriptor().name, "h4");
  EXPECT_EQ(text.descriptor().input_dtype, BFLY_DTYPE_F32);
  EXPECT_LE(relativeError(text, hadamardMatrix(4)), 1e-6);

  Kernel dft =
      jitCompile(jit, Factorization::dft(256, false, Normalization::Unitary,
                                         Precision::F64));
  ASSERT_TRUE(dft) << dft.error();
  EXPECT_EQ(dft.descriptor().input_dtype, BFLY_DTYPE_COMPLEX_F64);
  EXPECT_NE(std::string(dft.descriptor().provenance).find("bfly-jit"),
            std::string::npos);
  EXPECT_LE(relativeError(dft, dftMatrix(256, false)), 1e-14);
  // A JIT kernel works with plans like a loaded one.
  Plan plan = Plan::create(dft, 2);
  ASSERT_TRUE(plan);
  std::vector<double> in(2 * 256 * 3, 1.0), out(in.size());
  EXPECT_EQ(plan.execute(in.data(), out.data(), bfly_layout_contiguous(256, 3)),
            BFLY_OK);
  EXPECT_NEAR(out[0], 16.0, 1e-12); // sqrt(256) * 1 at frequency 0
  EXPECT_EQ(jit.stats().compiled, 2);
}

TEST(JitTest, TheSecondCompileOfAModelIsACacheLookup) {
  TempDir cache;
  Jit jit = Jit::create({cache.path()});
  ASSERT_TRUE(jit) << jit.error();
  Kernel first = jitCompile(jit, hadamard(64));
  ASSERT_TRUE(first) << first.error();
  EXPECT_EQ(jit.stats().compiled, 1);
  ASSERT_EQ(cache.files().size(), 2u); // key.so, key.so.sha256
  // Another Jit on the same folder (another process, later) finds it.
  Jit again = Jit::create({cache.path()});
  Kernel second = jitCompile(again, hadamard(64));
  ASSERT_TRUE(second) << second.error();
  EXPECT_EQ(again.stats().cacheHits, 1);
  EXPECT_EQ(again.stats().compiled, 0);
  EXPECT_LE(relativeError(second, hadamardMatrix(64)), 1e-6);
  // The same model as text with other spacing: the same entry.
  Kernel text = again.compileText(kHadamard4);
  Kernel textAgain = again.compileText(std::string(kHadamard4) + "\n\n");
  ASSERT_TRUE(textAgain);
  EXPECT_EQ(again.stats().cacheHits, 2);
  // Other options are another key.
  Jit narrow = Jit::create({cache.path(), 128, 2});
  ASSERT_TRUE(jitCompile(narrow, hadamard(64)));
  EXPECT_EQ(narrow.stats().compiled, 1);
}

TEST(JitTest, DamagedOrForeignCacheEntriesAreRebuiltNeverTrusted) {
  TempDir cache;
  Jit jit = Jit::create({cache.path()});
  ASSERT_TRUE(jitCompile(jit, hadamard(32)));
  ASSERT_TRUE(jitCompile(jit, hadamard(16)));
  std::vector<std::string> files = cache.files();
  ASSERT_EQ(files.size(), 4u);
  std::string entry32, entry16;
  for (const std::string &name : files)
    if (llvm::StringRef(name).ends_with(".so"))
      (entry32.empty() ? entry32 : entry16) = cache.file(name);
  // Which is which: load them.
  if (Kernel::load(entry32).size() != 32)
    std::swap(entry32, entry16);

  // Truncated: the checksum no longer matches, dlopen never sees it.
  {
    std::ofstream damage(entry32, std::ios::trunc | std::ios::binary);
    damage << "\x7f"
              "ELF garbage";
  }
  {
    Kernel rebuilt = jitCompile(jit, hadamard(32));
    ASSERT_TRUE(rebuilt) << rebuilt.error();
    EXPECT_LE(relativeError(rebuilt, hadamardMatrix(32)), 1e-6);
    EXPECT_EQ(jit.stats().rebuilt, 1);
  }

  // Another kernel put in its place with a matching checksum: its
  // provenance names another key, so it is rebuilt too. (Replaced by a
  // rename, as the cache itself writes: overwriting a loaded .so in place
  // would break whoever has it mapped.)
  ASSERT_FALSE(llvm::sys::fs::copy_file(entry16, entry32 + ".new"));
  ASSERT_FALSE(llvm::sys::fs::rename(entry32 + ".new", entry32));
  ASSERT_FALSE(
      llvm::sys::fs::copy_file(entry16 + ".sha256", entry32 + ".sha256"));
  {
    Kernel again = jitCompile(jit, hadamard(32));
    ASSERT_TRUE(again);
    EXPECT_EQ(again.size(), 32);
    EXPECT_EQ(jit.stats().rebuilt, 2);
    EXPECT_EQ(cache.files().size(), 4u);
  } // unloaded: dlopen would hand back a loaded path as it is

  // A kernel without provenance and a matching checksum: the loader refuses
  // it, so it is rebuilt (reading its provenance once aborted the process).
  std::string fixture =
      std::string(std::getenv("BFLY_TEST_FIXTURES")) + "/null_provenance.so";
  ASSERT_FALSE(llvm::sys::fs::copy_file(fixture, entry32 + ".new"));
  ASSERT_FALSE(llvm::sys::fs::rename(entry32 + ".new", entry32));
  auto bytes = llvm::MemoryBuffer::getFile(entry32, /*IsText=*/false);
  ASSERT_TRUE(bool(bytes));
  {
    std::ofstream sum(entry32 + ".sha256", std::ios::trunc);
    sum << llvm::toHex(
        llvm::SHA256::hash(llvm::arrayRefFromStringRef((*bytes)->getBuffer())),
        /*LowerCase=*/true);
  }
  Kernel third = jitCompile(jit, hadamard(32));
  ASSERT_TRUE(third) << third.error();
  EXPECT_LE(relativeError(third, hadamardMatrix(32)), 1e-6);
  EXPECT_EQ(jit.stats().rebuilt, 3);
}

TEST(JitTest, BadInputGetsAStatusAndAMessageAndNoCacheEntry) {
  TempDir cache;
  Jit jit = Jit::create({cache.path()});
  // Fails to parse.
  Kernel broken = jit.compileText("bfly.transform @f(");
  EXPECT_FALSE(broken);
  EXPECT_EQ(broken.status(), BFLY_ERROR_COMPILE);
  EXPECT_NE(broken.error().find("reading the model '<model text>' failed"),
            std::string::npos)
      << broken.error();
  // Parses, fails to verify: the verifier's words come back.
  Kernel invalid = jit.compileText(R"(
    bfly.transform @f(%x: tensor<6xf32>) -> tensor<6xf32> {
      %y = bfly.stage %x stride 1 twiddles dense<1.0> : tensor<3x2x2xf32> : tensor<6xf32>
      bfly.return %y : tensor<6xf32>
    })");
  EXPECT_EQ(invalid.status(), BFLY_ERROR_COMPILE);
  EXPECT_NE(invalid.error().find("length must be a power of two"),
            std::string::npos)
      << invalid.error();
  Kernel missing = jit.compileFile(cache.file("no-such-model.mlir"));
  EXPECT_EQ(missing.status(), BFLY_ERROR_OPEN);
  Factorization bad = hadamard(8);
  bad.n = 6;
  EXPECT_EQ(jitCompile(jit, bad).status(), BFLY_ERROR_COMPILE);
  EXPECT_TRUE(cache.files().empty());

  // A cache folder under a regular file cannot exist.
  std::ofstream(cache.file("plain-file")) << "x";
  Jit unwritable = Jit::create({cache.file("plain-file") + "/cache"});
  EXPECT_FALSE(unwritable);
  EXPECT_EQ(unwritable.status(), BFLY_ERROR_CACHE);
  EXPECT_NE(unwritable.error().find("cannot be written"), std::string::npos);
  EXPECT_EQ(jitCompile(unwritable, hadamard(8)).status(), BFLY_ERROR_CACHE);
}

/// Tuned mode: the code generator's variants timed once; the tuned kernel
/// and the choice (wisdom.txt) are cached, so the second compile is a
/// lookup; the kernel is the transform.
TEST(JitTest, TunedKernelsAreCachedWithTheirChoice) {
  TempDir cache;
  JitOptions options;
  options.cacheDir = cache.path();
  options.tune = true;
  Jit jit = Jit::create(options);
  Kernel first = jitCompile(jit, hadamard(256));
  ASSERT_TRUE(first) << first.error();
  EXPECT_LE(relativeError(first, hadamardMatrix(256)), 1e-6);
  EXPECT_TRUE(llvm::sys::fs::exists(cache.file("wisdom.txt")));
  Kernel second = jitCompile(jit, hadamard(256));
  ASSERT_TRUE(second) << second.error();
  EXPECT_EQ(jit.stats().compiled, 1);
  EXPECT_EQ(jit.stats().cacheHits, 1);
  // Untuned kernels of the same model are other cache entries.
  Jit plain = Jit::create({cache.path()});
  ASSERT_TRUE(jitCompile(plain, hadamard(256)));
  EXPECT_EQ(plain.stats().cacheHits, 0);
  // In memory, tuning runs every time.
  JitOptions memory;
  memory.tune = true;
  Jit inMemory = Jit::create(memory);
  Kernel tuned = jitCompile(inMemory, hadamard(64));
  ASSERT_TRUE(tuned) << tuned.error();
  EXPECT_LE(relativeError(tuned, hadamardMatrix(64)), 1e-6);
}

/// The JIT compiles a model's inverse (or adjoint, transpose) on request,
/// and refuses an op it does not know.
TEST(JitTest, CompilesAModelsInverse) {
  JitOptions options;
  options.op = "inverse";
  Jit jit = Jit::create(options);
  Kernel inverse =
      jitCompile(jit, Factorization::dft(64, false, Normalization::Unitary));
  ASSERT_TRUE(inverse) << inverse.error();
  EXPECT_LE(relativeError(inverse, dftMatrix(64, /*inverse=*/true)), 1e-5);
  options.op = "sideways";
  Jit unknown = Jit::create(options);
  Kernel refused = jitCompile(unknown, hadamard(8));
  EXPECT_EQ(refused.status(), BFLY_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(refused.error().find("unknown op 'sideways'"), std::string::npos);
}

/// A model compiled for a GPU in memory: the PTX of every launch and a
/// descriptor the runtime accepts, made without a GPU; loading it names
/// what is missing here (or, with a GPU, runs it against the matrix).
TEST(JitTest, CompilesModelsToPtxInMemory) {
  Jit jit = Jit::create();
  GpuImage image = jit.compileGpuText(kHadamard4);
  ASSERT_TRUE(image) << image.error();
  EXPECT_NE(image.ptx().find(".target sm_90"), std::string::npos);
  const bfly_gpu_kernel_descriptor &d = image.descriptor();
  EXPECT_EQ(bfly_gpu_descriptor_check(&d, "jit"), BFLY_OK) << bfly_last_error();
  EXPECT_EQ(d.n, 4);
  EXPECT_EQ(d.input_dtype, BFLY_DTYPE_F32);
  EXPECT_STREQ(d.name, "h4");
  ASSERT_EQ(d.launch_count, 1);
  EXPECT_NE(image.ptx().find(std::string(".entry ") + d.launches[0].entry),
            std::string::npos);
  EXPECT_EQ(std::string(d.image), image.ptx());

  GpuImage sm100 = jit.compileGpuText(kHadamard4, "sm_100");
  ASSERT_TRUE(sm100) << sm100.error();
  EXPECT_NE(sm100.ptx().find(".target sm_100"), std::string::npos);

  GpuKernel kernel = image.load();
  if (kernel) {
    float x[4] = {1, 0, 0, 0}, y[4] = {};
    ASSERT_EQ(kernel.applyHost(x, y, 1), BFLY_OK) << bfly_last_error();
    for (float v : y)
      EXPECT_NEAR(v, 0.5f, 1e-6f);
  } else {
    EXPECT_TRUE(kernel.status() == BFLY_ERROR_NO_DRIVER ||
                kernel.status() == BFLY_ERROR_NO_DEVICE)
        << kernel.error();
  }

  GpuImage broken = jit.compileGpuText("bfly.transform @f(");
  EXPECT_FALSE(broken);
  EXPECT_EQ(broken.status(), BFLY_ERROR_COMPILE);
  GpuImage badArch = jit.compileGpuText(kHadamard4, "sm_12");
  EXPECT_EQ(badArch.status(), BFLY_ERROR_COMPILE);
  EXPECT_NE(badArch.error().find("unknown NVIDIA architecture 'sm_12'"),
            std::string::npos)
      << badArch.error();
  EXPECT_FALSE(badArch.load());
  EXPECT_EQ(jit.compileGpuFile("/no/such/model.mlir").status(),
            BFLY_ERROR_OPEN);
}

/// One thread compiles (in memory and through the cache) while others run
/// kernels through plans and check every result.
TEST(JitTest, CompilingWhileOtherThreadsRunKernelsIsSafe) {
  TempDir cache;
  Jit memory = Jit::create();
  Jit cached = Jit::create({cache.path()});
  Kernel kernel =
      jitCompile(memory, Factorization::dft(128, false, Normalization::Unitary,
                                            Precision::F64));
  ASSERT_TRUE(kernel);
  Eigen::MatrixXcd x = randomColumns(128, 8, true, 3);
  Eigen::MatrixXcd want = dftMatrix(128, false) * x;
  std::vector<char> in = packColumns(x, BFLY_DTYPE_COMPLEX_F64);
  std::atomic<bool> done{false};
  std::atomic<int> wrong{0}, runs{0};
  std::vector<std::thread> runners;
  for (int t = 0; t < 3; ++t)
    runners.emplace_back([&] {
      Plan plan = Plan::create(kernel, 1);
      std::vector<char> out(in.size());
      while (!done || runs < 30) {
        if (plan.execute(in.data(), out.data(),
                         bfly_layout_contiguous(128, 8)) != BFLY_OK ||
            (unpackColumns(out, BFLY_DTYPE_COMPLEX_F64, 128, 8) - want).norm() >
                1e-12 * want.norm())
          ++wrong;
        ++runs;
      }
    });
  int compiled = 0;
  for (int64_t n : {8, 16, 32, 64}) {
    compiled += bool(jitCompile(memory, hadamard(n)));
    compiled += bool(jitCompile(cached, hadamard(n)));
  }
  done = true;
  for (std::thread &runner : runners)
    runner.join();
  EXPECT_EQ(compiled, 8);
  EXPECT_EQ(wrong, 0);
  EXPECT_GE(runs, 30);
}

} // namespace
} // namespace bfly
