//===- CpuPipeline.h - bfly model -> LLVM dialect kernel for CPUs -*- C++
//-*-===//
//
// The one pipeline bfly-compile runs and bfly-opt registers as
// --bfly-cpu-pipeline, so any compile can be replayed step by step.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_COMPILER_PIPELINES_CPUPIPELINE_H
#define BFLY_COMPILER_PIPELINES_CPUPIPELINE_H

#include "dialect/Transforms/Passes.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace bfly {

/// How the factors become code: SIMD through the vector dialect, or the
/// plain scalar loops kept as a reference.
enum class Lowering { Vector, Loops };

struct CpuPipelineOptions
    : public mlir::PassPipelineOptions<CpuPipelineOptions> {
  Option<std::string> cpu{*this, "cpu",
                          llvm::cl::desc("Target CPU recorded in the kernel"),
                          llvm::cl::init("generic")};
  Option<std::string> cpuFeatures{
      *this, "cpu-features",
      llvm::cl::desc("CPU features the kernel requires, comma-separated"),
      llvm::cl::init("")};
  Option<mlir::bfly::TransformAlgebra> op{
      *this, "op", llvm::cl::desc("Which map the kernel computes"),
      llvm::cl::init(mlir::bfly::TransformAlgebra::Forward),
      mlir::bfly::transformAlgebraValues()};
  Option<bool> simplify{
      *this, "simplify",
      llvm::cl::desc("Run bfly-simplify-twiddles and bfly-fold-permutations "
                     "first (default on)"),
      llvm::cl::init(true)};
  Option<double> prune{
      *this, "prune",
      llvm::cl::desc("Run bfly-prune-twiddles with this threshold first "
                     "(0: no pruning, the default)"),
      llvm::cl::init(0.0)};
  Option<Lowering> lowering{
      *this, "lowering", llvm::cl::desc("How the factors become code"),
      llvm::cl::init(Lowering::Vector),
      llvm::cl::values(
          clEnumValN(Lowering::Vector, "vector", "SIMD code (the default)"),
          clEnumValN(Lowering::Loops, "loops",
                     "plain scalar loops, a reference"))};
  Option<unsigned> vectorBits{
      *this, "vector-bits",
      llvm::cl::desc("SIMD register width in bits for the vector lowering"),
      llvm::cl::init(256)};
  Option<unsigned> maxRadix{
      *this, "max-radix",
      llvm::cl::desc("Consecutive stages fused into one pass: up to "
                     "log2(max-radix) (2: none)"),
      llvm::cl::init(8)};
  Option<unsigned> blockBytes{
      *this, "block-bytes",
      llvm::cl::desc("Cache blocking of the vector lowering: passes within "
                     "blocks whose scratch fits in this many bytes run "
                     "block by block (0: never)"),
      llvm::cl::init(262144)};
  Option<std::string> generator{
      *this, "generator",
      llvm::cl::desc("How the kernel was made, recorded in its provenance"),
      llvm::cl::init("")};
};

/// bfly (model file) -> SIMD vector code (or scalar loops) -> LLVM dialect
/// with the kernel ABI.
void buildCpuPipeline(mlir::OpPassManager &pm,
                      const CpuPipelineOptions &options);

/// Registers --bfly-cpu-pipeline.
void registerCpuPipeline();

} // namespace bfly

#endif // BFLY_COMPILER_PIPELINES_CPUPIPELINE_H
