//===- TransformAlgebra.cpp - transpose, adjoint and inverse of a chain ---===//
//
// A chain F_k ... F_1 has transpose F_1^T ... F_k^T, adjoint F_1^H ...
// F_k^H and inverse F_1^-1 ... F_k^-1: the factors in reverse order, each
// replaced by its own. A stage's transpose, adjoint and inverse are those
// of its 2x2 blocks (it is block diagonal on its pairs), so a tied stage
// stays tied; a permutation's are all its inverse; a diagonal's are itself,
// its conjugate and its reciprocal. A real map that is the real part of a
// complex chain, Re(A) on real vectors, has transpose and adjoint Re(A^T)
// = Re(A^H): the chain between bfly.complex and bfly.real is transposed and
// the two stay at the ends. Its inverse is no such chain in general.
// A padded and truncated map P^T A P' has transpose and adjoint with the
// padding and truncation swapped, and no inverse. A real-input DFT
// RS A pack has inverse unpack A^-1 (PS / 2): bfly.pack_spectrum (PS) is
// twice the inverse of bfly.real_spectrum (RS); being linear over the
// reals only, it has no transpose or adjoint in the model.
//
//===----------------------------------------------------------------------===//
#include "dialect/Transforms/Passes.h"

#include "dialect/IR/BflyDialect.h"
#include "dialect/IR/BflyOps.h"
#include "dialect/IR/Constants.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"

#include <cstdio>

namespace mlir::bfly {
#define GEN_PASS_DEF_BFLYTRANSPOSE
#define GEN_PASS_DEF_BFLYADJOINT
#define GEN_PASS_DEF_BFLYINVERSE
#include "dialect/Transforms/Passes.h.inc"
} // namespace mlir::bfly

using namespace mlir;
using namespace mlir::bfly;

namespace {

enum class Algebra { Transpose, Adjoint, Inverse };

StringRef nameOf(Algebra which) {
  switch (which) {
  case Algebra::Transpose:
    return "transpose";
  case Algebra::Adjoint:
    return "adjoint";
  case Algebra::Inverse:
    return "inverse";
  }
  return "";
}

/// `v` with negative zeros made positive: the algebra's signs are the
/// value's, not artifacts (conj(1) is 1, not 1 - 0i).
Value64 clean(Value64 v) { return {v.real() + 0.0, v.imag() + 0.0}; }

/// "2", "-1.5i", "1+2i": an entry as a message shows it.
std::string format(Value64 v) {
  char text[64];
  if (v.imag() == 0)
    std::snprintf(text, sizeof text, "%g", v.real());
  else if (v.real() == 0)
    std::snprintf(text, sizeof text, "%gi", v.imag());
  else
    std::snprintf(text, sizeof text, "%g%+gi", v.real(), v.imag());
  return text;
}

/// The same matrix's entries for `which`, or failure (a singular block).
FailureOr<SmallVector<Value64>> stageTwiddles(StageOp stage, Algebra which) {
  SmallVector<Value64> m = valuesOf(stage.getTwiddles());
  for (size_t p = 0; p + 3 < m.size(); p += 4) {
    Value64 a = m[p], b = m[p + 1], c = m[p + 2], d = m[p + 3];
    switch (which) {
    case Algebra::Transpose:
      m[p + 1] = c;
      m[p + 2] = b;
      break;
    case Algebra::Adjoint:
      m[p] = std::conj(a);
      m[p + 1] = std::conj(c);
      m[p + 2] = std::conj(b);
      m[p + 3] = std::conj(d);
      break;
    case Algebra::Inverse: {
      Value64 det = a * d - b * c;
      double scale = std::abs(a) * std::abs(d) + std::abs(b) * std::abs(c);
      if (!(std::abs(det) > 1e-12 * scale)) {
        stage.emitOpError() << "has no inverse: its 2x2 matrix " << p / 4
                            << " [" << format(a) << " " << format(b) << "; "
                            << format(c) << " " << format(d) << "] is singular";
        return failure();
      }
      m[p] = d / det;
      m[p + 1] = -b / det;
      m[p + 2] = -c / det;
      m[p + 3] = a / det;
      break;
    }
    }
  }
  for (Value64 &v : m)
    v = clean(v);
  return m;
}

/// A diagonal of `value` on the `length` elements of `input`.
Value scaled(OpBuilder &b, Location loc, Value input, double value) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<Value64> d(type.getDimSize(0), Value64(value));
  return DiagOp::create(b, loc, type, input, attrOf(d, type));
}

