//===- bfly-learn.cpp - learn a butterfly model of a matrix ---------------===//
#include "compiler/Import/FactorizationIR.h"
#include "compiler/Import/Npy.h"
#include "compiler/Learn/Fit.h"

#include "experiments/CompressionExperiment.h"
#include "tools/ToolSupport.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <iostream>
#include <thread>
#include <unistd.h>

using namespace llvm;

static cl::OptionCategory toolCategory("bfly-learn options");

static cl::opt<std::string> targetName(cl::Positional, cl::desc("<target>"),
                                       cl::cat(toolCategory));
static cl::opt<int64_t> length("n", cl::desc("Size, a power of two"),
                               cl::init(0), cl::cat(toolCategory));
static cl::opt<std::string>
    matrixPath("matrix",
               cl::desc("Learn this matrix (.npy: float32/64 or complex, C or "
                        "Fortran order; zero-padded to a power of two) "
                        "instead of a named target"),
               cl::value_desc("W.npy"), cl::cat(toolCategory));
static cl::opt<std::string> outputPath("o", cl::desc("Output model file"),
                                       cl::value_desc("path"), cl::init("-"),
                                       cl::cat(toolCategory));
static cl::opt<std::string>
    modelClass("model",
               cl::desc("Model class: auto (default: the cheapest of bp, "
                        "bpp and bpbp whose closed form recovers the target, "
                        "in either stride order), bp, bpp, bpbp, or (bp)^k "
                        "written as bp k times"),
               cl::init("auto"), cl::cat(toolCategory));
using Method = bfly::FitMethod;
static cl::opt<Method> method(
    "method", cl::desc("Fitting method"), cl::init(Method::Auto),
    cl::values(
        clEnumValN(Method::Auto, "auto",
                   "closed forms first, then gradient if they fall short "
                   "(default)"),
        clEnumValN(Method::Hierarchical, "hierarchical",
                   "the closed form over the permutation family"),
        clEnumValN(Method::Spectral, "spectral",
                   "bpbp of a normal matrix in closed form"),
        clEnumValN(Method::Gradient, "gradient",
                   "the paper's: Adam restarts, relaxed permutations, "
                   "L-BFGS polish")),
    cl::cat(toolCategory));
static cl::opt<int> restarts("restarts",
                             cl::desc("Gradient: random restarts (default 32)"),
                             cl::init(32), cl::cat(toolCategory));
// Not --threads: LLVM's libraries register that name already.
static cl::opt<int> jobs("jobs",
                         cl::desc("Gradient: restarts run at once, one thread "
                                  "each (default: the number of cores)"),
                         cl::init(0), cl::cat(toolCategory));
static cl::alias jobsShort("j", cl::desc("Alias for --jobs"),
                           cl::aliasopt(jobs), cl::cat(toolCategory));
static cl::opt<double> timeLimit("time-limit",
                                 cl::desc("Wall-clock seconds for the whole "
                                          "fit, every method and polish "
                                          "(default 120); the best model so "
                                          "far is kept"),
                                 cl::init(120.0), cl::cat(toolCategory));
static cl::opt<int> steps("steps",
                          cl::desc("Gradient: Adam steps per restart "
                                   "(default 30000)"),
                          cl::init(30000), cl::cat(toolCategory));
static cl::opt<bool> tied("tied", cl::desc("Gradient: tied twiddles"),
                          cl::init(false), cl::cat(toolCategory));
enum class FixedPermutation { Learned, Identity, BitReverse };
static cl::opt<FixedPermutation> permutation(
    "permutation", cl::desc("Gradient: the permutation"),
    cl::init(FixedPermutation::Learned),
    cl::values(clEnumValN(FixedPermutation::Learned, "learned",
                          "relaxed logits, rounded (default)"),
               clEnumValN(FixedPermutation::Identity, "identity", "none"),
               clEnumValN(FixedPermutation::BitReverse, "bit_reverse",
                          "the bit reversal")),
    cl::cat(toolCategory));
