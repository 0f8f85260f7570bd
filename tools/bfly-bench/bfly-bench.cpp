//===- bfly-bench.cpp - measure a compiled kernel next to its baselines ---===//
#include "bench/Benchmark.h"
#include "bench/KernelIO.h"
#include "common/Permutation.h"
#include "compiler/Driver/Compiler.h"
#include "compiler/Driver/Tuner.h"
#include "compiler/Import/FactorizationIR.h"
#include "compiler/Import/Npy.h"
#include "compiler/Model/Targets.h"

#include "mlir/Support/FileUtilities.h"
#include "tools/ToolSupport.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>

using namespace llvm;

static cl::OptionCategory toolCategory("bfly-bench options");

static cl::opt<std::string> kernelPath(cl::Positional,
                                       cl::desc("<kernel.so | model.mlir>"),
                                       cl::cat(toolCategory));
static cl::opt<bool>
    tune("tune",
         cl::desc("--sizes: compile each kernel with bfly-compile --tune "
                  "(its wisdom file: $BFLY_WISDOM or ~/.cache/bfly)"),
         cl::init(false), cl::cat(toolCategory));
static cl::opt<std::string> sizes(
    "sizes",
    cl::desc("Instead of one kernel: compile the exact DFT (--target=dft or "
             "idft, --precision) at every power of two from A to B, check "
             "each against FFTW in double precision and time it next to "
             "FFTW (one table, --csv, --plot)"),
    cl::value_desc("A:B"), cl::cat(toolCategory));
static cl::opt<bfly::Precision> sweepPrecision(
    "precision", cl::desc("--sizes: the kernels' precision"),
    cl::init(bfly::Precision::F32),
    cl::values(clEnumValN(bfly::Precision::F32, "f32",
                          "complex<f32> (default)"),
               clEnumValN(bfly::Precision::F64, "f64", "complex<f64>")),
    cl::cat(toolCategory));
static cl::opt<std::string> modelPath(
    "model",
    cl::desc("The model the kernel was compiled from: the reference when "
             "no target is known, and a plain scalar butterfly-loop "
             "baseline (a model given instead of a kernel is compiled "
             "with bfly-compile's defaults and used so)"),
    cl::value_desc("model.mlir"), cl::cat(toolCategory));
static cl::opt<std::string> targetName(
    "target",
    cl::desc("The transform the kernel is meant to compute (a bfly-learn "
             "target; default: the 'target' in its provenance or model's"),
    cl::cat(toolCategory));
static cl::opt<std::string> matrixPath(
    "matrix",
    cl::desc("Check the kernel against this matrix (.npy): rows x cols for "
             "a kernel of cols inputs and rows outputs, as bfly-learn "
             "--matrix makes them"),
    cl::value_desc("W.npy"), cl::cat(toolCategory));
static cl::list<int64_t> batches("batch", cl::desc("Batch sizes to time"),
                                 cl::CommaSeparated, cl::cat(toolCategory));
static cl::list<std::string>
    fftwPlanners("fftw",
                 cl::desc("FFTW planners to time: measure, patient (default "
                          "both; PATIENT plans take seconds to minutes)"),
                 cl::CommaSeparated, cl::cat(toolCategory));
static cl::opt<int> samples("samples", cl::desc("Timed samples per median"),
                            cl::init(15), cl::cat(toolCategory));
static cl::opt<std::string>
    plotPath("plot", cl::desc("Also draw the timings as a PNG bar chart"),
             cl::value_desc("path.png"), cl::cat(toolCategory));
static cl::opt<std::string> csvPath("csv",
                                    cl::desc("Also write timings as CSV"),
                                    cl::value_desc("path"),
                                    cl::cat(toolCategory));
static cl::opt<double> tolerance(
    "tolerance",
    cl::desc("Largest relative error accepted (default: 1e-5 for f32, 1e-12 "
             "for f64 kernels)"),
    cl::init(0.0), cl::cat(toolCategory));

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