/// `value` through the reverse of `edge`, the edge of the map being
/// transposed or inverted, giving `type`: padding and truncation swap,
/// packing and unpacking too, and bfly.pack_spectrum is twice
/// bfly.real_spectrum's inverse.
Value reversedEdge(OpBuilder &b, Location loc, Operation *edge, Type type,
                   Value value) {
  if (isa<TruncateOp>(edge))
    return PadOp::create(b, loc, type, value);
  if (isa<PadOp>(edge))
    return TruncateOp::create(b, loc, type, value);
  if (isa<UnpackOp>(edge))
    return PackOp::create(b, loc, type, value);
  if (isa<PackOp>(edge))
    return UnpackOp::create(b, loc, type, value);
  if (isa<RealSpectrumOp>(edge))
    return scaled(b, loc, PackSpectrumOp::create(b, loc, type, value), 0.5);
  assert(isa<PackSpectrumOp>(edge) && "an edge bfly.transform knows");
  return RealSpectrumOp::create(b, loc, type, scaled(b, loc, value, 0.5));
}

LogicalResult rewriteChain(TransformOp transform, Algebra which) {
  SmallVector<Operation *> chain = transform.getFactors();
  // The edges (the caller's lengths) come off first; bfly.complex and
  // bfly.real are then at the inner chain's ends.
  Operation *inputEdge = transform.getInputEdge();
  Operation *outputEdge = transform.getOutputEdge();
  ArrayRef<Operation *> betweenEdges(chain);
  if (inputEdge)
    betweenEdges = betweenEdges.drop_front();
  if (outputEdge)
    betweenEdges = betweenEdges.drop_back();
  bool spectrum = isa_and_nonnull<PackOp, PackSpectrumOp>(inputEdge) ||
                  isa_and_nonnull<UnpackOp, RealSpectrumOp>(outputEdge);
  if (spectrum && which != Algebra::Inverse)
    return transform.emitOpError()
           << "has no " << nameOf(which)
           << " in the model: a real-input DFT or its inverse is linear over "
              "the reals only (its inverse is in the model)";
  if ((inputEdge || outputEdge) && !spectrum && which == Algebra::Inverse)
    return transform.emitOpError()
           << "has no inverse: bfly.pad and bfly.truncate make it a "
              "rectangular map (its transpose and adjoint are in the model)";
  bool toComplex =
      !betweenEdges.empty() && isa<ComplexOp>(betweenEdges.front());
  bool toReal = !betweenEdges.empty() && isa<RealOp>(betweenEdges.back());
  if (toComplex != toReal)
    return transform.emitOpError()
           << "has no " << nameOf(which) << " in the model: it maps "
           << (toComplex ? "real" : "complex") << " vectors to "
           << (toComplex ? "complex" : "real") << " ones";
  if (toComplex && which == Algebra::Inverse)
    return transform.emitOpError()
           << "has no inverse in the model: it is the real part of a complex "
              "chain, whose inverse is not the real part of the chain's "
              "inverse (learn the inverse map instead)";
  ArrayRef<Operation *> inner(betweenEdges);
  if (toComplex)
    inner = inner.drop_front().drop_back();

  // Check everything before changing anything.
  SmallVector<SmallVector<Value64>> constants(inner.size());
  for (auto [i, op] : llvm::enumerate(inner)) {
    if (auto stage = dyn_cast<StageOp>(op)) {
      FailureOr<SmallVector<Value64>> m = stageTwiddles(stage, which);
      if (failed(m))
        return failure();
      constants[i] = std::move(*m);
    } else if (auto diag = dyn_cast<DiagOp>(op)) {
      SmallVector<Value64> d = valuesOf(diag.getDiagonal());
      for (auto [k, v] : llvm::enumerate(d)) {
        if (which == Algebra::Adjoint)
          v = std::conj(v);
        if (which != Algebra::Inverse)
          continue;
        if (v == Value64(0))
          return diag.emitOpError()
                 << "has no inverse: its entry " << k << " is zero";
        v = 1.0 / v;
      }
      for (Value64 &v : d)
        v = clean(v);
      constants[i] = std::move(d);
    }
  }

  Block &body = transform.getBody().front();
  Operation *terminator = body.getTerminator();
  OpBuilder b(terminator);
  // The new chain maps the caller's output type to its input type.
  Type newInput = transform.getOutputType(),
       newOutput = transform.getInputType();
  Value value = body.getArgument(0);
  value.setType(newInput);
  Location loc = transform.getLoc();
  // The old output edge, reversed, starts the new chain.
  if (outputEdge)
    value = reversedEdge(b, loc, outputEdge,
                         outputEdge->getOperand(0).getType(), value);
  if (toComplex)
    value =
        ComplexOp::create(b, betweenEdges.front()->getLoc(),
                          betweenEdges.front()->getResult(0).getType(), value);
  for (size_t i = inner.size(); i-- > 0;) {
    Operation *op = inner[i];
    Location loc = op->getLoc();
    Type type = op->getResult(0).getType();
    if (auto stage = dyn_cast<StageOp>(op)) {
      value =
          StageOp::create(b, loc, type, value, stage.getStrideAttr(),
                          attrOf(constants[i], stage.getTwiddles().getType()));
    } else if (auto diag = dyn_cast<DiagOp>(op)) {
      value =
          DiagOp::create(b, loc, type, value,
                         attrOf(constants[i], diag.getDiagonal().getType()));
    } else if (auto permute = dyn_cast<PermuteOp>(op)) {
      SmallVector<int64_t> gather = permute.getPermutation();
      SmallVector<int64_t> inverse(gather.size());
      for (auto [k, from] : llvm::enumerate(gather))
        inverse[from] = int64_t(k);
      value = PermuteOp::createFromTable(b, loc, value, inverse);
    }
  }
  if (toReal)
    value = RealOp::create(b, betweenEdges.back()->getLoc(),
                           betweenEdges.back()->getResult(0).getType(), value);
  if (inputEdge)
    value = reversedEdge(b, loc, inputEdge, newOutput, value);
  terminator->setOperand(0, value);
  transform.setFunctionType(
      b.getFunctionType(TypeRange{newInput}, TypeRange{newOutput}));
  for (Operation *op : llvm::reverse(chain))
    op->erase();

  // The provenance says what the kernel computes now.
  SmallVector<NamedAttribute> entries;
  std::string ops;
  if (DictionaryAttr provenance = transform.getProvenanceAttr())
    for (NamedAttribute entry : provenance) {
      if (entry.getName() == "op")
        ops = cast<StringAttr>(entry.getValue()).getValue().str() + ",";
      else
        entries.push_back(entry);
    }
  entries.push_back(
      b.getNamedAttr("op", b.getStringAttr(ops + nameOf(which).str())));
  transform.setProvenanceAttr(b.getDictionaryAttr(entries));
  return success();
}

struct BflyTransposePass
    : mlir::bfly::impl::BflyTransposeBase<BflyTransposePass> {
  void runOnOperation() override {
    if (failed(rewriteChain(getOperation(), Algebra::Transpose)))
      signalPassFailure();
  }
};

struct BflyAdjointPass : mlir::bfly::impl::BflyAdjointBase<BflyAdjointPass> {
  void runOnOperation() override {
    if (failed(rewriteChain(getOperation(), Algebra::Adjoint)))
      signalPassFailure();
  }
};

struct BflyInversePass : mlir::bfly::impl::BflyInverseBase<BflyInversePass> {
  void runOnOperation() override {
    if (failed(rewriteChain(getOperation(), Algebra::Inverse)))
      signalPassFailure();
  }
};
} // namespace