static cl::opt<bfly::FitOptions::LogitSharing> logits(
    "logits", cl::desc("Gradient, learned permutation: the logits"),
    cl::init(bfly::FitOptions::LogitSharing::Random),
    cl::values(clEnumValN(bfly::FitOptions::LogitSharing::Shared, "shared",
                          "shared by the levels"),
               clEnumValN(bfly::FitOptions::LogitSharing::PerLevel, "per-level",
                          "one set per level"),
               clEnumValN(bfly::FitOptions::LogitSharing::Random, "random",
                          "either, drawn per restart (default)")),
    cl::cat(toolCategory));
enum class StageOrder { Increasing, Decreasing };
static cl::opt<StageOrder>
    stride("stride", cl::desc("Stage order"), cl::init(StageOrder::Increasing),
           cl::values(clEnumValN(StageOrder::Increasing, "increasing",
                                 "stride 1 first (default)"),
                      clEnumValN(StageOrder::Decreasing, "decreasing",
                                 "stride n/2 first")),
           cl::cat(toolCategory));
static cl::opt<bfly::Field> twiddles(
    "twiddles", cl::desc("The twiddles' field"), cl::init(bfly::Field::Complex),
    cl::values(clEnumValN(bfly::Field::Complex, "complex", "(default)"),
               clEnumValN(bfly::Field::Real, "real", "")),
    cl::cat(toolCategory));
static cl::opt<bfly::Precision> precision(
    "precision", cl::desc("The model's precision"),
    cl::init(bfly::Precision::F32),
    cl::values(clEnumValN(bfly::Precision::F32, "f32", "single (default)"),
               clEnumValN(bfly::Precision::F64, "f64", "double")),
    cl::cat(toolCategory));
static cl::opt<uint64_t> seed("seed", cl::desc("Seed of random targets"),
                              cl::init(0), cl::cat(toolCategory));
static cl::opt<double>
    targetRmse("target-rmse",
               cl::desc("Stop once the RMSE is at most this (default 1e-4 "
                        "in f32, 1e-10 in f64)"),
               cl::init(0.0), cl::cat(toolCategory));

static cl::opt<bool> requireRecovery(
    "require-recovery",
    cl::desc("Make a fit that misses --target-rmse an error: exit status 2 "
             "and no model file"),
    cl::cat(toolCategory));

/// bfly-learn's exit statuses (in --help too).
enum ExitStatus {
  kWritten = 0,      ///< a model was written (recovered, or with a warning)
  kError = 1,        ///< bad input, or a file that cannot be read or written
  kNotRecovered = 2, ///< --require-recovery, and the fit missed
};

static int fail(const Twine &message) {
  return bfly::tool::fail("bfly-learn", message, kError);
}

// The compression experiment (target "fashion-mnist").
static cl::OptionCategory experimentCategory(
    "fashion-mnist: the compression experiment (docs/method.md)");
static cl::list<std::string>
    layers("layers",
           cl::desc("Hidden layers to compare (default dense, "
                    "butterfly, low-rank, circulant)"),
           cl::CommaSeparated, cl::cat(experimentCategory));
static cl::list<double>
    rates("rates", cl::desc("Learning rates to choose from on validation"),
          cl::CommaSeparated, cl::cat(experimentCategory));
static cl::opt<int> epochs("epochs", cl::desc("Epochs per seed"), cl::init(15),
                           cl::cat(experimentCategory));
static cl::opt<int> searchEpochs("search-epochs",
                                 cl::desc("Epochs per learning rate tried"),
                                 cl::init(2), cl::cat(experimentCategory));
static cl::opt<int> seeds("seeds", cl::desc("Seeds per hidden layer"),
                          cl::init(3), cl::cat(experimentCategory));
static cl::opt<int64_t>
    trainLimit("train-limit", cl::desc("Use only this many training examples"),
               cl::init(0), cl::cat(experimentCategory));
static cl::opt<int64_t> testLimit("test-limit",
                                  cl::desc("Use only this many test examples"),
                                  cl::init(0), cl::cat(experimentCategory));
static cl::opt<std::string> plotPath("plot",
                                     cl::desc("Learning curves as a PNG"),
                                     cl::cat(experimentCategory));
static cl::opt<std::string> csvPath("csv", cl::desc("Results as CSV"),
                                    cl::cat(experimentCategory));
