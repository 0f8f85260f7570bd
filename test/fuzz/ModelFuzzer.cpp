//===- ModelFuzzer.cpp - model text: parse, verify, the CPU pipeline ------===//
//
// Any text: parsed and verified as a model file; a valid transform of at
// most 4096 elements (larger ones are fuzzed by the verifier alone: their
// lowering is big, not interesting) also goes through bfly-cpu-pipeline and
// the translation to LLVM IR. Errors are fine; crashes, hangs and
// sanitizer findings are bugs.
//
//===----------------------------------------------------------------------===//
#include "compiler/Driver/Compiler.h"
#include "compiler/Import/FactorizationIR.h"
#include "compiler/Pipelines/CpuPipeline.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static mlir::DialectRegistry *registry = [] {
    auto *r = new mlir::DialectRegistry;
    bfly::registerCompilerDialects(*r);
    return r;
  }();
  mlir::MLIRContext context(*registry, mlir::MLIRContext::Threading::DISABLED);
  context.getDiagEngine().registerHandler(
      [](mlir::Diagnostic &) { return mlir::success(); });
  std::string text(reinterpret_cast<const char *>(data), size);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(text, &context);
  if (!module)
    return 0;
  mlir::FailureOr<mlir::bfly::TransformOp> transform =
      bfly::getModelTransform(*module);
  if (mlir::failed(transform) || transform->getLength() > 4096)
    return 0;
  (void)bfly::transformToFactorization(*transform);
  mlir::PassManager pm(&context);
  bfly::CpuPipelineOptions options;
  options.cpu = "x86-64-v3";
  bfly::buildCpuPipeline(pm, options);
  if (mlir::failed(pm.run(*module)))
    return 0;
  llvm::LLVMContext llvmContext;
  (void)mlir::translateModuleToLLVMIR(*module, llvmContext);
  return 0;
}
