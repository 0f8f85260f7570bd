//===- BflyOps.h - bfly dialect operations ----------------------*- C++ -*-===//
#ifndef BFLY_DIALECT_IR_BFLYOPS_H
#define BFLY_DIALECT_IR_BFLYOPS_H

#include "dialect/IR/BflyDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialect/IR/BflyEnums.h.inc"

#define GET_OP_CLASSES
#include "dialect/IR/BflyOps.h.inc"

#endif // BFLY_DIALECT_IR_BFLYOPS_H
