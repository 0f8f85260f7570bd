//===- BflyDialect.h - the bfly dialect -------------------------*- C++ -*-===//
#ifndef BFLY_DIALECT_IR_BFLYDIALECT_H
#define BFLY_DIALECT_IR_BFLYDIALECT_H

#include "mlir/IR/Dialect.h"

#include "dialect/IR/BflyDialect.h.inc"

#endif // BFLY_DIALECT_IR_BFLYDIALECT_H
