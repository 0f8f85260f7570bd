//===- bfly-runtime-bench.cpp - what the runtime and the JIT cost ---------===//
//
// Four tables, all measured in this run: JIT latency (in memory, a cold
// disk cache, a cache hit), batch throughput of a plan on 1 and 2 threads,
// one large transform split across 2 threads (next to FFTW on 1 and 2
// threads), and the runtime's call overhead against calling the kernel's
// apply function directly.
//
//===----------------------------------------------------------------------===//
#include "bench/Benchmark.h"
#include "compiler/Jit/FactorizationJit.h"
#include "compiler/Model/Factorization.h"

#include "tools/ToolSupport.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

using namespace llvm;

static cl::OptionCategory toolCategory("bfly-runtime-bench options");

static cl::list<int64_t> sizes("n", cl::desc("Transform sizes (DFT, c32)"),
                               cl::CommaSeparated, cl::cat(toolCategory));
static cl::list<int64_t>
    splitSizes("split-n",
               cl::desc("Sizes for the one-vector split table (DFT, c32)"),
               cl::CommaSeparated, cl::cat(toolCategory));
static cl::opt<int> samples("samples", cl::desc("Timed samples per median"),
                            cl::init(15), cl::cat(toolCategory));
static cl::opt<int> compiles("compiles",
                             cl::desc("Compiles per JIT latency median"),
                             cl::init(5), cl::cat(toolCategory));
static cl::opt<int64_t> batch("batch",
                              cl::desc("Batch for the throughput table"),
                              cl::init(256), cl::cat(toolCategory));

static int fail(const Twine &message) {
  return bfly::tool::fail("bfly-runtime-bench", message);
}

