//===- Passes.h - passes on bfly factor chains ------------------*- C++ -*-===//
#ifndef BFLY_DIALECT_TRANSFORMS_PASSES_H
#define BFLY_DIALECT_TRANSFORMS_PASSES_H

#include "dialect/IR/BflyOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::bfly {

#define GEN_PASS_DECL
#include "dialect/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dialect/Transforms/Passes.h.inc"

} // namespace mlir::bfly

#endif // BFLY_DIALECT_TRANSFORMS_PASSES_H
