//===- BflyOps.cpp - bfly dialect operations and verifiers ----------------===//
#include "dialect/IR/BflyOps.h"

#include "common/Limits.h"
#include "common/Permutation.h"
#include "dialect/IR/Constants.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/FunctionImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/ErrorHandling.h"

#include <cmath>
#include <complex>
#include <cstdio>

using namespace mlir;
using namespace mlir::bfly;

#include "dialect/IR/BflyEnums.cpp.inc"

#define GET_OP_CLASSES
#include "dialect/IR/BflyOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Shared checks
//===----------------------------------------------------------------------===//

/// The vector length, checked to be a power of two (at least 2).
static FailureOr<int64_t> verifyLength(Operation *op, Value vector) {
  auto type = cast<RankedTensorType>(vector.getType());
  if (type.getRank() != 1)
    return op->emitOpError("operand must be a 1-D tensor, got rank ")
           << type.getRank();
  int64_t n = type.getDimSize(0);
  if (!::bfly::isValidLength(n))
    return op->emitOpError("length must be ")
           << ::bfly::validLengthText() << ", got " << n;
  return n;
}

static std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape))
    s += (i ? ", " : "") + std::to_string(d);
  return s + "]";
}

/// A number as printf's %g writes it: "1", "0.5", "nan", "inf".
static std::string formatNumber(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

/// Checks that a constants attribute has the operand's element type and that
/// every entry is finite: a NaN or infinite constant poisons every output.
static LogicalResult verifyConstants(Operation *op, DenseElementsAttr values,
                                     Type elementType, StringRef what) {
  Type valueType = values.getElementType();
  if (valueType != elementType)
    return op->emitOpError() << what << " element type must be " << elementType
                             << " to match the operand, got " << valueType;
  int64_t index = 0;
  auto checkFinite = [&](double re, double im) -> LogicalResult {
    if (std::isfinite(re) && std::isfinite(im)) {
      ++index;
      return success();
    }
    return op->emitOpError()
           << what << " must be finite, entry " << index << " is ("
           << formatNumber(re) << ", " << formatNumber(im) << ")";
  };
  // A splat holds one value, however many entries it stands for.
  if (values.isSplat()) {
    if (isa<FloatType>(valueType))
      return checkFinite(values.getSplatValue<APFloat>().convertToDouble(),
                         0.0);
    auto v = values.getSplatValue<std::complex<APFloat>>();
    return checkFinite(v.real().convertToDouble(), v.imag().convertToDouble());
  }
  if (isa<FloatType>(valueType)) {
    for (APFloat v : values.getValues<APFloat>())
      if (failed(checkFinite(v.convertToDouble(), 0.0)))
        return failure();
    return success();
  }
  for (std::complex<APFloat> v : values.getValues<std::complex<APFloat>>())
    if (failed(checkFinite(v.real().convertToDouble(),
                           v.imag().convertToDouble())))
      return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// TransformOp: the one owner of the chain rule
//===----------------------------------------------------------------------===//

void TransformOp::build(OpBuilder &builder, OperationState &state,
                        StringRef name, FunctionType type) {
  state.addAttribute(SymbolTable::getSymbolAttrName(),
                     builder.getStringAttr(name));
  state.addAttribute(getFunctionTypeAttrName(state.name), TypeAttr::get(type));
  state.addRegion();
}

ParseResult TransformOp::parse(OpAsmParser &parser, OperationState &result) {
  auto buildType = [](Builder &builder, ArrayRef<Type> inputs,
                      ArrayRef<Type> results,
                      function_interface_impl::VariadicFlag, std::string &) {
    return builder.getFunctionType(inputs, results);
  };
  return function_interface_impl::parseFunctionOp(
      parser, result, /*allowVariadic=*/false,
      getFunctionTypeAttrName(result.name), buildType,
      getArgAttrsAttrName(result.name), getResAttrsAttrName(result.name));
}

void TransformOp::print(OpAsmPrinter &printer) {
  function_interface_impl::printFunctionOp(
      printer, *this, /*isVariadic=*/false, getFunctionTypeAttrName(),
      getArgAttrsAttrName(), getResAttrsAttrName());
}

SmallVector<Operation *> TransformOp::getFactors() {
  SmallVector<Operation *> factors;
  for (Operation &op : getBody().front().without_terminator())
    factors.push_back(&op);
  return factors;
}

/// Ops that change the vector's length where a chain meets its caller.
static bool isInputEdge(Operation *op) {
  return isa<PadOp, PackOp, PackSpectrumOp>(op);
}
static bool isOutputEdge(Operation *op) {
  return isa<TruncateOp, UnpackOp, RealSpectrumOp>(op);
}

Operation *TransformOp::getInputEdge() {
  Block &body = getBody().front();
  if (body.empty() || !isInputEdge(&body.front()))
    return nullptr;
  return &body.front();
}

Operation *TransformOp::getOutputEdge() {
  // Safe before the body verifies: it may lack its terminator.
  Block &body = getBody().front();
  if (body.empty() || !isa<ReturnOp>(body.back()))
    return nullptr;
  Operation *last = body.back().getPrevNode();
  return last && isOutputEdge(last) ? last : nullptr;
}

int64_t TransformOp::getLength() {
  if (Operation *edge = getInputEdge())
    return cast<RankedTensorType>(edge->getResult(0).getType()).getDimSize(0);
  return getInputType().getDimSize(0);
}

Value TransformOp::getOutput() {
  return getBody().front().getTerminator()->getOperand(0);
}

/// A vector type a chain can carry: 1-D, static, f32/f64/complex.
static bool isChainVector(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || tensor.getRank() != 1 || !tensor.hasStaticShape())
    return false;
  Type element = tensor.getElementType();
  if (auto complex = dyn_cast<ComplexType>(element))
    element = complex.getElementType();
  return element.isF32() || element.isF64();
}

LogicalResult TransformOp::verify() {
  FunctionType type = getFunctionType();
  if (type.getNumInputs() != 1 || type.getNumResults() != 1 ||
      !isChainVector(type.getInput(0)) || !isChainVector(type.getResult(0)))
    return emitOpError("must map one vector to one vector (a 1-D static "
                       "tensor of f32, f64 or complex), got ")
           << type;
  if (isExternal())
    return emitOpError("must have a body: a transform is its chain");
  if (!getBody().hasOneBlock())
    return emitOpError("body must be one block, got ")
           << getBody().getBlocks().size();
  // Without edges the caller's vectors are the chain's (checked here, before
  // the factors, whose own length checks would say less); with them the
  // edges check their lengths and places, and verifyRegions the chain's.
  bool hasEdges = llvm::any_of(getBody().front(), [](Operation &op) {
    return isInputEdge(&op) || isOutputEdge(&op);
  });
  if (!hasEdges) {
    if (getInputType().getShape() != getOutputType().getShape())
      return emitOpError("input and output must have the same length without "
                         "a bfly.pad, bfly.truncate or other edge, got ")
             << type;
    if (!::bfly::isValidLength(getLength()))
      return emitOpError("length must be ")
             << ::bfly::validLengthText() << ", got " << getLength();
  }
  if (FloatAttr bound = getPruneBoundAttr();
      bound && !(bound.getValueAsDouble() >= 0))
    return emitOpError("prune_bound must be a non-negative f64, got ")
           << formatNumber(bound.getValueAsDouble());
  if (DictionaryAttr provenance = getProvenanceAttr())
    for (NamedAttribute entry : provenance)
      if (!isa<StringAttr>(entry.getValue()))
        return emitOpError("provenance values must be strings, '")
               << entry.getName().getValue() << "' is " << entry.getValue();
  return success();
}

LogicalResult TransformOp::verifyRegions() {
  Value current = getInput();
  SmallVector<Operation *> factors = getFactors();
  for (auto [index, op] : llvm::enumerate(factors)) {
    if (!isa<StageOp, PermuteOp, DiagOp, ComplexOp, RealOp>(op) &&
        !isInputEdge(op) && !isOutputEdge(op))
      return op->emitOpError("cannot be part of a bfly.transform, whose body "
                             "is a chain of bfly factors");
    if (op->getOperand(0) != current)
      return op->emitOpError(
          "must take the previous factor's result: a transform is one chain "
          "from its argument");
    // The ends of a chain: [pad] [complex] | pack | pack_spectrum first,
    // [real] [truncate] | unpack | real_spectrum last.
    bool first = index == 0;
    bool last = index + 1 == factors.size();
    if (isInputEdge(op) && !first)
      return op->emitOpError("may only start a transform's chain");
    if (isOutputEdge(op) && !last)
      return op->emitOpError("may only end a transform's chain");
    if (isa<ComplexOp>(op) && !first && !(index == 1 && isa<PadOp>(factors[0])))
      return op->emitOpError(
          "may only start a transform's chain (after a bfly.pad)");
    if (isa<RealOp>(op) && !last &&
        !(index + 2 == factors.size() && isa<TruncateOp>(factors.back())))
      return op->emitOpError(
          "may only end a transform's chain (before a bfly.truncate)");
    current = op->getResult(0);
  }
  Operation *terminator = getBody().front().getTerminator();
  if (terminator->getOperand(0) != current)
    return terminator->emitOpError("must return the chain's last value");
  if (current.getType() != getOutputType())
    return terminator->emitOpError("returns ")
           << current.getType() << ", but the transform's result type is "
           << getOutputType();
  return success();
}

//===----------------------------------------------------------------------===//
// StageOp
//===----------------------------------------------------------------------===//

bool StageOp::isTied() {
  int64_t n = getInput().getType().getDimSize(0);
  int64_t stride = getStride();
  return getTwiddles().getType().getDimSize(0) != n / 2 || stride == n / 2;
}

LogicalResult StageOp::verify() {
  FailureOr<int64_t> n = verifyLength(*this, getInput());
  if (failed(n))
    return failure();
  int64_t h = static_cast<int64_t>(getStride());
  if (h < 1 || h >= *n || !::bfly::isPowerOfTwo(h))
    return emitOpError("stride must be a power of two below ")
           << *n << ", got " << h;
  ArrayRef<int64_t> shape = getTwiddles().getType().getShape();
  bool untied = shape == ArrayRef<int64_t>{*n / 2, 2, 2};
  bool tied = shape == ArrayRef<int64_t>{h, 2, 2};
  if (!untied && !tied) {
    InFlightDiagnostic error = emitOpError("twiddles must have shape ")
                               << shapeString({*n / 2, 2, 2});
    if (h != *n / 2)
      error << " (untied) or " << shapeString({h, 2, 2}) << " (tied)";
    return error << ", got " << shapeString(shape);
  }
  return verifyConstants(*this, getTwiddles(),
                         getInput().getType().getElementType(), "twiddles");
}

//===----------------------------------------------------------------------===//
// PermuteOp
//===----------------------------------------------------------------------===//

std::optional<::bfly::NamedPermutation>
mlir::bfly::namedPermutationOf(PermutationKind kind) {
  switch (kind) {
  case PermutationKind::BitReverse:
    return ::bfly::NamedPermutation::BitReverse;
  case PermutationKind::EvenOdd:
    return ::bfly::NamedPermutation::EvenOdd;
  case PermutationKind::ReverseFirstHalf:
    return ::bfly::NamedPermutation::ReverseFirstHalf;
  case PermutationKind::ReverseSecondHalf:
    return ::bfly::NamedPermutation::ReverseSecondHalf;
  case PermutationKind::Explicit:
    break;
  }
  return std::nullopt;
}

PermutationKind mlir::bfly::permutationKindOf(::bfly::NamedPermutation name) {
  switch (name) {
  case ::bfly::NamedPermutation::BitReverse:
    return PermutationKind::BitReverse;
  case ::bfly::NamedPermutation::EvenOdd:
    return PermutationKind::EvenOdd;
  case ::bfly::NamedPermutation::ReverseFirstHalf:
    return PermutationKind::ReverseFirstHalf;
  case ::bfly::NamedPermutation::ReverseSecondHalf:
    return PermutationKind::ReverseSecondHalf;
  }
  llvm_unreachable("every name has a kind");
}

SmallVector<int64_t> PermuteOp::getPermutation() {
  std::optional<::bfly::NamedPermutation> name = namedPermutationOf(getKind());
  if (!name)
    return SmallVector<int64_t>(*getIndices());
  int64_t n = getInput().getType().getDimSize(0);
  std::vector<int64_t> table =
      ::bfly::namedPermutation(*name, n, getBlock().value_or(n));
  return SmallVector<int64_t>(table.begin(), table.end());
}

LogicalResult PermuteOp::verify() {
  FailureOr<int64_t> n = verifyLength(*this, getInput());
  if (failed(n))
    return failure();
  if (getKind() == PermutationKind::Explicit) {
    if (!getIndices())
      return emitOpError("explicit permutation needs 'indices'");
    if (getBlock())
      return emitOpError("explicit permutation takes no 'block'");
    ArrayRef<int64_t> indices = *getIndices();
    if (static_cast<int64_t>(indices.size()) != *n)
      return emitOpError("indices must have ")
             << *n << " entries, got " << indices.size();
    if (!::bfly::isBijection(
            std::vector<int64_t>(indices.begin(), indices.end())))
      return emitOpError("indices must be a permutation of 0..")
             << *n - 1 << ", got " << shapeString(indices);
    return success();
  }
  if (getIndices())
    return emitOpError("named permutation '")
           << stringifyPermutationKind(getKind()) << "' takes no 'indices'";
  if (std::optional<int64_t> block = getBlock()) {
    if (*block < 2 || *block > *n || !::bfly::isPowerOfTwo(*block))
      return emitOpError("block must be a power of two from 2 to ")
             << *n << ", got " << *block;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// DiagOp, ComplexOp, RealOp
//===----------------------------------------------------------------------===//

LogicalResult DiagOp::verify() {
  FailureOr<int64_t> n = verifyLength(*this, getInput());
  if (failed(n))
    return failure();
  ArrayRef<int64_t> shape = getDiagonal().getType().getShape();
  if (shape != ArrayRef<int64_t>{*n})
    return emitOpError("diagonal must have shape ")
           << shapeString({*n}) << ", got " << shapeString(shape);
  return verifyConstants(*this, getDiagonal(),
                         getInput().getType().getElementType(), "diagonal");
}

/// A real <-> complex conversion keeps the length and the precision.
static LogicalResult verifyFieldChange(Operation *op, RankedTensorType real,
                                       RankedTensorType complex) {
  if (failed(verifyLength(op, op->getOperand(0))))
    return failure();
  if (real.getShape() != complex.getShape())
    return op->emitOpError("input and result must have the same length, got ")
           << op->getOperand(0).getType() << " and "
           << op->getResult(0).getType();
  Type part = cast<ComplexType>(complex.getElementType()).getElementType();
  if (part != real.getElementType())
    return op->emitOpError("precision must not change, got ")
           << op->getOperand(0).getType() << " and "
           << op->getResult(0).getType();
  return success();
}

LogicalResult ComplexOp::verify() {
  return verifyFieldChange(*this, getInput().getType(), getType());
}

LogicalResult RealOp::verify() {
  return verifyFieldChange(*this, getType(), getInput().getType());
}

//===----------------------------------------------------------------------===//
// Edges
//===----------------------------------------------------------------------===//

static int64_t lengthOf(Value vector) {
  return cast<RankedTensorType>(vector.getType()).getDimSize(0);
}

static Type scalarOf(Value vector) {
  Type element = cast<RankedTensorType>(vector.getType()).getElementType();
  if (auto complex = dyn_cast<ComplexType>(element))
    return complex.getElementType();
  return element;
}

/// `shorter` has fewer elements than `chain`, the chain's vector (whose
/// length verifyLength checks), and the same element type.
static LogicalResult verifyResize(Operation *op, Value chain, Value shorter) {
  if (failed(verifyLength(op, chain)))
    return failure();
  auto chainType = cast<RankedTensorType>(chain.getType());
  auto shorterType = cast<RankedTensorType>(shorter.getType());
  if (chainType.getElementType() != shorterType.getElementType())
    return op->emitOpError("element type must not change, got ")
           << op->getOperand(0).getType() << " and "
           << op->getResult(0).getType();
  int64_t m = shorterType.getDimSize(0);
  if (m < 1 || m >= chainType.getDimSize(0))
    return op->emitOpError("the caller's length must be from 1 to ")
           << chainType.getDimSize(0) - 1 << ", got " << m;
  return success();
}

LogicalResult PadOp::verify() {
  return verifyResize(*this, getResult(), getInput());
}

LogicalResult TruncateOp::verify() {
  return verifyResize(*this, getInput(), getResult());
}

/// An edge between the chain's vector `chain` (whose length verifyLength
/// checks) and the caller's `caller`, which must have `callerLength`
/// elements of the same precision; `rule` says so when it does not.
static LogicalResult verifyEdge(Operation *op, Value chain, Value caller,
                                int64_t callerLength, StringRef rule) {
  if (failed(verifyLength(op, chain)))
    return failure();
  if (lengthOf(caller) != callerLength || scalarOf(caller) != scalarOf(chain))
    return op->emitOpError(rule) << ", got " << op->getOperand(0).getType()
                                 << " and " << op->getResult(0).getType();
  return success();
}

static constexpr StringLiteral kPairsRule =
    "the real vector must hold the complex one's parts (twice its length, "
    "same precision)";
static constexpr StringLiteral kSpectrumRule =
    "the half spectrum must have one more element than the packed vector, "
    "same type";

LogicalResult PackOp::verify() {
  return verifyEdge(*this, getResult(), getInput(), 2 * lengthOf(getResult()),
                    kPairsRule);
}

LogicalResult UnpackOp::verify() {
  return verifyEdge(*this, getInput(), getResult(), 2 * lengthOf(getInput()),
                    kPairsRule);
}

LogicalResult RealSpectrumOp::verify() {
  return verifyEdge(*this, getInput(), getResult(), lengthOf(getInput()) + 1,
                    kSpectrumRule);
}

LogicalResult PackSpectrumOp::verify() {
  return verifyEdge(*this, getResult(), getInput(), lengthOf(getResult()) + 1,
                    kSpectrumRule);
}

//===----------------------------------------------------------------------===//
// Folders and canonicalization: the algebra every chain obeys
//===----------------------------------------------------------------------===//

OpFoldResult StageOp::fold(FoldAdaptor) {
  SmallVector<Value64> m = valuesOf(getTwiddles());
  for (size_t p = 0; p + 3 < m.size(); p += 4)
    if (m[p] != Value64(1.0) || m[p + 1] != Value64(0.0) ||
        m[p + 2] != Value64(0.0) || m[p + 3] != Value64(1.0))
      return {};
  return getInput();
}

OpFoldResult PermuteOp::fold(FoldAdaptor) {
  SmallVector<int64_t> table = getPermutation();
  if (!llvm::equal(table, llvm::seq<int64_t>(0, table.size())))
    return {};
  return getInput();
}

OpFoldResult DiagOp::fold(FoldAdaptor) {
  if (!llvm::all_of(valuesOf(getDiagonal()),
                    [](Value64 v) { return v == Value64(1.0); }))
    return {};
  return getInput();
}

Value PermuteOp::createFromTable(OpBuilder &builder, Location loc, Value input,
                                 ArrayRef<int64_t> table) {
  if (llvm::equal(table, llvm::seq<int64_t>(0, table.size())))
    return input;
  MLIRContext *context = builder.getContext();
  if (std::optional<::bfly::NamedPermutation> name =
          ::bfly::nameOfPermutation({table.begin(), table.end()}))
    return PermuteOp::create(
        builder, loc, input.getType(), input,
        PermutationKindAttr::get(context, permutationKindOf(*name)), nullptr,
        nullptr);
  return PermuteOp::create(
      builder, loc, input.getType(), input,
      PermutationKindAttr::get(context, PermutationKind::Explicit), nullptr,
      builder.getDenseI64ArrayAttr(table));
}

namespace {
/// P2 (P1 x) = (P1 P2-gather) x: one gather, y[i] = x[t1[t2[i]]].
struct ComposePermutations : OpRewritePattern<PermuteOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PermuteOp second,
                                PatternRewriter &rewriter) const override {
    auto first = second.getInput().getDefiningOp<PermuteOp>();
    if (!first || !first->hasOneUse())
      return failure();
    SmallVector<int64_t> table = second.getPermutation();
    SmallVector<int64_t> inner = first.getPermutation();
    for (int64_t &i : table)
      i = inner[i];
    Value composed = PermuteOp::createFromTable(rewriter, second.getLoc(),
                                                first.getInput(), table);
    rewriter.replaceOp(second, composed);
    rewriter.eraseOp(first);
    return success();
  }
};

/// diag(d2) diag(d1) = diag(d2 * d1).
struct MergeDiagonals : OpRewritePattern<DiagOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DiagOp second,
                                PatternRewriter &rewriter) const override {
    auto first = second.getInput().getDefiningOp<DiagOp>();
    if (!first || !first->hasOneUse())
      return failure();
    SmallVector<Value64> d = valuesOf(second.getDiagonal());
    SmallVector<Value64> inner = valuesOf(first.getDiagonal());
    for (size_t i = 0; i < d.size(); ++i)
      d[i] *= inner[i];
    rewriter.modifyOpInPlace(second, [&] {
      second.setDiagonalAttr(attrOf(d, second.getDiagonal().getType()));
      second.getInputMutable().assign(first.getInput());
    });
    rewriter.eraseOp(first);
    return success();
  }
};
} // namespace

void PermuteOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                            MLIRContext *context) {
  patterns.add<ComposePermutations>(context);
}

void DiagOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                         MLIRContext *context) {
  patterns.add<MergeDiagonals>(context);
}
