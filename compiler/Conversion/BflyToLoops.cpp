//===- BflyToLoops.cpp - bfly transforms to scalar loops over memrefs -----===//
//
// The first lowering: every factor becomes one loop that reads a source
// buffer and writes a destination buffer. Plain and obviously correct; the
// optimizing SIMD code generator replaces it, not extends it.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/Passes.h"

#include "dialect/IR/BflyOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/SymbolTable.h"

#include <complex>

namespace mlir::bfly {
#define GEN_PASS_DEF_CONVERTBFLYTOLOOPS
#include "compiler/Conversion/Passes.h.inc"
} // namespace mlir::bfly

using namespace mlir;
using namespace mlir::bfly;

namespace {

/// A chain value in memory: scalars of one type, complex ones interleaved.
struct Buffer {
  Value memref;
  bool complex;
};

/// A number being computed: im is null for real numbers.
struct Number {
  Value re, im;
};

bool isComplexVector(Type type) {
  return isa<ComplexType>(cast<RankedTensorType>(type).getElementType());
}

/// The constants of an attribute as a flat list of scalars (re, im, re, ...
/// for complex ones), the layout of the globals the loops read.
SmallVector<APFloat> flatten(DenseElementsAttr attr) {
  SmallVector<APFloat> flat;
  if (isa<ComplexType>(attr.getElementType())) {
    for (std::complex<APFloat> v : attr.getValues<std::complex<APFloat>>()) {
      flat.push_back(v.real());
      flat.push_back(v.imag());
    }
  } else {
    for (APFloat v : attr.getValues<APFloat>())
      flat.push_back(v);
  }
  return flat;
}

/// Builds the body of one kernel function.
class KernelBuilder {
public:
  KernelBuilder(ImplicitLocOpBuilder &b, SymbolTable &symbols, Type scalar,
                int64_t n)
      : b(b), symbols(symbols), scalar(scalar), n(n) {}

  /// A buffer with room for any chain value (2n scalars).
  Buffer scratch() {
    auto type = MemRefType::get({2 * n}, scalar);
    return {memref::AllocaOp::create(b, type, b.getI64IntegerAttr(64)), false};
  }

  void lowerStage(StageOp op, Buffer src, Buffer dst) {
    int64_t h = static_cast<int64_t>(op.getStride());
    bool tied = op.isTied();
    Value twiddles = constantGlobal("__bfly_twiddles", op.getTwiddles());
    int logH = llvm::Log2_64(h);
    forEach(n / 2, [&](Value pair) {
      // top = (pair / h) * 2h + pair % h, bottom = top + h.
      Value block = arith::ShRUIOp::create(b, pair, index(logH));
      Value j = arith::AndIOp::create(b, pair, index(h - 1));
      Value top = arith::OrIOp::create(
          b, arith::ShLIOp::create(b, block, index(logH + 1)), j);
      Value bottom = arith::AddIOp::create(b, top, index(h));
      Value matrix = tied ? j : pair;
      Number x0 = load(src, top), x1 = load(src, bottom);
      auto t = [&](int64_t entry) {
        Value base = arith::MulIOp::create(b, matrix, index(4));
        return loadNumber(twiddles, src.complex,
                          arith::AddIOp::create(b, base, index(entry)));
      };
      store(add(mul(t(0), x0), mul(t(1), x1)), dst, top);
      store(add(mul(t(2), x0), mul(t(3), x1)), dst, bottom);
    });
  }

  void lowerPermute(PermuteOp op, Buffer src, Buffer dst) {
    SmallVector<int32_t> table;
    for (int64_t i : op.getPermutation())
      table.push_back(static_cast<int32_t>(i));
    auto attr = DenseElementsAttr::get(
        RankedTensorType::get({n}, b.getI32Type()), ArrayRef(table));
    Value gather = global("__bfly_permutation", attr);
    forEach(n, [&](Value i) {
      Value from = memref::LoadOp::create(b, gather, ValueRange{i});
      from = arith::IndexCastOp::create(b, b.getIndexType(), from);
      store(load(src, from), dst, i);
    });
  }

  void lowerDiag(DiagOp op, Buffer src, Buffer dst) {
    Value diagonal = constantGlobal("__bfly_diagonal", op.getDiagonal());
    forEach(n, [&](Value i) {
      store(mul(loadNumber(diagonal, src.complex, i), load(src, i)), dst, i);
    });
  }

  /// Real <-> complex: copies the real parts, zeroes the imaginary ones.
  void lowerFieldChange(Buffer src, Buffer dst) {
    Value zero = arith::ConstantOp::create(b, b.getFloatAttr(scalar, 0.0));
    forEach(n, [&](Value i) {
      Number x = load(src, i);
      store({x.re, dst.complex ? zero : Value()}, dst, i);
    });
  }

  void copy(Buffer src, Buffer dst) {
    forEach(n, [&](Value i) { store(load(src, i), dst, i); });
  }

private:
  Value index(int64_t value) {
    return arith::ConstantIndexOp::create(b, value);
  }

