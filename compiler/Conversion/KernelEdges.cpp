//===- KernelEdges.cpp - kernels whose caller's lengths differ from N -----===//
//
// A chain may start with an edge that brings the caller's input to its
// length N (bfly.pad, bfly.pack, bfly.pack_spectrum) and end with one that
// takes its result to the caller's output (bfly.truncate, bfly.unpack,
// bfly.real_spectrum). The chain between them is a transform like any other,
// so both lowerings lower it as one (the "core", called and inlined) and
// this file writes the kernel around it: the edges as loops of their own,
// which LLVM's loop vectorizer takes. bfly.pack and bfly.unpack cost
// nothing: 2M reals and M interleaved complex numbers are the same memref.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/KernelLowering.h"

#include "dialect/IR/BflyDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/IRMapping.h"

#include <cmath>

using namespace mlir;
using namespace mlir::bfly;

namespace {

/// The chain between `transform`'s edges as a transform of its own, next
/// to it.
TransformOp extractCore(SymbolTable &symbols, TransformOp transform,
                        Operation *inputEdge, Operation *outputEdge) {
  Value start = inputEdge ? inputEdge->getResult(0) : transform.getInput();
  Value end = outputEdge ? outputEdge->getOperand(0) : transform.getOutput();
  ImplicitLocOpBuilder b(transform.getLoc(), transform);
  auto core = TransformOp::create(
      b, (transform.getName() + ".core").str(),
      b.getFunctionType({start.getType()}, {end.getType()}));
  symbols.insert(core);
  IRMapping mapping;
  mapping.map(start, core.addEntryBlock()->getArgument(0));
  b.setInsertionPointToStart(&core.getBody().front());
  for (Operation *op : transform.getFactors())
    if (op != inputEdge && op != outputEdge)
      b.clone(*op, mapping);
  ReturnOp::create(b, mapping.lookupOrDefault(end));
  return core;
}

/// Writes the edges' loops: scalars of one type, complex ones interleaved.
class EdgeBuilder {
public:
  EdgeBuilder(ImplicitLocOpBuilder &b, SymbolTable &symbols, Type scalar)
      : b(b), symbols(symbols), scalar(scalar) {}

  /// dst[i] = src[i] for the first `count` scalars, then zeros up to
  /// `total`.
  void copyScalars(Value src, Value dst, int64_t count, int64_t total) {
    emitLoop(b, count, 1, [&](Value i) { store(load(src, i), dst, i); });
    if (count == total)
      return;
    Value zero = constant(0.0);
    emitLoop(b, total - count, 1, [&](Value i) {
      store(zero, dst, arith::AddIOp::create(b, i, index(count)));
    });
  }

  /// bfly.real_spectrum: Z (m complex numbers) to X (m + 1).
  void realSpectrum(Value z, Value x, int64_t m) {
    Value half = constant(0.5);
    Value zr = load(z, index(0)), zi = load(z, index(1));
    // E[0] = Re Z[0] and O[0] = Im Z[0]; X[0] and X[m] are real.
    storeComplex({add(zr, zi), constant(0.0)}, x, index(0));
    storeComplex({sub(zr, zi), constant(0.0)}, x, index(m));
    Value twiddles = twiddleTable(m);
    emitLoop(b, m - 1, 1, [&](Value j) {
      Value k = arith::AddIOp::create(b, j, index(1));
      Value mirror = arith::SubIOp::create(b, index(m), k);
      auto [ar, ai] = loadComplex(z, k);
      auto [br, bi] = loadComplex(z, mirror);
      // E = (Z[k] + conj Z[m-k]) / 2, O = (Z[k] - conj Z[m-k]) / 2i.
      Value er = mul(half, add(ar, br)), ei = mul(half, sub(ai, bi));
      Value or_ = mul(half, add(ai, bi)), oi = mul(half, sub(br, ar));
      auto [c, s] = loadComplex(twiddles, k);
      storeComplex({add(er, sub(mul(c, or_), mul(s, oi))),
                    add(ei, add(mul(c, oi), mul(s, or_)))},
                   x, k);
    });
  }

