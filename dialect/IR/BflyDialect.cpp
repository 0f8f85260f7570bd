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
  // bfly.kernel, the lowered kernel's record for bfly-export-kernel, is
  // checked where it is read.
  return success();
}
