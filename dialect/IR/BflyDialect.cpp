//===- BflyDialect.cpp - the bfly dialect ---------------------------------===//
#include "dialect/IR/BflyDialect.h"
#include "dialect/IR/BflyOps.h"

using namespace mlir;
using namespace mlir::bfly;

#include "dialect/IR/BflyDialect.cpp.inc"

void BflyDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialect/IR/BflyOps.cpp.inc"
      >();
}

LogicalResult BflyDialect::verifyOperationAttribute(Operation *op,
                                                    NamedAttribute attr) {
  if (attr.getName() == kFuseGroupAttr) {
    if (!isa<StageOp>(op))
      return op->emitOpError() << kFuseGroupAttr << " is only for bfly.stage";
    auto group = dyn_cast<IntegerAttr>(attr.getValue());
    if (!group || !group.getType().isInteger(64))
      return op->emitOpError() << kFuseGroupAttr << " must be an i64";
    return success();
  }
  if (attr.getName() == kPruneBoundAttr) {
    auto bound = dyn_cast<FloatAttr>(attr.getValue());
    if (!bound || !bound.getType().isF64() || bound.getValueAsDouble() < 0)
      return op->emitOpError()
             << kPruneBoundAttr << " must be a non-negative f64";
    return success();
  }
  // bfly.provenance and bfly.kernel are records for people and the ABI
  // exporter, checked where they are read.
  return success();
}