  void forEach(int64_t count, function_ref<void(Value)> body) {
    scf::ForOp::create(b, index(0), index(count), index(1), ValueRange{},
                       [&](OpBuilder &nested, Location, Value iv, ValueRange) {
                         OpBuilder::InsertionGuard guard(b);
                         b.setInsertionPoint(nested.getInsertionBlock(),
                                             nested.getInsertionPoint());
                         body(iv);
                         scf::YieldOp::create(b);
                       });
  }

  /// A private constant memref.global holding `values`, and its address.
  Value global(StringRef prefix, DenseElementsAttr values) {
    auto type =
        MemRefType::get(values.getType().getShape(), values.getElementType());
    memref::GlobalOp op;
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(&symbols.getOp()->getRegion(0).front());
      op = memref::GlobalOp::create(b, prefix, b.getStringAttr("private"), type,
                                    values, /*constant=*/true,
                                    /*alignment=*/b.getI64IntegerAttr(64));
    }
    symbols.insert(op); // renames it if the prefix is taken
    return memref::GetGlobalOp::create(b, type, op.getSymName());
  }

  Value constantGlobal(StringRef prefix, DenseElementsAttr attr) {
    SmallVector<APFloat> flat = flatten(attr);
    auto type =
        RankedTensorType::get({static_cast<int64_t>(flat.size())}, scalar);
    return global(prefix, DenseElementsAttr::get(type, flat));
  }

  Number load(Buffer buffer, Value i) {
    return loadNumber(buffer.memref, buffer.complex, i);
  }

  Number loadNumber(Value memref, bool complex, Value i) {
    if (!complex)
      return {memref::LoadOp::create(b, memref, ValueRange{i}), Value()};
    Value re = arith::ShLIOp::create(b, i, index(1));
    Value im = arith::AddIOp::create(b, re, index(1));
    return {memref::LoadOp::create(b, memref, ValueRange{re}),
            memref::LoadOp::create(b, memref, ValueRange{im})};
  }

  void store(Number x, Buffer buffer, Value i) {
    if (!buffer.complex) {
      memref::StoreOp::create(b, x.re, buffer.memref, ValueRange{i});
      return;
    }
    Value re = arith::ShLIOp::create(b, i, index(1));
    Value im = arith::AddIOp::create(b, re, index(1));
    memref::StoreOp::create(b, x.re, buffer.memref, ValueRange{re});
    memref::StoreOp::create(b, x.im, buffer.memref, ValueRange{im});
  }

  Number add(Number x, Number y) {
    return {arith::AddFOp::create(b, x.re, y.re),
            x.im ? Value(arith::AddFOp::create(b, x.im, y.im)) : Value()};
  }

  Number mul(Number x, Number y) {
    if (!x.im)
      return {arith::MulFOp::create(b, x.re, y.re), Value()};
    auto f = [&](Value p, Value q) { return arith::MulFOp::create(b, p, q); };
    return {arith::SubFOp::create(b, f(x.re, y.re), f(x.im, y.im)),
            arith::AddFOp::create(b, f(x.re, y.im), f(x.im, y.re))};
  }

  ImplicitLocOpBuilder &b;
  SymbolTable &symbols;
  Type scalar;
  int64_t n;
};
} // namespace

/// Real operations in one multiplication and one addition, as lowered here.
static int64_t multiplyFlops(bool complex) { return complex ? 6 : 1; }
static int64_t addFlops(bool complex) { return complex ? 2 : 1; }

static int64_t countNonzero(DenseElementsAttr attr) {
  int64_t count = 0;
  for (const APFloat &v : flatten(attr))
    count += v.isZero() ? 0 : 1;
  return count;
}

/// "key=value; key=value" from the model's provenance dictionary.
static std::string provenanceString(func::FuncOp func) {
  std::string text;
  if (auto dict = func->getAttrOfType<DictionaryAttr>("bfly.provenance"))
    for (NamedAttribute entry : dict) {
      auto value = dyn_cast<StringAttr>(entry.getValue());
      text += (text.empty() ? "" : "; ") + entry.getName().str() + "=" +
              (value ? value.str() : std::string("?"));
    }
  return text;
}

/// The chain of bfly ops from the argument to the returned value.
static FailureOr<SmallVector<Operation *>> linearChain(func::FuncOp func) {
  SmallVector<Operation *> chain;
  Value current = func.getArgument(0);
  for (Operation &op : func.getBody().front()) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      if (ret.getNumOperands() != 1 || ret.getOperand(0) != current)
        return ret.emitOpError("must return the end of the bfly chain");
      return chain;
    }
    if (!isa<BflyDialect>(op.getDialect()) || op.getNumOperands() != 1 ||
        op.getOperand(0) != current)
      return op.emitOpError(
          "is not part of a linear chain of bfly ops from the argument");
    chain.push_back(&op);
    current = op.getResult(0);
  }
  return func.emitOpError("has no return");
}

