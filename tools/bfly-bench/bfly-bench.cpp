//===- bfly-bench.cpp - measure a compiled kernel next to its baselines ---===//
#include "bench/Benchmark.h"
#include "compiler/Driver/Compiler.h"
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

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>

using namespace llvm;

static cl::OptionCategory toolCategory("bfly-bench options");

static cl::opt<std::string> kernelPath(cl::Positional,
                                       cl::desc("<kernel.so | model.mlir>"),
                                       cl::Required, cl::cat(toolCategory));
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
    cl::desc("Check the kernel against this matrix (.npy), zero-padded to "
             "a square power of two as bfly-learn --matrix pads it"),
    cl::value_desc("W.npy"), cl::cat(toolCategory));
static cl::list<int64_t> batches("batch", cl::desc("Batch sizes to time"),
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
  if (model && (model->n != d.n))
    return fail("the model has n=" + Twine(model->n) +
                " but the kernel n=" + Twine(d.n));
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
  if (!name.empty() && model &&
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
    bfly::Target target = bfly::targetFromMatrix(*matrix, "matrix");
    if (target.size() != d.n)
      return fail("the " + Twine(matrix->values.rows()) + " x " +
                  Twine(matrix->values.cols()) + " matrix pads to n=" +
                  Twine(target.size()) + ", but the kernel's n=" + Twine(d.n));
    name = "matrix";
    reference = std::move(target.matrix);
  } else if (!name.empty()) {
    if (llvm::find(bfly::targetNames(), name) == bfly::targetNames().end())
      return fail("unknown target '" + name + "': expected one of " +
                  join(bfly::targetNames(), ", "));
    if (std::optional<std::string> problem = bfly::targetSizeProblem(d.n))
      return fail("no dense reference for n=" + Twine(d.n) + ": " + *problem);
    reference = std::move(bfly::makeTarget(name, d.n, seed)->matrix);
  } else if (model) {
    if (std::optional<std::string> problem = bfly::targetSizeProblem(d.n))
      return fail("no dense reference for n=" + Twine(d.n) + ": " + *problem);
    name = "model";
    reference = model->toDense();
  } else {
    return fail("the kernel's provenance names no target: pass --target, "
                "--matrix or --model");
  }

  bool single = d.input_dtype == BFLY_DTYPE_F32 ||
                d.input_dtype == BFLY_DTYPE_COMPLEX_F32;
  double accepted = tolerance > 0 ? tolerance : (single ? 1e-5 : 1e-12);
  bfly::Accuracy accuracy = bfly::measureAccuracy(kernel, reference, 16, 1);
  bool accurate = accuracy.relativeError <= accepted;
  if (model && name != "model") {
    // The butterfly-loop baseline times the model: it must be the kernel's
    // (checked against the model itself, whatever the reference).
    bfly::Accuracy same =
        bfly::measureAccuracy(kernel, model->toDense(), 16, 2);
    if (!(same.relativeError <= accepted))
      return fail("the kernel does not compute the model's matrix (relative "
                  "error " +
                  formatv("{0:e2}", same.relativeError) +
                  "): was it compiled from that model?");
  }

  std::printf("bfly-bench %s\n", kernelPath.c_str());
  std::printf("  kernel    %s: n=%lld, %s -> %s, cpu %s, %lld flops\n", d.name,
              static_cast<long long>(d.n), bfly_dtype_name(d.input_dtype),
              bfly_dtype_name(d.output_dtype), d.cpu,
              static_cast<long long>(d.flops));
  std::printf("  accuracy  vs %s %s on %lld random vectors: max |error| "
              "%.2e, relative %.2e (accepted %.0e): %s\n",
              name == "model"    ? "its"
              : name == "matrix" ? "the user's"
                                 : "textbook",
              name == "matrix" ? matrixPath.c_str() : name.c_str(),
              static_cast<long long>(accuracy.vectors), accuracy.maxAbsError,
              accuracy.relativeError, accepted, accurate ? "ok" : "FAILED");

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
  std::vector<bfly::Timing> timings = bfly::timeKernelAndBaselines(
      kernel, name, reference, options, model ? &*model : nullptr);
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
