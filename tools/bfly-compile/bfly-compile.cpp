//===- bfly-compile.cpp - compile a bfly model to a kernel ----------------===//
#include "compiler/Driver/Compiler.h"
#include "compiler/Driver/Tuner.h"

#include "tools/ToolSupport.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"

#include <cmath>

using namespace llvm;

static cl::OptionCategory toolCategory("bfly-compile options");

static cl::opt<std::string> inputPath(cl::Positional, cl::desc("<model.mlir>"),
                                      cl::Required, cl::cat(toolCategory));
static cl::opt<std::string> outputPath("o", cl::desc("Output file"),
                                       cl::value_desc("path"),
                                       cl::cat(toolCategory));
static cl::opt<bfly::EmitKind> emitKind(
    "emit", cl::desc("What to write"), cl::init(bfly::EmitKind::Shared),
    cl::values(clEnumValN(bfly::EmitKind::Mlir, "mlir",
                          "the lowered module (LLVM dialect)"),
               clEnumValN(bfly::EmitKind::LLVMIR, "llvm", "LLVM IR text"),
               clEnumValN(bfly::EmitKind::Object, "obj", "an object file"),
               clEnumValN(bfly::EmitKind::Shared, "so",
                          "a kernel shared object (default)"),
               clEnumValN(bfly::EmitKind::Ptx, "ptx",
                          "the GPU kernel's PTX (--target=cuda)")),
    cl::cat(toolCategory));
static cl::opt<std::string>
    cpu("cpu",
        cl::desc("Target CPU: 'native' (this machine, default) or an LLVM "
                 "CPU name such as 'x86-64-v3' for portable kernels"),
        cl::init("native"), cl::cat(toolCategory));
static cl::opt<std::string>
    target("target",
           cl::desc("What the kernel runs on: 'cpu' (default) or "
                    "'cuda[:sm_XX]', an NVIDIA GPU (default sm_90)"),
           cl::init("cpu"), cl::cat(toolCategory));
static cl::opt<unsigned> vectorsPerBlock(
    "vectors-per-block",
    cl::desc("GPU: vectors one block carries, a power of two (default: "
             "chosen)"),
    cl::init(0), cl::cat(toolCategory));
static cl::opt<unsigned> maxSharedBytes(
    "max-shared-bytes",
    cl::desc("GPU: most dynamic shared memory per block, in bytes (default "
             "98304); longer vectors run in several passes"),
    cl::init(96 * 1024), cl::cat(toolCategory));
static cl::opt<mlir::bfly::TransformAlgebra>
    transformOp("op", cl::desc("Which map the kernel computes"),
                cl::init(mlir::bfly::TransformAlgebra::Forward),
                mlir::bfly::transformAlgebraValues(), cl::cat(toolCategory));
static cl::opt<bfly::Lowering> lowering(
    "lowering", cl::desc("How the factors become code"),
    cl::init(bfly::Lowering::Vector),
    cl::values(clEnumValN(bfly::Lowering::Vector, "vector",
                          "SIMD code (default)"),
               clEnumValN(bfly::Lowering::Loops, "loops",
                          "plain scalar loops, the reference lowering")),
    cl::cat(toolCategory));
static cl::opt<double>
    prune("prune",
          cl::desc("Make twiddles smaller than this zeros before lowering, and "
                   "report the bound on the change (default 0: none)"),
          cl::value_desc("threshold"), cl::init(0.0), cl::cat(toolCategory));
static cl::opt<unsigned>
    vectorBits("vector-bits",
               cl::desc("SIMD width in bits: 128, 256 or 512 (default: the "
                        "widest the CPU has)"),
               cl::init(0), cl::cat(toolCategory));
static cl::opt<unsigned>
    maxRadix("max-radix",
             cl::desc("Consecutive stages fused into one pass: up to "
                      "log2(max-radix); 2, 4, 8 (default on CPU) or 16 "
                      "(default on GPU)"),
             cl::init(8), cl::cat(toolCategory));
static cl::opt<unsigned> blockBytes(
    "block-bytes",
    cl::desc("Cache blocking for large n: consecutive passes that stay "
             "within blocks whose scratch fits in this many bytes run block "
             "by block (default 262144; 0: never)"),
    cl::init(262144), cl::cat(toolCategory));
