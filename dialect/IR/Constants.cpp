//===- Constants.cpp - the constants of bfly ops as complex doubles -------===//
#include "dialect/IR/Constants.h"

using namespace mlir;
using namespace mlir::bfly;

SmallVector<Value64> mlir::bfly::valuesOf(DenseElementsAttr attr) {
  // Typed iteration reads the raw buffer: going through an APFloat per
  // element cost seconds on the largest models (2^20: millions of values).
  SmallVector<Value64> values;
  values.reserve(attr.getNumElements());
  Type element = attr.getElementType();
  if (auto complex = dyn_cast<ComplexType>(element)) {
    if (complex.getElementType().isF32())
      for (std::complex<float> v : attr.getValues<std::complex<float>>())
        values.emplace_back(v.real(), v.imag());
    else
      for (std::complex<double> v : attr.getValues<std::complex<double>>())
        values.push_back(v);
  } else if (element.isF32()) {
    for (float v : attr.getValues<float>())
      values.emplace_back(v, 0.0);
  } else {
    for (double v : attr.getValues<double>())
      values.emplace_back(v, 0.0);
  }
  return values;
}

DenseElementsAttr mlir::bfly::attrOf(ArrayRef<Value64> values,
                                     ShapedType type) {
  Type element = type.getElementType();
  if (auto complex = dyn_cast<ComplexType>(element)) {
    if (complex.getElementType().isF32()) {
      SmallVector<std::complex<float>> v;
      for (Value64 x : values)
        v.emplace_back(float(x.real()), float(x.imag()));
      return DenseElementsAttr::get(type, ArrayRef(v));
    }
    return DenseElementsAttr::get(type, values);
  }
  if (element.isF32()) {
    SmallVector<float> v;
    for (Value64 x : values)
      v.push_back(float(x.real()));
    return DenseElementsAttr::get(type, ArrayRef(v));
  }
  SmallVector<double> v;
  for (Value64 x : values)
    v.push_back(x.real());
  return DenseElementsAttr::get(type, ArrayRef(v));
}
