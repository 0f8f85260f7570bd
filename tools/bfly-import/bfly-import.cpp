//===- bfly-import.cpp - butterfly weights trained elsewhere -> a model ---===//
//
//   bfly-import twiddles.safetensors [--tensor=layer.twiddle] -o m.mlir
//   bfly-import twiddles.npy [--stride=decreasing] [--stack=K] -o m.mlir
//
// Reads a torch_butterfly twiddle tensor (nstacks, nblocks, log2 n, n/2, 2,
// 2) and writes the butterfly of one stack as a bfly model file.
//
//===----------------------------------------------------------------------===//
#include "compiler/Import/FactorizationIR.h"
#include "compiler/Import/Twiddles.h"
#include "tools/ToolSupport.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"

using namespace llvm;

static cl::OptionCategory toolCategory("bfly-import options");

static cl::opt<std::string>
    inputPath(cl::Positional, cl::desc("<twiddles.npy | twiddles.safetensors>"),
              cl::Required, cl::cat(toolCategory));
static cl::opt<std::string> outputPath("o", cl::desc("Output model file"),
                                       cl::value_desc("path"), cl::init("-"),
                                       cl::cat(toolCategory));
static cl::opt<std::string>
    tensorName("tensor",
               cl::desc("Safetensors: the tensor to read (default: the one "
                        "named '...twiddle')"),
               cl::cat(toolCategory));
enum class StageOrder { Increasing, Decreasing };
static cl::opt<StageOrder> stride(
    "stride", cl::desc("The module's increasing_stride"),
    cl::init(StageOrder::Increasing),
    cl::values(clEnumValN(StageOrder::Increasing, "increasing",
                          "stride 1 first (default; odd blocks then decrease)"),
               clEnumValN(StageOrder::Decreasing, "decreasing",
                          "stride n/2 first")),
    cl::cat(toolCategory));
static cl::opt<int64_t> stack("stack", cl::desc("Which stack to import"),
                              cl::init(0), cl::cat(toolCategory));
static cl::opt<std::string> functionName("name",
                                         cl::desc("Transform function name"),
                                         cl::init("transform"),
                                         cl::cat(toolCategory));

static int fail(const Twine &message) {
  return bfly::tool::fail("bfly-import", message);
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  bfly::tool::initCommandLine("bfly-import", {&toolCategory});
  cl::ParseCommandLineOptions(
      argc, argv,
      "bfly-import: torch_butterfly twiddles (.npy or .safetensors) to a "
      "bfly model\n");
  StringRef extension = sys::path::extension(inputPath);
  Expected<bfly::TwiddleTensor> tensor =
      extension == ".npy" ? bfly::readTwiddlesNpy(inputPath)
      : extension == ".safetensors"
          ? bfly::readTwiddlesSafetensors(inputPath, tensorName)
          : Expected<bfly::TwiddleTensor>(
                createStringError("'%s': expected a .npy or .safetensors file",
                                  inputPath.c_str()));
  if (!tensor)
    return fail(toString(tensor.takeError()));
  Expected<bfly::Factorization> model = bfly::butterflyFromTwiddles(
      *tensor, stride == StageOrder::Increasing, stack);
  if (!model)
    return fail("'" + inputPath + "': " + toString(model.takeError()));
  model->provenance["source"] = sys::path::filename(inputPath).str();
  if (Error error = bfly::writeModelFile(
          *model, outputPath,
          bfly::tool::commandLine("bfly-import", argc, argv), functionName))
    return fail(toString(std::move(error)));
  return 0;
}
