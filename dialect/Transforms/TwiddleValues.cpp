//===- TwiddleValues.cpp - constants of bfly ops as complex doubles -------===//
#include "dialect/Transforms/TwiddleValues.h"

#include <algorithm>
#include <cmath>

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

double mlir::bfly::spectralNorm(Value64 a, Value64 b, Value64 c, Value64 d) {
  // sigma_max^2 is the larger root of s^2 - F s + |det|^2, F = ||A||_F^2.
  double frobenius = std::norm(a) + std::norm(b) + std::norm(c) + std::norm(d);
  double det = std::norm(a * d - b * c);
  double disc = std::max(0.0, frobenius * frobenius - 4 * det);
  return std::sqrt(0.5 * (frobenius + std::sqrt(disc)));
}