static cl::opt<bool>
    tune("tune",
         cl::desc("Time the code generator's variants (fusion radix, SIMD "
                  "width, cache blocking) on this CPU and keep the fastest; "
                  "the choice is kept in the wisdom file, so tuning the same "
                  "model again is instant"),
         cl::init(false), cl::cat(toolCategory));
static cl::opt<std::string>
    wisdom("wisdom",
           cl::desc("Where --tune keeps its choices (default $BFLY_WISDOM, "
                    "else ~/.cache/bfly/wisdom.txt; 'none': nowhere)"),
           cl::value_desc("path"), cl::cat(toolCategory));
static cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimization level"),
                                  cl::init(3), cl::Prefix,
                                  cl::cat(toolCategory));

/// The default output next to the input: model.mlir -> model.so.
static std::string defaultOutput() {
  if (emitKind == bfly::EmitKind::Mlir || emitKind == bfly::EmitKind::LLVMIR)
    return "-";
  SmallString<128> path(sys::path::filename(inputPath));
  sys::path::replace_extension(path, emitKind == bfly::EmitKind::Object ? "o"
                                     : emitKind == bfly::EmitKind::Ptx  ? "ptx"
                                                                        : "so");
  return std::string(path);
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  bfly::tool::initCommandLine("bfly-compile", {&toolCategory});
  cl::ParseCommandLineOptions(
      argc, argv, "bfly-compile: compile a bfly model to a kernel\n");
  std::string commandLine =
      bfly::tool::commandLine("bfly-compile " BFLY_VERSION, argc, argv);

  bfly::CompileOptions options;
  options.cpu = cpu;
  options.optLevel = optLevel;
  if (!(prune >= 0) || !std::isfinite(prune))
    return bfly::tool::fail("bfly-compile",
                            "--prune must be a threshold of at least 0, got " +
                                std::to_string(prune.getValue()));
  if (vectorBits != 0 && vectorBits != 128 && vectorBits != 256 &&
      vectorBits != 512)
    return bfly::tool::fail("bfly-compile",
                            "--vector-bits must be 128, 256 or 512, got " +
                                Twine(vectorBits.getValue()));
  if (maxRadix != 2 && maxRadix != 4 && maxRadix != 8 && maxRadix != 16)
    return bfly::tool::fail("bfly-compile",
                            "--max-radix must be 2, 4, 8 or 16, got " +
                                Twine(maxRadix.getValue()));
  options.maxRadix = maxRadix;
  options.blockBytes = blockBytes;
  options.lowering = lowering;
  options.pruneThreshold = prune;
  options.vectorBits = vectorBits;
  options.generator = commandLine;
  options.op = transformOp;
  options.tune = tune;
  if (wisdom.getNumOccurrences() && !tune)
    return bfly::tool::fail("bfly-compile", "--wisdom is for --tune");
  options.wisdomPath = wisdom == "none" ? ""
                       : wisdom.empty() ? bfly::defaultWisdomPath()
                                        : wisdom.getValue();
  StringRef targetName = target;
  if (targetName.consume_front("cuda")) {
    options.gpuArch = "sm_90";
    if (targetName.consume_front(":"))
      options.gpuArch = targetName.str();
    else if (!targetName.empty())
      return bfly::tool::fail(
          "bfly-compile",
          "--target must be 'cpu' or 'cuda[:sm_XX]', got '" + target + "'");
    options.gpuVectorsPerBlock = vectorsPerBlock;
    options.gpuMaxSharedBytes = maxSharedBytes;
    if (maxRadix.getNumOccurrences())
      options.gpuMaxRadix = maxRadix;
  } else if (targetName != "cpu") {
    return bfly::tool::fail("bfly-compile",
                            "--target must be 'cpu' or 'cuda[:sm_XX]', got '" +
                                target + "'");
  } else if (vectorsPerBlock != 0 || maxSharedBytes.getNumOccurrences()) {
    return bfly::tool::fail("bfly-compile",
                            "--vectors-per-block and --max-shared-bytes are "
                            "for --target=cuda");
  }
  std::string output = outputPath.empty() ? defaultOutput() : outputPath;
  if (Error error = bfly::compileModelFile(inputPath, options, emitKind, output,
                                           errs())) {
    WithColor::error(errs(), "bfly-compile")
        << toString(std::move(error)) << "\n";
    return 1;
  }
  return 0;
}
