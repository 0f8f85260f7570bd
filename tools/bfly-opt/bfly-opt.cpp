//===- bfly-opt.cpp - mlir-opt for the bfly dialect -----------------------===//
//
// Runs any bfly pass, conversion or pipeline on a model file, so every step
// that bfly-compile takes can be replayed and inspected.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/Passes.h"
#include "compiler/Driver/Compiler.h"
#include "compiler/Pipelines/CpuPipeline.h"
#include "compiler/Pipelines/GpuPipeline.h"
#include "dialect/Transforms/Passes.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"
#include "tools/ToolSupport.h"
#include "llvm/Support/CommandLine.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  bfly::registerCompilerDialects(registry);

  mlir::bfly::registerBflyConversionPasses();
  mlir::bfly::registerBflyTransformsPasses();
  bfly::registerCpuPipeline();
  bfly::registerGpuPipeline();
  // The upstream passes the CPU pipeline is made of, to replay it by hand.
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::registerLoopInvariantCodeMotionPass();
  for (auto create :
       {&mlir::createSCFToControlFlowPass, &mlir::createConvertVectorToLLVMPass,
        &mlir::createFinalizeMemRefToLLVMConversionPass,
        &mlir::createArithToLLVMConversionPass,
        &mlir::createConvertControlFlowToLLVMPass,
        &mlir::createConvertFuncToLLVMPass,
        &mlir::createReconcileUnrealizedCastsPass})
    mlir::registerPass([create] { return create(); });

  // Only the options MlirOptMain registers from here on (the driver's, the
  // passes and pipelines) are bfly-opt's; what LLVM's libraries registered
  // when they were loaded is hidden.
  static llvm::cl::OptionCategory none("bfly-opt has none of these");
  bfly::tool::initCommandLine("bfly-opt", {&none});
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "bfly optimizer driver\n", registry));
}