  /// bfly.pack_spectrum: X (m + 1 complex numbers) to Z (m).
  void packSpectrum(Value x, Value z, int64_t m) {
    // Only the real parts of X[0] and X[m] count.
    Value x0 = load(x, index(0)), xm = load(x, index(2 * m));
    storeComplex({add(x0, xm), sub(x0, xm)}, z, index(0));
    Value twiddles = twiddleTable(m);
    emitLoop(b, m - 1, 1, [&](Value j) {
      Value k = arith::AddIOp::create(b, j, index(1));
      Value mirror = arith::SubIOp::create(b, index(m), k);
      auto [ar, ai] = loadComplex(x, k);
      auto [br, bi] = loadComplex(x, mirror);
      // S = X[k] + conj X[m-k], T = (X[k] - conj X[m-k]) / w^k, Z = S + iT.
      Value sr = add(ar, br), si = sub(ai, bi);
      Value dr = sub(ar, br), di = add(ai, bi);
      auto [c, s] = loadComplex(twiddles, k);
      Value tr = add(mul(dr, c), mul(di, s));
      Value ti = sub(mul(di, c), mul(dr, s));
      storeComplex({sub(sr, ti), add(si, tr)}, z, k);
    });
  }

private:
  /// w^k = exp(-2 pi i k / 2m) for k < m, interleaved.
  Value twiddleTable(int64_t m) {
    SmallVector<APFloat> values;
    const llvm::fltSemantics &semantics =
        cast<FloatType>(scalar).getFloatSemantics();
    for (int64_t k = 0; k < m; ++k) {
      double angle = -M_PI * double(k) / double(m);
      for (double part : {std::cos(angle), std::sin(angle)}) {
        APFloat value(part);
        bool lost;
        value.convert(semantics, APFloat::rmNearestTiesToEven, &lost);
        values.push_back(value);
      }
    }
    auto type = RankedTensorType::get({2 * m}, scalar);
    return constantGlobal(b, symbols, "__bfly_spectrum_twiddles",
                          DenseElementsAttr::get(type, values));
  }

  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, v); }
  Value constant(double v) {
    return arith::ConstantOp::create(b, b.getFloatAttr(scalar, v));
  }
  Value load(Value memref, Value i) {
    return memref::LoadOp::create(b, memref, ValueRange{i});
  }
  void store(Value value, Value memref, Value i) {
    memref::StoreOp::create(b, value, memref, ValueRange{i});
  }
  std::pair<Value, Value> loadComplex(Value memref, Value k) {
    Value re = arith::ShLIOp::create(b, k, index(1));
    Value im = arith::AddIOp::create(b, re, index(1));
    return {load(memref, re), load(memref, im)};
  }
  void storeComplex(std::pair<Value, Value> value, Value memref, Value k) {
    Value re = arith::ShLIOp::create(b, k, index(1));
    Value im = arith::AddIOp::create(b, re, index(1));
    store(value.first, memref, re);
    store(value.second, memref, im);
  }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, x, y); }

  ImplicitLocOpBuilder &b;
  SymbolTable &symbols;
  Type scalar;
};

/// Scalars in a memref of one vector of `type`.
int64_t scalarCount(Type type) {
  auto tensor = cast<RankedTensorType>(type);
  return tensor.getDimSize(0) * (isComplexVector(type) ? 2 : 1);
}

} // namespace

bool mlir::bfly::lowerTransformEdges(
    SymbolTable &symbols, TransformOp transform,
    function_ref<void(TransformOp core)> lowerCore) {
  Operation *inputEdge = transform.getInputEdge();
  Operation *outputEdge = transform.getOutputEdge();
  if (!inputEdge && !outputEdge)
    return false;

  TransformOp core = extractCore(symbols, transform, inputEdge, outputEdge);
  std::string coreName = core.getName().str();
  KernelSignature coreSignature = kernelSignature(core);
  lowerCore(core);
  // The core is the kernel's helper now, not a kernel (nor, for this
  // kernel, splittable into phases: its record goes).
  auto coreKernel = symbols.lookup<func::FuncOp>(coreName);
  assert(coreKernel && "lowerCore did not make the core's kernel");
  coreKernel->removeAttr(BflyDialect::kKernelAttr);
  coreKernel.setPrivate();

  KernelSignature signature = kernelSignature(transform);
  ImplicitLocOpBuilder b(transform.getLoc(), transform);
  func::FuncOp kernel = createKernel(b, symbols, transform, signature);
  FunctionType coreType = coreKernel.getFunctionType();
  auto coreIn = cast<MemRefType>(coreType.getInput(0));
  auto coreOut = cast<MemRefType>(coreType.getInput(1));
  Value in = kernel.getArgument(0), out = kernel.getArgument(1);

  // bfly.pack and bfly.unpack hand the caller's memref on as it is.
  bool inputLoop = inputEdge && !isa<PackOp>(inputEdge);
  bool outputLoop = outputEdge && !isa<UnpackOp>(outputEdge);
  int64_t scalarBytes = coreSignature.scalar.getIntOrFloatBitWidth() / 8;
  int64_t tempBytes =
      scalarBytes * ((inputLoop ? coreIn.getNumElements() : 0) +
                     (outputLoop ? coreOut.getNumElements() : 0));
  KernelScratch temps(
      tempBytes,
      KernelScratch(coreSignature.scalar, coreSignature.n).stackBytes());
  EdgeBuilder edges(b, symbols, coreSignature.scalar);

  Value coreInput = in;
  if (inputLoop) {
    coreInput = temps.allocate(b, coreIn);
    if (isa<PadOp>(inputEdge))
      edges.copyScalars(in, coreInput,
                        scalarCount(inputEdge->getOperand(0).getType()),
                        coreIn.getNumElements());
    else
      edges.packSpectrum(in, coreInput, coreSignature.n);
  }
  Value coreOutput = outputLoop ? temps.allocate(b, coreOut) : out;
  func::CallOp::create(b, coreKernel, ValueRange{coreInput, coreOutput});
  if (outputLoop) {
    if (isa<TruncateOp>(outputEdge)) {
      int64_t count = scalarCount(outputEdge->getResult(0).getType());
      edges.copyScalars(coreOutput, out, count, count);
    } else {
      edges.realSpectrum(coreOutput, out, coreSignature.n);
    }
  }
  temps.release(b);
  func::ReturnOp::create(b);
  finishKernel(b, symbols, transform, kernel);
  return true;
}
