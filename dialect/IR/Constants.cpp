//===- Constants.cpp - the constants of bfly ops as complex doubles -------===//
#include "dialect/IR/Constants.h"

using namespace mlir;
using namespace mlir::bfly;

SmallVector<Value64> mlir::bfly::valuesOf(DenseElementsAttr attr) {
  SmallVector<Value64> values;
  if (isa<ComplexType>(attr.getElementType())) {
    for (std::complex<APFloat> v : attr.getValues<std::complex<APFloat>>())
      values.emplace_back(v.real().convertToDouble(),
                          v.imag().convertToDouble());
  } else {
    for (APFloat v : attr.getValues<APFloat>())
      values.emplace_back(v.convertToDouble(), 0.0);
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
