//===- Constants.h - the constants of bfly ops as complex doubles -*- C++
//-*-===//
//
// Twiddles and diagonals are stored in the model's element type (f32, f64,
// complex or not); whoever computes on them (the passes, the importer)
// reads them as complex doubles and writes them back rounded.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_DIALECT_IR_CONSTANTS_H
#define BFLY_DIALECT_IR_CONSTANTS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

#include <complex>

namespace mlir::bfly {

using Value64 = std::complex<double>;

/// The constants of `attr` (real or complex) as complex doubles.
SmallVector<Value64> valuesOf(DenseElementsAttr attr);

/// `values` as constants of `type` (rounded to its element type).
DenseElementsAttr attrOf(ArrayRef<Value64> values, ShapedType type);

} // namespace mlir::bfly

#endif // BFLY_DIALECT_IR_CONSTANTS_H