/// `model` compiled as bfly-compile would and loaded; the temporary .so is
/// gone once loaded.
static bfly::Kernel compileAndLoad(const bfly::Factorization &model,
                                   std::string &error) {
  SmallString<128> path;
  if (std::error_code ec =
          sys::fs::createTemporaryFile("bfly-bench", "so", path)) {
    error = "cannot create a temporary kernel: " + ec.message();
    return bfly::Kernel();
  }
  bfly::CompileOptions options;
  options.generator = "bfly-bench";
  if (Error e = bfly::compileFactorization(model, options,
                                           bfly::EmitKind::Shared, path)) {
    error = toString(std::move(e));
    sys::fs::remove(path);
    return bfly::Kernel();
  }
  bfly::Kernel kernel = bfly::Kernel::load(std::string(path));
  sys::fs::remove(path);
  if (!kernel)
    error = kernel.error();
  return kernel;
}

/// Writes `text` to `path` through a temporary file, so a failure leaves
/// no half-written file.
static bool writeAtomically(const std::string &path,
                            const std::function<void(std::ostream &)> &write) {
  std::string temporary = path + ".tmp";
  {
    std::ofstream file(temporary);
    write(file);
    if (!file) {
      std::remove(temporary.c_str());
      return false;
    }
  }
  return std::rename(temporary.c_str(), path.c_str()) == 0;
}

