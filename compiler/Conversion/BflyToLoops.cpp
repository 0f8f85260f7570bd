//===- BflyToLoops.cpp - bfly transforms to scalar loops over memrefs -----===//
//
// The first lowering: every factor becomes one loop that reads a source
// buffer and writes a destination buffer. Plain and obviously correct; the
// optimizing SIMD code generator replaces it, not extends it.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/KernelLowering.h"
#include "compiler/Conversion/Passes.h"

#include "dialect/IR/BflyOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/SymbolTable.h"

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

/// Builds the body of one kernel function.
class KernelBuilder {
public:
  KernelBuilder(ImplicitLocOpBuilder &b, SymbolTable &symbols, Type scalar,
                int64_t n)
      : b(b), symbols(symbols), scalar(scalar), n(n) {}

  void lowerStage(StageOp op, Buffer src, Buffer dst) {
    int64_t h = static_cast<int64_t>(op.getStride());
    bool tied = op.isTied();
    Value twiddles = scalarGlobal("__bfly_twiddles", op.getTwiddles());
    forEach(n / 2, [&](Value pair) {
      auto [top, bottom] = emitStagePair(b, pair, h);
      // The matrix of the pair: matrixOfPair in common/Butterfly.h.
      Value matrix =
          tied ? Value(arith::AndIOp::create(b, pair, index(h - 1))) : pair;
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
    Value diagonal = scalarGlobal("__bfly_diagonal", op.getDiagonal());
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
    emitLoop(b, count, 1, body);
  }

  Value global(StringRef prefix, DenseElementsAttr values) {
    return mlir::bfly::constantGlobal(b, symbols, prefix, values);
  }

  /// The constants of `attr` as one flat memref of scalars.
  Value scalarGlobal(StringRef prefix, DenseElementsAttr attr) {
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

static void lowerTransform(TransformOp transform, SymbolTable &symbols,
                           int64_t &numFactors) {
  SmallVector<Operation *> chain = transform.getFactors();
  KernelSignature signature = kernelSignature(transform);
  ImplicitLocOpBuilder b(transform.getLoc(), transform);
  func::FuncOp kernel = createKernel(b, symbols, transform, signature);

  KernelBuilder builder(b, symbols, signature.scalar, signature.n);
  Buffer in{kernel.getArgument(0), signature.complexIn};
  Buffer out{kernel.getArgument(1), signature.complexOut};
  KernelScratch scratchBuffers(signature.scalar, signature.n);
  Buffer scratch[2] = {{Value(), false}, {Value(), false}};
  Buffer src = in;
  for (auto [i, op] : llvm::enumerate(chain)) {
    bool complex = isComplexVector(op->getResult(0).getType());
    // Stages and diagonals read each element before writing it, so they may
    // write into the caller's `out` even when it aliases `in`.
    bool aliasSafe = isa<StageOp, DiagOp>(op);
    Buffer dst;
    if (i + 1 == chain.size() && (aliasSafe || src.memref != in.memref)) {
      dst = out;
    } else {
      Buffer &slot = scratch[src.memref == scratch[0].memref ? 1 : 0];
      if (!slot.memref)
        slot = {scratchBuffers.allocate(b), false};
      dst = {slot.memref, complex};
    }
    if (auto stage = dyn_cast<StageOp>(op))
      builder.lowerStage(stage, src, dst);
    else if (auto perm = dyn_cast<PermuteOp>(op))
      builder.lowerPermute(perm, src, dst);
    else if (auto diag = dyn_cast<DiagOp>(op))
      builder.lowerDiag(diag, src, dst);
    else
      builder.lowerFieldChange(src, dst);
    src = dst;
    ++numFactors;
  }
  if (src.memref != out.memref)
    builder.copy(src, out);
  scratchBuffers.release(b);
  func::ReturnOp::create(b);
  finishKernel(b, symbols, transform, kernel);
}

namespace {
struct ConvertBflyToLoopsPass
    : mlir::bfly::impl::ConvertBflyToLoopsBase<ConvertBflyToLoopsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    int64_t factors = 0;
    for (TransformOp transform :
         llvm::make_early_inc_range(module.getOps<TransformOp>())) {
      auto lower = [&](TransformOp chain) {
        lowerTransform(chain, symbols, factors);
      };
      if (!lowerTransformEdges(symbols, transform, lower))
        lower(transform);
    }
    numFactors += factors;
  }
};
} // namespace
