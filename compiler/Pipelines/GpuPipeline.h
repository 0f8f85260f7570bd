//===- GpuPipeline.h - bfly model -> PTX for NVIDIA GPUs --------*- C++ -*-===//
//
// The pipeline bfly-compile --target=cuda runs and bfly-opt registers as
// --bfly-gpu-pipeline. It runs in two halves because the kernel's records
// (bfly.kernel, bfly.gpu_launch) live on the gpu.func, which the second half
// serializes away: the driver reads them in between.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_COMPILER_PIPELINES_GPUPIPELINE_H
#define BFLY_COMPILER_PIPELINES_GPUPIPELINE_H

#include "dialect/Transforms/Passes.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace bfly {

struct GpuPipelineOptions
    : public mlir::PassPipelineOptions<GpuPipelineOptions> {
  Option<std::string> chip{*this, "chip",
                           llvm::cl::desc("NVIDIA architecture (sm_XX)"),
                           llvm::cl::init("sm_90")};
  Option<std::string> features{
      *this, "features",
      llvm::cl::desc("PTX features (the PTX ISA version, +ptx80 for sm_90)"),
      llvm::cl::init("+ptx80")};
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
  Option<unsigned> maxRadix{
      *this, "max-radix",
      llvm::cl::desc("Largest group of stages a thread applies in registers "
                     "(bfly-fuse-stages: 2, 4, 8 or 16; default 16)"),
      llvm::cl::init(16)};
  Option<unsigned> vectorsPerBlock{
      *this, "vectors-per-block",
      llvm::cl::desc("Vectors a block carries (0: chosen)"), llvm::cl::init(0)};
  Option<unsigned> maxSharedBytes{
      *this, "max-shared-bytes",
      llvm::cl::desc("Most dynamic shared memory per block, in bytes"),
      llvm::cl::init(98304)};
};

/// bfly (model file) -> gpu.module of gpu.func kernels with their records.
void buildGpuKernelPipeline(mlir::OpPassManager &pm,
                            const GpuPipelineOptions &options);

/// gpu.module -> NVVM -> gpu.binary holding the PTX text.
void buildGpuBinaryPipeline(mlir::OpPassManager &pm,
                            const GpuPipelineOptions &options);

/// Both halves in order.
void buildGpuPipeline(mlir::OpPassManager &pm,
                      const GpuPipelineOptions &options);

/// Registers --bfly-gpu-pipeline.
void registerGpuPipeline();

} // namespace bfly

#endif // BFLY_COMPILER_PIPELINES_GPUPIPELINE_H
