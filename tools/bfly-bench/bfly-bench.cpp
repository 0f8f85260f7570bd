//===- bfly-bench.cpp - measure a compiled kernel next to its baselines ---===//
#include "bench/Benchmark.h"
#include "compiler/Learn/Targets.h"

#include "tools/ToolSupport.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>

using namespace llvm;

static cl::opt<std::string> kernelPath(cl::Positional, cl::desc("<kernel.so>"),
                                       cl::Required);
static cl::opt<std::string> targetName(
    "target",
    cl::desc("The transform the kernel is meant to compute (a bfly-learn "
             "target); default: the 'target' in its provenance"));
static cl::list<int64_t> batches("batch", cl::desc("Batch sizes to time"),
                                 cl::CommaSeparated);
static cl::opt<int> samples("samples", cl::desc("Timed samples per median"),
                            cl::init(15));
static cl::opt<std::string>
    plotPath("plot", cl::desc("Also draw the timings as a PNG bar chart"),
             cl::value_desc("path.png"));
static cl::opt<std::string> csvPath("csv",
                                    cl::desc("Also write timings as CSV"),
                                    cl::value_desc("path"));
static cl::opt<double> tolerance(
    "tolerance",
    cl::desc("Largest relative error accepted (default: 1e-5 for f32, 1e-12 "
             "for f64 kernels)"),
    cl::init(0.0));

static int fail(const Twine &message) {
  return bfly::tool::fail("bfly-bench", message, 2);
}

/// The value of `key` in a "key=value; key=value" provenance string.
static std::string provenanceValue(StringRef provenance, StringRef key) {
  SmallVector<StringRef> entries;
  provenance.split(entries, ';');
  for (StringRef entry : entries) {
    auto [name, value] = entry.trim().split('=');
    if (name == key)
      return value.str();
  }
  return "";
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  bfly::tool::addVersionPrinter();
  cl::ParseCommandLineOptions(
      argc, argv,
      "bfly-bench: accuracy and speed of a kernel next to FFTW and Eigen\n");

  bfly::Kernel kernel = bfly::Kernel::load(kernelPath);
  if (!kernel)
    return fail(kernel.error());
  const bfly_kernel_descriptor &d = kernel.descriptor();
  std::string name =
      targetName.empty() ? provenanceValue(d.provenance, "target") : targetName;
  if (name.empty())
    return fail("the kernel's provenance names no target: pass --target");
  // Seeded targets (convolution, randn) are rebuilt with the model's seed.
  uint64_t seed = 0;
  StringRef(provenanceValue(d.provenance, "seed")).getAsInteger(10, seed);
  std::optional<bfly::Target> target = bfly::makeTarget(name, d.n, seed);
  if (!target)
    return fail("unknown target '" + name + "': expected one of " +
                join(bfly::targetNames(), ", "));
  const Eigen::MatrixXcd &reference = target->matrix;

  bool single = d.input_dtype == BFLY_DTYPE_F32 ||
                d.input_dtype == BFLY_DTYPE_COMPLEX_F32;
  double accepted = tolerance > 0 ? tolerance : (single ? 1e-5 : 1e-12);
  bfly::Accuracy accuracy = bfly::measureAccuracy(kernel, reference, 16, 1);
  bool accurate = accuracy.relativeError <= accepted;

  std::printf("bfly-bench %s\n", kernelPath.c_str());
  std::printf("  kernel    %s: n=%lld, %s -> %s, cpu %s, %lld flops\n", d.name,
              static_cast<long long>(d.n), bfly_dtype_name(d.input_dtype),
              bfly_dtype_name(d.output_dtype), d.cpu,
              static_cast<long long>(d.flops));
  std::printf("  accuracy  vs textbook %s on %lld random vectors: max |error| "
              "%.2e, relative %.2e (accepted %.0e): %s\n",
              name.c_str(), static_cast<long long>(accuracy.vectors),
              accuracy.maxAbsError, accuracy.relativeError, accepted,
              accurate ? "ok" : "FAILED");

  bfly::BenchOptions options;
  if (!batches.empty())
    options.batches.assign(batches.begin(), batches.end());
  for (int64_t batch : options.batches)
    if (batch < 1)
      return fail("--batch sizes must be positive");
  options.samples = std::max(1, samples.getValue());
  std::printf("  speed     one thread, median of %d samples\n\n",
              options.samples);
  std::fflush(stdout);
  std::vector<bfly::Timing> timings =
      bfly::timeKernelAndBaselines(kernel, name, reference, options);
  bfly::printTimings(std::cout, timings);

  if (!csvPath.empty()) {
    std::string temporary = csvPath + ".tmp";
    {
      std::ofstream csv(temporary);
      bfly::writeTimingsCsv(csv, timings);
      if (!csv)
        return fail("cannot write '" + temporary + "'");
    }
    if (std::rename(temporary.c_str(), csvPath.c_str()) != 0)
      return fail("cannot write '" + csvPath + "'");
  }
  if (!plotPath.empty()) {
    std::string message;
    std::string title = "bfly-bench: " + name + " n=" + std::to_string(d.n);
    if (!bfly::plotTimings(timings, title, plotPath, message))
      return fail(message);
  }
  return accurate ? 0 : 1;
}
