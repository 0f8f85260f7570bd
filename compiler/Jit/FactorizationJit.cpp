//===- FactorizationJit.cpp - JIT-compile an in-memory model --------------===//
#include "compiler/Jit/FactorizationJit.h"

#include "compiler/Driver/Compiler.h"
#include "compiler/Import/FactorizationIR.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/raw_ostream.h"

namespace bfly {

Kernel jitCompile(Jit &jit, const Factorization &model) {
  if (std::optional<std::string> problem = model.validate())
    return Kernel::failure(BFLY_ERROR_COMPILE, "invalid model: " + *problem);
  mlir::DialectRegistry registry;
  registerCompilerDialects(registry);
  mlir::MLIRContext context(registry);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      factorizationToModule(context, model);
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os);
  return jit.compileBuffer(text, "<model object>");
}

} // namespace bfly
