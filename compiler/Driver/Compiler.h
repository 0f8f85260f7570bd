//===- Compiler.h - model file -> LLVM IR -> object -> .so ------*- C++ -*-===//
//
// The ahead-of-time compiler behind bfly-compile: parses a model, runs the
// CPU pipeline, translates to LLVM IR, optimizes for a target CPU, emits an
// object and links a shared object. Every output is written to a temporary
// file and renamed into place, so a failure leaves nothing behind.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_COMPILER_DRIVER_COMPILER_H
#define BFLY_COMPILER_DRIVER_COMPILER_H

#include "compiler/Model/Factorization.h"
#include "compiler/Pipelines/CpuPipeline.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/OwningOpRef.h"
#include "runtime/include/bfly/kernel_abi.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/SourceMgr.h"

#include <string>
#include <vector>

namespace bfly {

/// What bfly-compile writes.
enum class EmitKind {
  Mlir,   ///< the lowered module, LLVM dialect
  LLVMIR, ///< optimized LLVM IR text
  Object, ///< a relocatable object file
  Shared, ///< a shared object with the kernel ABI (CPU or GPU)
  Ptx,    ///< the GPU kernel's PTX text
};

struct CompileOptions {
  /// "native" (this CPU with all its features) or an LLVM CPU name such as
  /// "x86-64-v3" for portable output.
  std::string cpu = "native";
  unsigned optLevel = 3;
  Lowering lowering = Lowering::Vector;
  /// Twiddles of smaller magnitude become zeros (bfly-prune-twiddles, which
  /// reports its bound on the change as a remark); 0: none.
  double pruneThreshold = 0;
  /// SIMD width in bits; 0: the widest the CPU has (512 with AVX-512, 256
  /// with AVX, else 128).
  unsigned vectorBits = 0;
  /// Consecutive stages fused into one pass: up to log2(maxRadix).
  unsigned maxRadix = 8;
  /// Cache blocking: passes that stay within blocks whose scratch fits in
  /// this many bytes run block by block (0: never).
  unsigned blockBytes = 262144;
  /// How the kernel was made (a command line), kept in its provenance.
  std::string generator;
  /// The map the kernel computes: the model's, or its adjoint, transpose or
  /// inverse.
  mlir::bfly::TransformAlgebra op = mlir::bfly::TransformAlgebra::Forward;
  /// Time the code generator's variants of the model on this CPU and keep
  /// the fastest (Tuner.h); a choice in `wisdomPath` ("": none) is reused.
  bool tune = false;
  std::string wisdomPath;
  /// Where remarks such as the tuner's timings go (null: nowhere).
  llvm::raw_ostream *log = nullptr;
  /// A GPU kernel for this NVIDIA architecture ("sm_90") instead of CPU
  /// code; empty: CPU.
  std::string gpuArch;
  /// GPU: stages a thread applies in registers, up to log2(gpuMaxRadix).
  unsigned gpuMaxRadix = 16;
  /// GPU: vectors one block carries (0: chosen by convert-bfly-to-gpu).
  unsigned gpuVectorsPerBlock = 0;
  /// GPU: the most dynamic shared memory a block may use; longer vectors
  /// run in several passes over tiles.
  unsigned gpuMaxSharedBytes = 96 * 1024;
};

/// The dialects that model files and the lowering use.
void registerCompilerDialects(mlir::DialectRegistry &registry);

/// Reads the model file at `inputPath` ("-": stdin) and compiles it to
/// `emit` at `outputPath`: bfly-compile. Diagnostics (errors with their
/// source lines, bfly-prune-twiddles's remark, the tuner's choice) go to
/// `diagnostics`.
llvm::Error compileModelFile(llvm::StringRef inputPath,
                             const CompileOptions &options, EmitKind emit,
                             llvm::StringRef outputPath,
                             llvm::raw_ostream &diagnostics);

/// Compiles `model` (consumed: it is lowered in place) and writes `emit` to
/// `outputPath` ("-" is stdout for text outputs).
llvm::Error compileModel(mlir::ModuleOp model, const CompileOptions &options,
                         EmitKind emit, llvm::StringRef outputPath);

/// Compiles `model` (consumed) for options.gpuArch: `emit` Mlir (the gpu
/// dialect kernel), Ptx, or Shared (a .so with the PTX and a
/// bfly_gpu_kernel_descriptor, gpu_kernel_abi.h, next to the model's CPU
/// kernel for options.cpu).
llvm::Error compileModelForGpu(mlir::ModuleOp model,
                               const CompileOptions &options, EmitKind emit,
                               llvm::StringRef outputPath);

/// One launch of a GPU kernel (gpu_kernel_abi.h's bfly_gpu_launch).
struct GpuLaunchImage {
  std::string entry;
  int64_t blockThreads = 0, sharedBytes = 0, vectorsPerBlock = 0, tiles = 1;
  bool readsOutput = false;
};

/// A GPU kernel compiled to PTX, with what its descriptor says
/// (gpu_kernel_abi.h).
struct GpuKernelImage {
  std::string name, provenance, arch, ptx;
  int64_t n = 0, flops = 0, nonzeroTwiddles = 0;
  int32_t inputDtype = 0, outputDtype = 0;
  bool inPlace = true;
  std::vector<GpuLaunchImage> launches; ///< in order
};

/// Compiles `model` (consumed) to PTX for options.gpuArch, in memory.
llvm::Expected<GpuKernelImage> compileGpuImage(mlir::ModuleOp model,
                                               const CompileOptions &options);

/// A kernel compiled in process: the engine holds its code and data, the
/// descriptor (from its bfly_kernel_query) points into them.
struct JitKernel {
  std::unique_ptr<mlir::ExecutionEngine> engine;
  const bfly_kernel_descriptor *descriptor = nullptr;
};

/// Compiles `model` (consumed) for this CPU in memory with
/// mlir::ExecutionEngine: the same pipeline and optimization as
/// compileModel, no files, no linker.
llvm::Expected<JitKernel> jitCompileModel(mlir::ModuleOp model,
                                          const CompileOptions &options);

/// Compiles an in-memory model straight to `emit` at `outputPath`: the
/// same path as writing it to a model file and running bfly-compile on it.
llvm::Error compileFactorization(const Factorization &model,
                                 const CompileOptions &options, EmitKind emit,
                                 llvm::StringRef outputPath);

} // namespace bfly

#endif // BFLY_COMPILER_DRIVER_COMPILER_H