static cl::opt<bool> stepDecay(
    "step-decay",
    cl::desc("Drop the learning rate 10x after half and after three "
             "quarters of the epochs (default: constant, as in the paper)"),
    cl::cat(experimentCategory));
static cl::opt<bool>
    standardizeInputs("standardize",
                      cl::desc("Standardize pixels with the training set's "
                               "mean and deviation"),
                      cl::cat(experimentCategory));
static cl::opt<std::string> dataDir("data", cl::desc("Folder of the IDX files"),
                                    cl::init(bfly::kFashionMnistDir),
                                    cl::cat(experimentCategory));

/// Trains the classifiers, serves the butterfly one, writes its hidden
/// layer's model to -o when given.
static int runExperiment(const std::string &commandLine) {
  if (epochs < 1 || searchEpochs < 1 || seeds < 1 || trainLimit < 0 ||
      testLimit < 0)
    return fail("--epochs, --search-epochs and --seeds must be positive, "
                "the limits not negative");
  for (const std::string &path :
       {outputPath.getValue(), csvPath.getValue(), plotPath.getValue()})
    if (std::optional<std::string> problem =
            bfly::tool::outputPathProblem(path))
      return fail(*problem);
  bfly::CompressionOptions options;
  options.dataDir = dataDir;
  if (!layers.empty())
    options.layers.assign(layers.begin(), layers.end());
  for (const std::string &kind : options.layers)
    if (llvm::find(bfly::hiddenLayerKinds(), kind) ==
        bfly::hiddenLayerKinds().end())
      return fail("unknown hidden layer '" + kind + "': expected one of " +
                  join(bfly::hiddenLayerKinds(), ", "));
  if (!rates.empty())
    options.learningRates.assign(rates.begin(), rates.end());
  for (double rate : options.learningRates)
    if (!(rate > 0))
      return fail("learning rates must be positive");
  options.epochs = epochs;
  options.searchEpochs = searchEpochs;
  options.seeds = seeds;
  options.trainLimit = trainLimit;
  options.testLimit = testLimit;
  options.plotPath = plotPath;
  options.csvPath = csvPath;
  options.stepDecay = stepDecay;
  options.standardize = standardizeInputs;
  if (!outputPath.empty() && outputPath != "-")
    options.saveModel = [&](const bfly::Factorization &model,
                            std::string &error) {
      if (Error e = bfly::writeModelFile(model, outputPath, commandLine)) {
        error = toString(std::move(e));
        return false;
      }
      return true;
    };
  return bfly::runCompressionExperiment(options, std::cout);
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  bfly::tool::initCommandLine("bfly-learn",
                              {&toolCategory, &experimentCategory});
  cl::ParseCommandLineOptions(
      argc, argv,
      "bfly-learn: learn a butterfly factorization of a target matrix\n\n"
      "targets: " +
          join(bfly::targetNames(), ", ") +
          "\n\nbfly-learn fashion-mnist trains the paper's classifier "
          "(docs/method.md) with each\nhidden layer, compiles the "
          "butterfly one and serves it (see its options below)\n\n"
          "exit status: 0 a model was written (a fit that misses "
          "--target-rmse says so in a\nwarning), 1 an error (bad input, a "
          "file that cannot be read or written),\n2 the fit missed and "
          "--require-recovery was given (no model is written)\n");

  if (targetName == "fashion-mnist")
    return runExperiment(bfly::tool::commandLine("bfly-learn", argc, argv));

  if (std::optional<std::string> problem =
          bfly::tool::outputPathProblem(outputPath))
    return fail(*problem);
  std::optional<bfly::Target> target;
  if (!matrixPath.empty()) {
    if (!targetName.empty() || length != 0)
      return fail("give either a target and -n, or --matrix, not both");
    Expected<bfly::NpyMatrix> matrix = bfly::readNpy(matrixPath);
    if (!matrix)
      return fail(toString(matrix.takeError()));
    target = bfly::targetFromMatrix(*matrix, "matrix");
    length = target->size();
  } else {
    if (targetName.empty())
      return fail("give a target (" + join(bfly::targetNames(), ", ") +
                  ") and -n, or --matrix W.npy");
    if (std::optional<std::string> problem = bfly::targetSizeProblem(length))
      return fail("-n " + Twine(length.getValue()) + ": " + *problem);
    target = bfly::makeTarget(targetName, length, seed);
    if (!target)
      return fail("unknown target '" + targetName + "': expected one of " +
                  join(bfly::targetNames(), ", "));
  }
  if (restarts < 1 || steps < 1 || jobs < 0 || timeLimit <= 0)
    return fail("--restarts, --steps and --time-limit must be positive");
  bool learned = permutation == FixedPermutation::Learned;
  bool decreasingStride = stride == StageOrder::Decreasing;
  if (method == Method::Hierarchical && (tied || !learned))
    return fail("--tied and --permutation apply to --method=gradient");
  if (logits != bfly::FitOptions::LogitSharing::Random &&
      (method == Method::Hierarchical || method == Method::Spectral ||
       !learned))
    return fail("--logits applies to --method=gradient with a learned "
                "permutation");

  bfly::FitOptions options;
  options.modelClass = modelClass;
  options.precision = precision;
  options.targetRmse =
      targetRmse > 0
          ? double(targetRmse)
          : (options.precision == bfly::Precision::F32 ? 1e-4 : 1e-10);
  options.seed = seed;
  bool terminal = isatty(fileno(stderr));
  options.progress = [&](const std::string &line) {
    if (terminal)
      errs() << "\r\033[K" << line;
    else
      errs() << line << "\n";
  };

  options.restarts = restarts;
  options.threads =
      jobs > 0 ? int(jobs)
               : int(std::max(1u, std::thread::hardware_concurrency()));
  options.timeLimitSeconds = timeLimit;
  options.maxSteps = steps;
  options.tied = tied;
  options.decreasingStride = decreasingStride;
  options.eitherStride = stride.getNumOccurrences() == 0;
  options.complexTwiddles = twiddles == bfly::Field::Complex;
  options.logitSharing = logits;
  options.learnPermutation = learned;
  if (permutation == FixedPermutation::BitReverse)
    options.permutation =
        bfly::PermutationChoices::shared(length, {true, false, false});

  if (std::optional<std::string> problem =
          bfly::fitRequestProblem(method, options))
    return fail(*problem);

  bfly::FitResult result = bfly::fit(method, *target, options);
  if (terminal)
    errs() << "\r\033[K";
  if (!result.failure.empty())
    return fail(result.method + " found no model: " + result.failure);
  for (const std::string &note : result.notes)
    WithColor::note(errs(), "bfly-learn") << note << "\n";
  bool recovered = result.rmse <= options.targetRmse;
  if (!recovered) {
    std::string why = bfly::notRecoveredReason(
        result, *target, options, {"--target-rmse", "--time-limit"});
    if (requireRecovery)
      return bfly::tool::fail("bfly-learn",
                              why + "; no model written (--require-recovery)",
                              kNotRecovered);
    WithColor::warning(errs(), "bfly-learn") << why << "\n";
  }

  bfly::Factorization &model = result.model;
  model.provenance = bfly::fitProvenance(
      result, options,
      matrixPath.empty() ? targetName.getValue()
                         : "matrix:" + matrixPath.getValue(),
      length, "bfly-learn " BFLY_VERSION);
  std::string commandLine = bfly::tool::commandLine("bfly-learn", argc, argv);
  if (Error error = bfly::writeModelFile(model, outputPath, commandLine))
    return fail(toString(std::move(error)));

  std::string rms = bfly::formatRmse(bfly::rms(*target));
  const std::string &rmseText = model.provenance["rmse"];
  errs() << "bfly-learn: " << target->name << " n=" << length << " "
         << model.provenance["model"] << " by " << result.method << ": rmse "
         << rmseText
         << (recovered ? " (recovered)"
                       : " (not recovered; the target's rms is ")
         << (recovered ? "" : rms) << (recovered ? "" : ")") << " in "
         << model.provenance["seconds"] << " s, permutation "
         << result.permutation << "\n";
  return 0;
}