/// Is `func` a transform: one bfly vector in, one out?
static bool isTransform(func::FuncOp func) {
  FunctionType type = func.getFunctionType();
  return !func.isExternal() && type.getNumInputs() == 1 &&
         type.getNumResults() == 1 && isa<RankedTensorType>(type.getInput(0)) &&
         isa<RankedTensorType>(type.getResult(0));
}

static LogicalResult lowerTransform(func::FuncOp func, SymbolTable &symbols,
                                    int64_t &numFactors) {
  FailureOr<SmallVector<Operation *>> chain = linearChain(func);
  if (failed(chain))
    return failure();
  auto inputType = cast<RankedTensorType>(func.getFunctionType().getInput(0));
  auto outputType = cast<RankedTensorType>(func.getFunctionType().getResult(0));
  int64_t n = inputType.getDimSize(0);
  bool complexIn = isComplexVector(inputType);
  bool complexOut = isComplexVector(outputType);
  Type scalar = getElementTypeOrSelf(inputType.getElementType());
  if (auto complex = dyn_cast<ComplexType>(scalar))
    scalar = complex.getElementType();

  ImplicitLocOpBuilder b(func.getLoc(), func);
  auto inMemref = MemRefType::get({complexIn ? 2 * n : n}, scalar);
  auto outMemref = MemRefType::get({complexOut ? 2 * n : n}, scalar);
  auto kernel =
      func::FuncOp::create(b, (func.getName() + ".lowered").str(),
                           b.getFunctionType({inMemref, outMemref}, {}));
  symbols.insert(kernel);
  b.setInsertionPointToStart(kernel.addEntryBlock());

  KernelBuilder builder(b, symbols, scalar, n);
  Buffer in{kernel.getArgument(0), complexIn};
  Buffer out{kernel.getArgument(1), complexOut};
  Buffer scratch[2] = {{Value(), false}, {Value(), false}};
  Buffer src = in;
  int64_t flops = 0, nonzeroTwiddles = 0;
  for (auto [i, op] : llvm::enumerate(*chain)) {
    bool complex = isComplexVector(op->getResult(0).getType());
    // Stages and diagonals read each element before writing it, so they may
    // write into the caller's `out` even when it aliases `in`.
    bool aliasSafe = isa<StageOp, DiagOp>(op);
    Buffer dst;
    if (i + 1 == chain->size() && (aliasSafe || src.memref != in.memref)) {
      dst = out;
    } else {
      Buffer &slot = scratch[src.memref == scratch[0].memref ? 1 : 0];
      if (!slot.memref)
        slot = builder.scratch();
      dst = {slot.memref, complex};
    }
    if (auto stage = dyn_cast<StageOp>(op)) {
      builder.lowerStage(stage, src, dst);
      // Per pair: four products and two sums.
      flops += n / 2 * (4 * multiplyFlops(complex) + 2 * addFlops(complex));
      nonzeroTwiddles += countNonzero(stage.getTwiddles());
    } else if (auto perm = dyn_cast<PermuteOp>(op)) {
      builder.lowerPermute(perm, src, dst);
    } else if (auto diag = dyn_cast<DiagOp>(op)) {
      builder.lowerDiag(diag, src, dst);
      flops += n * multiplyFlops(complex);
    } else {
      builder.lowerFieldChange(src, dst);
    }
    src = dst;
    ++numFactors;
  }
  if (src.memref != out.memref)
    builder.copy(src, out);
  func::ReturnOp::create(b);

  SmallVector<NamedAttribute> info = {
      b.getNamedAttr("name", b.getStringAttr(func.getName())),
      b.getNamedAttr("n", b.getI64IntegerAttr(n)),
      b.getNamedAttr("input", TypeAttr::get(inputType.getElementType())),
      b.getNamedAttr("output", TypeAttr::get(outputType.getElementType())),
      b.getNamedAttr("flops", b.getI64IntegerAttr(flops)),
      b.getNamedAttr("nonzero_twiddles", b.getI64IntegerAttr(nonzeroTwiddles)),
      b.getNamedAttr("provenance", b.getStringAttr(provenanceString(func)))};
  kernel->setAttr(kKernelAttrName, b.getDictionaryAttr(info));

  StringAttr name = func.getSymNameAttr();
  symbols.erase(func);
  if (failed(symbols.rename(kernel, name)))
    return kernel.emitOpError("cannot take the transform's name");
  return success();
}

namespace {
struct ConvertBflyToLoopsPass
    : mlir::bfly::impl::ConvertBflyToLoopsBase<ConvertBflyToLoopsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    int64_t factors = 0;
    for (func::FuncOp func :
         llvm::make_early_inc_range(module.getOps<func::FuncOp>()))
      if (isTransform(func) && failed(lowerTransform(func, symbols, factors)))
        return signalPassFailure();
    numFactors += factors;
  }
};
} // namespace
