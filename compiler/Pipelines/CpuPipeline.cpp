//===- CpuPipeline.cpp - bfly model -> LLVM dialect kernel for CPUs -------===//
#include "compiler/Pipelines/CpuPipeline.h"

#include "compiler/Conversion/Passes.h"
#include "dialect/Transforms/Passes.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

namespace bfly {

void buildCpuPipeline(mlir::OpPassManager &pm,
                      const CpuPipelineOptions &options) {
  mlir::bfly::addTransformAlgebra(pm, options.op);
  // Pruning sees the model as it was learned, so the threshold and the
  // bound refer to the user's twiddles, not to normalized ones.
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
  if (options.lowering == Lowering::Loops) {
    pm.addPass(mlir::bfly::createConvertBflyToLoops());
  } else {
    mlir::bfly::BflyFuseStagesOptions fuse;
    fuse.maxRadix = options.maxRadix;
    fuse.vectorBits = options.vectorBits;
    pm.addNestedPass<mlir::bfly::TransformOp>(
        mlir::bfly::createBflyFuseStages(fuse));
    mlir::bfly::ConvertBflyToVectorOptions vector;
    vector.vectorBits = options.vectorBits;
    vector.blockBytes = options.blockBytes;
    pm.addPass(mlir::bfly::createConvertBflyToVector(vector));
  }
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(mlir::createCSEPass());
  pm.addPass(mlir::createLoopInvariantCodeMotionPass());
  pm.addPass(mlir::createSCFToControlFlowPass());
  pm.addPass(mlir::createConvertVectorToLLVMPass());
  pm.addPass(mlir::createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(mlir::createArithToLLVMConversionPass());
  pm.addPass(mlir::createConvertControlFlowToLLVMPass());
  mlir::ConvertFuncToLLVMPassOptions funcOptions;
  // Plain pointers in the kernel body's signature, so the ABI wrapper can
  // call it with addresses computed from the caller's buffers.
  funcOptions.useBarePtrCallConv = true;
  pm.addPass(mlir::createConvertFuncToLLVMPass(funcOptions));
  pm.addPass(mlir::createReconcileUnrealizedCastsPass());
  mlir::bfly::BflyExportKernelOptions exportOptions;
  exportOptions.cpu = options.cpu;
  exportOptions.cpuFeatures = options.cpuFeatures;
  exportOptions.generator = options.generator;
  pm.addPass(mlir::bfly::createBflyExportKernel(exportOptions));
}

void registerCpuPipeline() {
  mlir::PassPipelineRegistration<CpuPipelineOptions>(
      "bfly-cpu-pipeline",
      "Lower a bfly model to an LLVM-dialect kernel with the bfly kernel ABI",
      buildCpuPipeline);
}

} // namespace bfly
