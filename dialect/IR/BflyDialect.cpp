//===- BflyDialect.cpp - the bfly dialect ---------------------------------===//
#include "dialect/IR/BflyDialect.h"
#include "dialect/IR/BflyOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;
using namespace mlir::bfly;

#include "dialect/IR/BflyDialect.cpp.inc"

void BflyDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialect/IR/BflyOps.cpp.inc"
      >();
}

/// The lowered kernel's record: every field bfly-export-kernel reads, with
/// its type, so a hand-written one cannot crash the exporter.
static LogicalResult verifyKernelRecord(Operation *op, Attribute value) {
  auto record = dyn_cast<DictionaryAttr>(value);
  if (!record)
    return op->emitOpError()
           << BflyDialect::kKernelAttr << " must be a dictionary";
  for (StringRef key : {"name", "provenance"})
    if (!isa_and_nonnull<StringAttr>(record.get(key)))
      return op->emitOpError()
             << BflyDialect::kKernelAttr << " needs a string '" << key << "'";
  for (StringRef key : {"n", "output_n", "flops", "nonzero_twiddles"}) {
    auto number = dyn_cast_or_null<IntegerAttr>(record.get(key));
    if (!number || !number.getType().isInteger(64) || number.getInt() < 0)
      return op->emitOpError() << BflyDialect::kKernelAttr
                               << " needs a non-negative i64 '" << key << "'";
  }
  for (StringRef key : {"input", "output"}) {
    auto type = dyn_cast_or_null<TypeAttr>(record.get(key));
    Type element = type ? type.getValue() : Type();
    if (auto complex = dyn_cast_or_null<ComplexType>(element))
      element = complex.getElementType();
    if (!element || !(element.isF32() || element.isF64()))
      return op->emitOpError()
             << BflyDialect::kKernelAttr << " needs an element type '" << key
             << "' (f32, f64, complex<f32> or complex<f64>)";
  }
  // A kernel that can split a vector across threads names its phase
  // function, with the phase count and scratch size: all three or none.
  Attribute phaseFunction = record.get("phase_function");
  if (!phaseFunction && !record.get("phases") &&
      !record.get("phase_scratch_bytes"))
    return success();
  if (!isa_and_nonnull<FlatSymbolRefAttr>(phaseFunction))
    return op->emitOpError() << BflyDialect::kKernelAttr
                             << " needs a symbol 'phase_function' with its "
                                "'phases'";
  for (StringRef key : {"phases", "phase_scratch_bytes"}) {
    auto number = dyn_cast_or_null<IntegerAttr>(record.get(key));
    if (!number || !number.getType().isInteger(64) || number.getInt() < 1)
      return op->emitOpError()
             << BflyDialect::kKernelAttr << " needs a positive i64 '" << key
             << "' with its 'phase_function'";
  }
  // Where the phase function's second scratch buffer starts (0: the two
  // are one): inside the scratch, on the 64-byte alignment of the first.
  auto split = dyn_cast_or_null<IntegerAttr>(record.get("phase_scratch_split"));
  int64_t bytes = cast<IntegerAttr>(record.get("phase_scratch_bytes")).getInt();
  if (!split || !split.getType().isInteger(64) || split.getInt() < 0 ||
      split.getInt() >= bytes || split.getInt() % 64)
    return op->emitOpError()
           << BflyDialect::kKernelAttr
           << " needs an i64 'phase_scratch_split', a multiple of 64 below "
              "'phase_scratch_bytes'";
  return success();
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
  if (attr.getName() == kKernelAttr)
    return verifyKernelRecord(op, attr.getValue());
  if (attr.getName() == kGpuLaunchAttr) {
    auto record = dyn_cast<DictionaryAttr>(attr.getValue());
    auto number = [&](StringRef key) -> FailureOr<int64_t> {
      auto value =
          record ? dyn_cast_or_null<IntegerAttr>(record.get(key)) : nullptr;
      if (!value || !value.getType().isInteger(64))
        return failure();
      return value.getInt();
    };
    for (StringRef key : {"block_threads", "vectors_per_block"}) {
      FailureOr<int64_t> value = number(key);
      if (failed(value) || *value < 1)
        return op->emitOpError()
               << kGpuLaunchAttr << " needs a positive i64 '" << key << "'";
    }
    if (*number("block_threads") % *number("vectors_per_block"))
      return op->emitOpError() << kGpuLaunchAttr
                               << " needs 'vectors_per_block' to divide "
                                  "'block_threads'";
    FailureOr<int64_t> shared = number("shared_bytes");
    if (failed(shared) || *shared < 0)
      return op->emitOpError()
             << kGpuLaunchAttr << " needs a non-negative i64 'shared_bytes'";
    return success();
  }
  return success();
}
