//===- Passes.h - passes on bfly factor chains ------------------*- C++ -*-===//
#ifndef BFLY_DIALECT_TRANSFORMS_PASSES_H
#define BFLY_DIALECT_TRANSFORMS_PASSES_H

#include "dialect/IR/BflyOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"

namespace mlir::bfly {

#define GEN_PASS_DECL
#include "dialect/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dialect/Transforms/Passes.h.inc"

/// Which map of a model a kernel computes: the model's, or its adjoint,
/// transpose or inverse (bfly-adjoint, bfly-transpose, bfly-inverse).
enum class TransformAlgebra { Forward, Adjoint, Transpose, Inverse };

/// The `--op` values naming each TransformAlgebra, for every command line
/// and pipeline option that chooses one.
inline llvm::cl::ValuesClass transformAlgebraValues() {
  return llvm::cl::values(
      clEnumValN(TransformAlgebra::Forward, "forward",
                 "the model's map (default)"),
      clEnumValN(TransformAlgebra::Adjoint, "adjoint",
                 "its adjoint (conjugate transpose)"),
      clEnumValN(TransformAlgebra::Transpose, "transpose", "its transpose"),
      clEnumValN(TransformAlgebra::Inverse, "inverse",
                 "its inverse (refused when a 2x2 block or a diagonal entry "
                 "is singular)"));
}

/// Adds the pass computing `which` on every bfly.transform (none for
/// Forward).
inline void addTransformAlgebra(OpPassManager &pm, TransformAlgebra which) {
  switch (which) {
  case TransformAlgebra::Forward:
    return;
  case TransformAlgebra::Adjoint:
    pm.addNestedPass<TransformOp>(createBflyAdjoint());
    return;
  case TransformAlgebra::Transpose:
    pm.addNestedPass<TransformOp>(createBflyTranspose());
    return;
  case TransformAlgebra::Inverse:
    pm.addNestedPass<TransformOp>(createBflyInverse());
    return;
  }
}

} // namespace mlir::bfly

#endif // BFLY_DIALECT_TRANSFORMS_PASSES_H
