//===- bfly-model.cpp - write the exact model of a named transform --------===//
//
// The known fast algorithms as model files: a baseline for learned models
// and a fixture for the compiler. (bfly-learn fits models; this writes them.)
//
//===----------------------------------------------------------------------===//
#include "compiler/Import/FactorizationIR.h"
#include "compiler/Model/Factorization.h"

#include "common/Limits.h"
#include "tools/ToolSupport.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

static cl::OptionCategory toolCategory("bfly-model options");

static cl::opt<std::string> transformName(
    cl::Positional,
    cl::desc("<transform: dft, idft (its inverse), rfft (real input, n/2+1 "
             "bins out, as FFTW's r2c), irfft (FFTW's c2r), hadamard "
             "(Sylvester) or random (untied Gaussian twiddles)>"),
    cl::Required, cl::cat(toolCategory));
static cl::opt<int64_t> length("n", cl::desc("Length, a power of two"),
                               cl::Required, cl::cat(toolCategory));
static cl::opt<std::string> outputPath("o", cl::desc("Output model file"),
                                       cl::value_desc("path"), cl::init("-"),
                                       cl::cat(toolCategory));
static cl::opt<std::string>
    elementType("type",
                cl::desc("Element type: f32, f64, complex<f32> (default), "
                         "complex<f64>; the DFT needs a complex one"),
                cl::init("complex<f32>"), cl::cat(toolCategory));
static cl::opt<bfly::Normalization> normalization(
    "norm", cl::desc("Scaling"), cl::init(bfly::Normalization::Unitary),
    cl::values(clEnumValN(bfly::Normalization::Unitary, "unitary",
                          "1/sqrt(n) overall, spread over the stages"),
               clEnumValN(bfly::Normalization::None, "none",
                          "the textbook sums, unscaled")),
    cl::cat(toolCategory));
static cl::opt<uint64_t> seed("seed", cl::desc("Seed of a random model"),
                              cl::init(1), cl::cat(toolCategory));
static cl::opt<int64_t> nearDiagonal(
    "near-diagonal-stages",
    cl::desc("Random models: this many of the even-numbered stages get "
             "1000x smaller off-diagonal twiddles (something to prune)"),
    cl::init(0), cl::cat(toolCategory));
static cl::opt<std::string> functionName("name",
                                         cl::desc("Transform function name"),
                                         cl::init("transform"),
                                         cl::cat(toolCategory));

static int fail(const Twine &message) {
  return bfly::tool::fail("bfly-model", message);
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  bfly::tool::initCommandLine("bfly-model", {&toolCategory});
  cl::ParseCommandLineOptions(
      argc, argv,
      "bfly-model: write the exact model of a named transform, or a random "
      "butterfly\n");

  if (!bfly::isValidLength(length))
    return fail("-n must be " + bfly::validLengthText() + ", got " +
                Twine(length.getValue()));
  std::optional<bfly::ElementType> type = bfly::ElementType::parse(elementType);
  if (!type)
    return fail("unknown element type '" + elementType + "'");
  bfly::Factorization model;
  if (transformName != "dft" && transformName != "idft" &&
      transformName != "rfft" && transformName != "irfft" &&
      transformName != "hadamard" && transformName != "random")
    return fail("unknown transform '" + transformName +
                "': expected dft, idft, rfft, irfft, hadamard or random");
  if (nearDiagonal < 0)
    return fail("--near-diagonal-stages must not be negative");
  if (transformName == "random") {
    model = bfly::Factorization::random(length, *type, seed, nearDiagonal);
  } else if (transformName == "rfft" || transformName == "irfft") {
    // Its chain is a DFT of n/2 points, whose length must be valid too.
    if (length < 4)
      return fail("-n must be at least 4 for " + transformName + ", got " +
                  Twine(length.getValue()));
    if (type->field != bfly::Field::Complex)
      return fail(transformName +
                  " needs a complex element type (its spectrum's), got " +
                  elementType);
    if (normalization.getNumOccurrences())
      return fail(transformName + " is unnormalized, as FFTW's; --norm does "
                                  "not apply");
    model = transformName == "rfft"
                ? bfly::Factorization::rfft(length, type->precision)
                : bfly::Factorization::irfft(length, type->precision);
  } else if (transformName == "hadamard") {
    model = bfly::Factorization::hadamard(length, *type, normalization);
  } else {
    if (type->field != bfly::Field::Complex)
      return fail("the DFT needs a complex element type, got " + elementType);
    model = bfly::Factorization::dft(length, transformName == "idft",
                                     normalization, type->precision);
  }
  model.provenance["tool"] = "bfly-model " BFLY_VERSION;

  std::string commandLine = bfly::tool::commandLine("bfly-model", argc, argv);
  if (Error error =
          bfly::writeModelFile(model, outputPath, commandLine, functionName))
    return fail(toString(std::move(error)));
  return 0;
}