/// The median seconds of `count` runs of `run`.
template <typename F> static double medianSeconds(int count, F run) {
  std::vector<double> times;
  for (int i = 0; i < count; ++i) {
    auto start = std::chrono::steady_clock::now();
    run(i);
    times.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count());
  }
  return bfly::median(std::move(times));
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  bfly::tool::initCommandLine("bfly-runtime-bench", {&toolCategory});
  cl::ParseCommandLineOptions(
      argc, argv,
      "bfly-runtime-bench: JIT latency, plan throughput and call overhead\n");
  std::vector<int64_t> ns(sizes.begin(), sizes.end());
  if (ns.empty())
    ns = {64, 1024};
  std::vector<int64_t> splitNs(splitSizes.begin(), splitSizes.end());
  if (splitNs.empty())
    splitNs = {int64_t(1) << 16, int64_t(1) << 18, int64_t(1) << 20};
  for (const std::vector<int64_t> *list : {&ns, &splitNs})
    for (int64_t n : *list)
      if (n < 2 || (n & (n - 1)) || n > BFLY_MAX_N)
        return fail("-n and --split-n sizes must be powers of two from 2 to "
                    "2^20");
  if (samples < 1 || compiles < 1 || batch < 1)
    return fail("--samples, --compiles and --batch must be positive");
  bfly::BenchOptions options;
  options.samples = samples;
  SmallString<128> cacheRoot;
  if (std::error_code ec =
          sys::fs::createUniqueDirectory("bfly-runtime-bench", cacheRoot))
    return fail("cannot create a cache folder: " + ec.message());

  std::printf("JIT latency, median of %d compiles (DFT, complex<f32>)\n\n",
              compiles.getValue());
  std::printf("  %6s  %12s  %12s  %12s\n", "n", "memory ms", "cold cache ms",
              "cache hit ms");
  for (int64_t n : ns) {
    bfly::Factorization model = bfly::Factorization::dft(n);
    bfly::Jit memory = bfly::Jit::create();
    double inMemory = medianSeconds(compiles, [&](int) {
      if (!jitCompile(memory, model))
        std::exit(fail("the JIT failed"));
    });
    double cold = medianSeconds(compiles, [&](int i) {
      // A fresh folder each time: every compile misses.
      bfly::Jit jit =
          bfly::Jit::create({std::string(cacheRoot) + "/cold" +
                             std::to_string(n) + "-" + std::to_string(i)});
      if (!jitCompile(jit, model))
        std::exit(fail("the JIT failed"));
    });
    bfly::Jit warm = bfly::Jit::create({std::string(cacheRoot) + "/warm"});
    jitCompile(warm, model);
    double hit = medianSeconds(compiles, [&](int) {
      if (!jitCompile(warm, model))
        std::exit(fail("the JIT failed"));
    });
    std::printf("  %6lld  %12.1f  %12.1f  %12.2f\n", (long long)n,
                inMemory * 1e3, cold * 1e3, hit * 1e3);
  }

  std::printf("\nPlan throughput, batch %lld, median of %d samples\n\n",
              (long long)batch.getValue(), samples.getValue());
  std::printf("  %6s  %14s  %14s  %8s\n", "n", "1 thread us/vec",
              "2 threads us/vec", "speedup");
  for (int64_t n : ns) {
    bfly::Jit jit = bfly::Jit::create();
    bfly::Kernel kernel = jitCompile(jit, bfly::Factorization::dft(n));
    std::vector<float> in(2 * n * batch, 1.0f), out(in.size());
    bfly_layout layout = bfly_layout_contiguous(n, batch);
    double perVector[2];
    for (int threads : {1, 2}) {
      bfly::Plan plan = bfly::Plan::create(kernel, threads);
      perVector[threads - 1] =
          bfly::medianSecondsPerCall(
              [&] { plan.execute(in.data(), out.data(), layout); }, options) /
          double(batch);
    }
    std::printf("  %6lld  %14.3f  %16.3f  %7.2fx\n", (long long)n,
                perVector[0] * 1e6, perVector[1] * 1e6,
                perVector[0] / perVector[1]);
  }

  std::printf("\nOne vector (batch 1) split across threads, median of %d "
              "samples\n\n",
              samples.getValue());
  std::printf("  %8s  %7s  %12s  %13s  %8s  %15s  %15s  %11s\n", "n", "phases",
              "1 thread us", "2 threads us", "speedup", "FFTW 1 thr us",
              "FFTW 2 thr us", "bfly / FFTW");
  for (int64_t n : splitNs) {
    bfly::Jit jit = bfly::Jit::create();
    bfly::Kernel kernel = jitCompile(jit, bfly::Factorization::dft(n));
    std::vector<float> in(2 * n, 1.0f), out(in.size());
    bfly_layout one = bfly_layout_contiguous(n, 1);
    double seconds[2];
    for (int threads : {1, 2}) {
      bfly::Plan plan = bfly::Plan::create(kernel, threads);
      seconds[threads - 1] = bfly::medianSecondsPerCall(
          [&] { plan.execute(in.data(), out.data(), one); }, options);
    }
    // FFTW_MEASURE (FFTW_PATIENT takes minutes to plan at 2^20), one and
    // two threads; the ratio compares the two-thread times.
    double fftw[2] = {bfly::fftwThreadedSeconds(n, 1, options),
                      bfly::fftwThreadedSeconds(n, 2, options)};
    std::printf("  %8lld  %7lld  %12.1f  %13.1f  %7.2fx  %15.1f  %15.1f  "
                "%10.2fx\n",
                (long long)n, (long long)kernel.descriptor().phases,
                seconds[0] * 1e6, seconds[1] * 1e6, seconds[0] / seconds[1],
                fftw[0] * 1e6, fftw[1] * 1e6, seconds[1] / fftw[1]);
  }

  std::printf("\nCall overhead at batch 1, best of 3 interleaved medians of "
              "%d samples\n\n",
              samples.getValue());
  std::printf("  %6s  %10s  %14s  %10s  %16s  %10s\n", "n", "direct us",
              "kernel_apply us", "overhead", "plan_execute us", "overhead");
  for (int64_t n : ns) {
    bfly::Jit jit = bfly::Jit::create();
    bfly::Kernel kernel = jitCompile(jit, bfly::Factorization::dft(n));
    bfly::Plan plan = bfly::Plan::create(kernel, 1);
    std::vector<float> in(2 * n, 1.0f), out(in.size());
    bfly_apply_fn apply = kernel.descriptor().apply;
    bfly_layout one = bfly_layout_contiguous(n, 1);
    // Three rounds, interleaved, the best median of each: the machine's
    // drift (frequency, neighbours) then hits all three alike.
    double direct = 1e9, viaApply = 1e9, viaPlan = 1e9;
    for (int round = 0; round < 3; ++round) {
      direct = std::min(
          direct, bfly::medianSecondsPerCall(
                      [&] { apply(in.data(), out.data(), 1, n, n); }, options));
      viaApply = std::min(
          viaApply,
          bfly::medianSecondsPerCall(
              [&] { kernel.apply(in.data(), out.data(), 1); }, options));
      viaPlan = std::min(
          viaPlan,
          bfly::medianSecondsPerCall(
              [&] { plan.execute(in.data(), out.data(), one); }, options));
    }
    std::printf("  %6lld  %10.4f  %14.4f  %9.1f%%  %16.4f  %9.1f%%\n",
                (long long)n, direct * 1e6, viaApply * 1e6,
                (viaApply / direct - 1) * 100, viaPlan * 1e6,
                (viaPlan / direct - 1) * 100);
  }
  sys::fs::remove_directories(cacheRoot);
  return 0;
}
