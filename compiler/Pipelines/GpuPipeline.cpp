//===- GpuPipeline.cpp - bfly model -> PTX for NVIDIA GPUs ----------------===//
#include "compiler/Pipelines/GpuPipeline.h"

#include "compiler/Conversion/Passes.h"
#include "dialect/Transforms/Passes.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

namespace bfly {

void buildGpuKernelPipeline(mlir::OpPassManager &pm,
                            const GpuPipelineOptions &options) {
  mlir::bfly::addTransformAlgebra(pm, options.op);
  if (options.prune > 0) {
    mlir::bfly::BflyPruneTwiddlesOptions prune;
    prune.threshold = options.prune;
    pm.addNestedPass<mlir::bfly::TransformOp>(
        mlir::bfly::createBflyPruneTwiddles(prune));
  }
  if (options.simplify) {
    pm.addNestedPass<mlir::bfly::TransformOp>(
        mlir::bfly::createBflySimplifyTwiddles());
    pm.addNestedPass<mlir::bfly::TransformOp>(
        mlir::bfly::createBflyFoldPermutations());
  }
  // One element per "lane": groups are bounded only by distinct strides
  // and max-radix, each thread holding a group's elements in registers.
  mlir::bfly::BflyFuseStagesOptions fuse;
  fuse.maxRadix = options.maxRadix;
  fuse.vectorBits = 32;
  pm.addNestedPass<mlir::bfly::TransformOp>(
      mlir::bfly::createBflyFuseStages(fuse));
  mlir::bfly::ConvertBflyToGpuOptions gpu;
  gpu.vectorsPerBlock = options.vectorsPerBlock;
  gpu.maxSharedBytes = options.maxSharedBytes;
  pm.addPass(mlir::bfly::createConvertBflyToGpu(gpu));
}

void buildGpuBinaryPipeline(mlir::OpPassManager &pm,
                            const GpuPipelineOptions &options) {
  mlir::GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  target.features = options.features;
  target.optLevel = 3;
  pm.addPass(mlir::createGpuNVVMAttachTarget(target));
  mlir::OpPassManager &device = pm.nest<mlir::gpu::GPUModuleOp>();
  device.addPass(mlir::createSCFToControlFlowPass());
  device.addPass(mlir::createCanonicalizerPass());
  device.addPass(mlir::createCSEPass());
  mlir::ConvertGpuOpsToNVVMOpsOptions nvvm;
  // Indices of shared memory and tables fit 32 bits (global addresses are
  // computed in i64 explicitly): cheaper arithmetic on the GPU.
  nvvm.indexBitwidth = 32;
  device.addPass(mlir::createConvertGpuOpsToNVVMOps(nvvm));
  device.addPass(mlir::bfly::createBflyDeclareDynamicShared());
  device.addPass(mlir::createCanonicalizerPass());
  device.addPass(mlir::createCSEPass());
  pm.addPass(mlir::createReconcileUnrealizedCastsPass());
  mlir::GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = "isa"; // PTX text: no CUDA toolkit needed
  pm.addPass(mlir::createGpuModuleToBinaryPass(binary));
}

void buildGpuPipeline(mlir::OpPassManager &pm,
                      const GpuPipelineOptions &options) {
  buildGpuKernelPipeline(pm, options);
  buildGpuBinaryPipeline(pm, options);
}

void registerGpuPipeline() {
  mlir::PassPipelineRegistration<GpuPipelineOptions>(
      "bfly-gpu-pipeline",
      "Lower a bfly model to PTX kernels for NVIDIA GPUs (a gpu.binary)",
      buildGpuPipeline);
}

} // namespace bfly