/// bfly-bench --sizes=A:B: the exact DFT compiled at every size, checked
/// against FFTW and timed next to it.
static int runSizeSweep(const bfly::BenchOptions &options) {
  auto [low, high] = StringRef(sizes).split(':');
  int64_t first = 0, last = 0;
  if (low.getAsInteger(10, first) || high.getAsInteger(10, last) ||
      !bfly::isPowerOfTwo(first) || !bfly::isPowerOfTwo(last) || first < 2 ||
      first > last || last > BFLY_MAX_N)
    return fail("--sizes=A:B takes powers of two 2 <= A <= B <= 2^20");
  std::string target = targetName.empty() ? "dft" : targetName.getValue();
  if (target != "dft" && target != "idft")
    return fail("--sizes sweeps --target=dft or idft");
  if (!matrixPath.empty() || !modelPath.empty())
    return fail("--sizes compiles its own kernels: no --matrix or --model");
  bool inverse = target == "idft";
  double accepted =
      tolerance > 0 ? double(tolerance)
                    : (sweepPrecision == bfly::Precision::F32 ? 1e-5 : 1e-12);
  std::printf("bfly-bench --sizes=%s: exact %s, %s, one thread, median of "
              "%d samples\n\n",
              sizes.c_str(), target.c_str(),
              sweepPrecision == bfly::Precision::F32 ? "complex<f32>"
                                                     : "complex<f64>",
              options.samples);
  std::printf("  %8s %6s %10s %9s %5s  %-14s %12s %10s\n", "n", "batch",
              "compile s", ".so KiB", "error", "implementation", "us/transform",
              "/ bfly");
  std::vector<bfly::SizedTiming> all;
  bool accurate = true;
  for (int64_t n = first; n <= last; n *= 2) {
    bfly::Factorization model = bfly::Factorization::dft(
        n, inverse, bfly::Normalization::Unitary, sweepPrecision);
    SmallString<128> path;
    if (std::error_code ec =
            sys::fs::createTemporaryFile("bfly-bench", "so", path))
      return fail("cannot create a temporary kernel: " + ec.message());
    bfly::CompileOptions compile;
    compile.generator = "bfly-bench";
    compile.tune = tune;
    compile.wisdomPath = bfly::defaultWisdomPath();
    auto start = std::chrono::steady_clock::now();
    Error error = bfly::compileFactorization(model, compile,
                                             bfly::EmitKind::Shared, path);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    uint64_t bytes = 0;
    sys::fs::file_size(path, bytes);
    bfly::Kernel kernel =
        error ? bfly::Kernel() : bfly::Kernel::load(std::string(path));
    sys::fs::remove(path);
    if (error)
      return fail("n=" + Twine(n) + ": " + toString(std::move(error)));
    if (!kernel)
      return fail("n=" + Twine(n) + ": " + kernel.error());
    bfly::Accuracy accuracy = bfly::measureDftAccuracy(kernel, inverse, 4, 1);
    accurate = accurate && accuracy.relativeError <= accepted;
    bfly::BenchOptions sized = options;
    sized.slowBaselines = false;
    std::vector<bfly::Timing> timings =
        bfly::timeKernelAndBaselines(kernel, target, Eigen::MatrixXcd(), sized);
    double bflyTime = 0;
    for (const bfly::Timing &t : timings) {
      if (t.implementation == "bfly")
        bflyTime = t.secondsPerTransform;
      std::printf("  %8lld %6lld %10.2f %9.0f %5.0e  %-14s %12.3f %9.2fx\n",
                  static_cast<long long>(n), static_cast<long long>(t.batch),
                  seconds, bytes / 1024.0, accuracy.relativeError,
                  t.implementation.c_str(), t.secondsPerTransform * 1e6,
                  t.secondsPerTransform / bflyTime);
      all.push_back({n, t});
    }
    std::fflush(stdout);
  }
  if (!csvPath.empty() && !writeAtomically(csvPath, [&](std::ostream &os) {
        bfly::writeSizeSweepCsv(os, all);
      }))
    return fail("cannot write '" + csvPath + "'");
  if (!plotPath.empty()) {
    std::string message;
    if (!bfly::plotSizeSweep(all, "bfly-bench --sizes=" + sizes, plotPath,
                             message))
      return fail(message);
  }
  if (!accurate)
    return fail("a kernel is off by more than " + formatv("{0:e1}", accepted) +
                " against FFTW");
  return 0;
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  bfly::tool::initCommandLine("bfly-bench", {&toolCategory});
  cl::ParseCommandLineOptions(
      argc, argv,
      "bfly-bench: accuracy and speed of a kernel next to FFTW and Eigen\n");
  for (const std::string &path : {csvPath.getValue(), plotPath.getValue()})
    if (std::optional<std::string> problem =
            bfly::tool::outputPathProblem(path))
      return fail(*problem);

  bfly::BenchOptions options;
  if (!batches.empty())
    options.batches.assign(batches.begin(), batches.end());
  for (int64_t batch : options.batches)
    if (batch < 1)
      return fail("--batch sizes must be positive");
  options.samples = std::max(1, samples.getValue());
  if (!fftwPlanners.empty())
    options.fftwPlanners.assign(fftwPlanners.begin(), fftwPlanners.end());
  for (const std::string &planner : options.fftwPlanners)
    if (llvm::none_of(bfly::fftwPlanners(), [&](const auto &known) {
          return known.first == planner;
        }))
      return fail("unknown FFTW planner '" + planner +
                  "': expected measure or patient");
  if (tune && sizes.empty())
    return fail("--tune is for --sizes (tune a kernel with bfly-compile "
                "--tune)");
  if (!sizes.empty()) {
    if (!kernelPath.empty())
      return fail("--sizes compiles its own kernels: give no kernel");
    if (batches.empty())
      options.batches = {1};
    return runSizeSweep(options);
  }
  if (kernelPath.empty())
    return fail("give a kernel (.so) or a model (.mlir), or --sizes=A:B");

  bool modelGiven = sys::path::extension(kernelPath) == ".mlir";
  if (modelGiven && !modelPath.empty())
    return fail("give a model either as the input or with --model, not both");
  std::optional<bfly::Factorization> model;
  if (modelGiven || !modelPath.empty()) {
    Expected<bfly::Factorization> read =
        bfly::readModelFile(modelGiven ? kernelPath : modelPath, errs());
    if (!read)
      return fail(toString(read.takeError()));
    model = std::move(*read);
  }
  std::string error;
  bfly::Kernel kernel = modelGiven ? compileAndLoad(*model, error)
                                   : bfly::Kernel::load(kernelPath);
  if (!kernel)
    return fail(modelGiven ? error : kernel.error());
  const bfly_kernel_descriptor &d = kernel.descriptor();
  if (model &&
      (model->inputLength() != d.n || model->outputLength() != d.output_n))
    return fail("the model maps " + Twine(model->inputLength()) + " to " +
                Twine(model->outputLength()) + " elements but the kernel " +
                Twine(d.n) + " to " + Twine(d.output_n));
  // The reference: the user's matrix, a named transform (given, or the
  // one the kernel's provenance names), or the model's own matrix.
  std::string name = targetName;
  std::string provenanceTarget = provenanceValue(d.provenance, "target");
  if (name.empty() && matrixPath.empty())
    name = provenanceTarget;
  if (name.empty() && matrixPath.empty() && model &&
      model->provenance.count("target"))
    name = model->provenance.at("target");
  if (StringRef(name).starts_with("matrix:")) {
    if (!model)
      return fail("the kernel was learned from a matrix (" + name +
                  "): pass --matrix " + StringRef(name).drop_front(7) +
                  " (or --model) to check it");
    name.clear(); // its model is the reference
  }
  // The real-input DFT and its inverse are checked against FFTW's.
  bool realDft = (name == "rfft" || name == "irfft") && matrixPath.empty();
  if (!name.empty() && model && !realDft &&
      llvm::find(bfly::targetNames(), name) == bfly::targetNames().end())
    name.clear(); // a name bfly does not know: the model is the reference
  // Seeded targets (convolution, randn) are rebuilt with the model's seed.
  uint64_t seed = 0;
  StringRef(provenanceValue(d.provenance, "seed")).getAsInteger(10, seed);
  Eigen::MatrixXcd reference;
  if (!matrixPath.empty()) {
    if (!targetName.empty())
      return fail("give either --matrix or --target, not both");
    Expected<bfly::NpyMatrix> matrix = bfly::readNpy(matrixPath);
    if (!matrix)
      return fail(toString(matrix.takeError()));
    int64_t rows = matrix->values.rows(), cols = matrix->values.cols();
    if (cols != d.n || rows != d.output_n)
      return fail("the matrix is " + Twine(rows) + " x " + Twine(cols) +
                  ", but the kernel maps " + Twine(d.n) + " inputs to " +
                  Twine(d.output_n) + " outputs");
    name = "matrix";
    reference = std::move(matrix->values);
  } else if (realDft) {
    int32_t real = name == "rfft" ? d.input_dtype : d.output_dtype;
    int32_t complex = name == "rfft" ? d.output_dtype : d.input_dtype;
    if (bfly::isComplexDtype(real) || !bfly::isComplexDtype(complex) ||
        bfly::isSingleDtype(real) != bfly::isSingleDtype(complex))
      return fail("an " + name +
                  " kernel maps reals to complex numbers of "
                  "the same precision or back, this one maps " +
                  bfly_dtype_name(d.input_dtype) + " to " +
                  bfly_dtype_name(d.output_dtype));
  } else if (!name.empty()) {
    if (llvm::find(bfly::targetNames(), name) == bfly::targetNames().end())
      return fail("unknown target '" + name + "': expected one of " +
                  join(bfly::targetNames(), ", "));
    // A DFT too large for a dense matrix is checked against FFTW.
    bool fftwChecked = (name == "dft" || name == "idft") &&
                       (d.input_dtype == BFLY_DTYPE_COMPLEX_F32 ||
                        d.input_dtype == BFLY_DTYPE_COMPLEX_F64) &&
                       d.output_dtype == d.input_dtype;
    if (std::optional<std::string> problem = bfly::targetSizeProblem(d.n)) {
      if (!fftwChecked)
        return fail("no dense reference for n=" + Twine(d.n) + ": " + *problem);
    } else {
      reference = std::move(bfly::makeTarget(name, d.n, seed)->matrix);
    }
  } else if (model) {
    if (std::optional<std::string> problem = bfly::targetSizeProblem(d.n))
      return fail("no dense reference for n=" + Twine(d.n) + ": " + *problem);
    name = "model";
    reference = model->toDense();
  } else {
    return fail("the kernel's provenance names no target: pass --target, "
                "--matrix or --model");
  }

  // A kernel of the model's adjoint, transpose or inverse is checked
  // against that map of the reference (the DFT's adjoint and inverse are
  // the inverse DFT, its transpose itself).
  std::string ops = provenanceValue(d.provenance, "op");
  if (reference.size() > 0 && !bfly::applyKernelOps(reference, ops))
    return fail("the kernel's provenance names an unknown op '" + ops + "'");
  bool flipped = false;
  for (StringRef op : split(ops, ','))
    flipped ^= op == "adjoint" || op == "inverse";
  if (flipped && (name == "dft" || name == "idft") && reference.size() == 0)
    name = name == "dft" ? "idft" : "dft";
  // Named targets are unitary; a model of the textbook sums (bfly-model
  // --norm=none) is sqrt n times one, its inverse divided by it.
  double scale = 1;
  if (provenanceValue(d.provenance, "normalization") == "none" &&
      (name == "dft" || name == "idft" || name == "hadamard")) {
    bool inverse = false;
    for (StringRef op : split(ops, ','))
      inverse ^= op == "inverse";
    scale = inverse ? 1 / std::sqrt(double(d.n)) : std::sqrt(double(d.n));
    reference *= scale;
  }
  bool single = d.input_dtype == BFLY_DTYPE_F32 ||
                d.input_dtype == BFLY_DTYPE_COMPLEX_F32;
  double accepted = tolerance > 0 ? tolerance : (single ? 1e-5 : 1e-12);
  bool dense = reference.size() > 0;
  bfly::Accuracy accuracy =
      dense     ? bfly::measureAccuracy(kernel, reference, 16, 1)
      : realDft ? bfly::measureRealDftAccuracy(kernel, name == "irfft", 4, 1)
                : bfly::measureDftAccuracy(kernel, name == "idft", 4, 1, scale);
  bool accurate = accuracy.relativeError <= accepted;
  if (model && name != "model" && dense) {
    // The butterfly-loop baseline times the model: it must be the kernel's
    // (checked against the model itself, whatever the reference).
    Eigen::MatrixXcd modelMatrix = model->toDense();
    bfly::applyKernelOps(modelMatrix, ops);
    bfly::Accuracy same = bfly::measureAccuracy(kernel, modelMatrix, 16, 2);
    if (!(same.relativeError <= accepted))
      return fail("the kernel does not compute the model's matrix (relative "
                  "error " +
                  formatv("{0:e2}", same.relativeError) +
                  "): was it compiled from that model?");
  }

  std::printf("bfly-bench %s\n", kernelPath.c_str());
  std::printf("  kernel    %s: n=%lld", d.name, static_cast<long long>(d.n));
  if (d.output_n != d.n)
    std::printf(" in, %lld out", static_cast<long long>(d.output_n));
  std::printf(", %s -> %s, cpu %s, %lld flops\n",
              bfly_dtype_name(d.input_dtype), bfly_dtype_name(d.output_dtype),
              d.cpu, static_cast<long long>(d.flops));
  std::printf("  accuracy  vs %s %s on %lld random vectors: max |error| "
              "%.2e, relative %.2e (accepted %.0e): %s\n",
              name == "model"    ? "its"
              : name == "matrix" ? "the user's"
              : dense            ? "textbook"
                                 : "FFTW's (double precision)",
              ((name == "matrix" ? matrixPath.getValue() : name) +
               (ops.empty() || !dense ? "" : " (" + ops + ")"))
                  .c_str(),
              static_cast<long long>(accuracy.vectors), accuracy.maxAbsError,
              accuracy.relativeError, accepted, accurate ? "ok" : "FAILED");

  std::printf("  speed     one thread, median of %d samples\n\n",
              options.samples);
  options.slowBaselines = dense; // no O(n^2) product without a matrix
  std::fflush(stdout);
  std::vector<bfly::Timing> timings = bfly::timeKernelAndBaselines(
      kernel, name, reference, options, model ? &*model : nullptr);
  if (realDft) {
    // What the real-input kernel saves: bfly's complex DFT of as many
    // points, compiled with the same defaults and timed here.
    bool inverse = name == "irfft";
    int64_t reals = inverse ? d.output_n : d.n;
    bfly::Kernel complexDft = compileAndLoad(
        bfly::Factorization::dft(reals, inverse, bfly::Normalization::None,
                                 single ? bfly::Precision::F32
                                        : bfly::Precision::F64),
        error);
    if (!complexDft)
      return fail("cannot compile the complex DFT to compare with: " + error);
    // The two are timed in alternation, so the machine's load moves both
    // alike: the c2c's row is bfly's time in the table times their ratio.
    for (int64_t batch : options.batches) {
      size_t bytes = size_t(reals * batch) * (single ? 8 : 16);
      std::vector<char> in(bytes), out(bytes);
      std::vector<double> seconds = bfly::medianSecondsPerCallAlternating(
          {[&] { kernel.apply(in.data(), out.data(), batch); },
           [&] { complexDft.apply(in.data(), out.data(), batch); }},
          options);
      timings.push_back(
          {"bfly-c2c", batch,
           bfly::bflyTime(timings, batch) * seconds[1] / seconds[0]});
    }
  }
  bfly::printTimings(std::cout, timings);

  if (!csvPath.empty() && !writeAtomically(csvPath, [&](std::ostream &os) {
        bfly::writeTimingsCsv(os, timings);
      }))
    return fail("cannot write '" + csvPath + "'");
  if (!plotPath.empty()) {
    std::string message;
    std::string title = "bfly-bench: " + name + " n=" + std::to_string(d.n);
    if (!bfly::plotTimings(timings, title, plotPath, message))
      return fail(message);
  }
  return accurate ? 0 : 1;
}
