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
