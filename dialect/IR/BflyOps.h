//===- BflyOps.h - bfly dialect operations ----------------------*- C++ -*-===//
#ifndef BFLY_DIALECT_IR_BFLYOPS_H
#define BFLY_DIALECT_IR_BFLYOPS_H

#include "common/Permutation.h"
#include "dialect/IR/BflyDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <optional>

#include "dialect/IR/BflyEnums.h.inc"

#define GET_OP_CLASSES
#include "dialect/IR/BflyOps.h.inc"

namespace mlir::bfly {

/// The one mapping between the dialect's permutation kinds and the names
/// of common/Permutation.h: nullopt for `explicit`.
std::optional<::bfly::NamedPermutation>
namedPermutationOf(PermutationKind kind);
PermutationKind permutationKindOf(::bfly::NamedPermutation name);

} // namespace mlir::bfly

#endif // BFLY_DIALECT_IR_BFLYOPS_H
