//===- KernelEdges.cpp - kernels whose caller's lengths differ from N -----===//
//
// A chain may start with an edge that brings the caller's input to its
// length N (bfly.pad, bfly.pack, bfly.pack_spectrum) and end with one that
// takes its result to the caller's output (bfly.truncate, bfly.unpack,
// bfly.real_spectrum). The chain between them is a transform like any other,
// so both lowerings lower it as one (the "core", called and inlined) and
// this file writes the kernel around it: the edges as loops of their own
// (the spectrum edges' in explicit vectors), and for a core that splits a
// vector into phases, phases of their own. bfly.pack and bfly.unpack cost
// nothing: 2M reals and M interleaved complex numbers are the same memref.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/KernelLowering.h"

#include "dialect/IR/BflyDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"

#include <cmath>
#include <complex>
#include <functional>
#include <optional>

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
  /// `lanes` > 1: the spectrum loops use vectors of that many scalars.
  EdgeBuilder(ImplicitLocOpBuilder &b, SymbolTable &symbols, Type scalar,
              int64_t lanes)
      : b(b), symbols(symbols), scalar(scalar), lanes(lanes) {}

  /// Loops from now on run only `part`'s share of their iterations (a
  /// phase of a kernel that splits one vector across threads), or all of
  /// them.
  void shareLoops(std::optional<LoopPart> part) { share = part; }

  /// dst[i] = src[i] for the first `count` scalars, then zeros up to
  /// `total`.
  void copyScalars(Value src, Value dst, int64_t count, int64_t total) {
    loop(count, 1, [&](Value i) { store(load(src, i), dst, i); });
    if (count == total)
      return;
    Value zero = constant(0.0);
    loop(total - count, 1, [&](Value i) {
      store(zero, dst, arith::AddIOp::create(b, i, index(count)));
    });
  }

  // The spectrum edges are a loop over mirrored pairs (pairLoop) and a few
  // single elements before or after it: separate steps, so that a kernel
  // splitting one vector runs the loop on every thread and the rest,
  // ordered around it by the phases, on one.

  /// bfly.real_spectrum (Z: m complex numbers, and room for one more; X:
  /// m + 1), before its loop: Z[m] = Z[0] (Z is periodic, so the pair
  /// k = 0 gives X[0] and X[m]) and the middle bin X[m/2].
  void realSpectrumEnds(Value z, Value x, int64_t m) {
    storeComplex(loadComplex(z, index(0)), z, index(m));
    middlePair(z, x, m, /*forward=*/true);
  }
  /// Its loop: X[k] = E + w^k O = u / 2 + (-i w^k / 2) v.
  void realSpectrumLoop(Value z, Value x, int64_t m) {
    pairLoop(z, x, m, /*forward=*/true);
  }

  /// bfly.pack_spectrum (X: m + 1 complex numbers; Z: m, and room for one
  /// more): its loop, Z[k] = S + i T with T = v / w^k: u + (i conj w^k) v.
  void packSpectrumLoop(Value x, Value z, int64_t m) {
    pairLoop(x, z, m, /*forward=*/false);
  }
  /// After its loop: the middle Z[m/2], and Z[0] from the real parts of
  /// X[0] and X[m] only (the loop's Z[0] used their imaginary parts too).
  void packSpectrumEnds(Value x, Value z, int64_t m) {
    middlePair(x, z, m, /*forward=*/false);
    Value x0 = load(x, index(0)), xm = load(x, index(2 * m));
    storeComplex({add(x0, xm), sub(x0, xm)}, z, index(0));
  }

private:
  /// Both spectrum edges: with u = src[k] + conj src[m-k], v = src[k] -
  /// conj src[m-k], a = c u and b = t(k) v, dst[k] = a + b and (as t(m-k)
  /// = conj t(k) for both) dst[m-k] = conj(a - b); forward (real_spectrum)
  /// c = 1/2, t(k) = -i w^k / 2, else c = 1, t(k) = i conj w^k. The loop
  /// takes k = 0 .. m/2 - 1 (a multiple of the vector width; k = 0 writes
  /// dst[m]) and is written with vectors (`lanes` pairs an iteration, the
  /// mirrored ones reversed by shuffles): LLVM's vectorizer cannot prove
  /// that the stores to dst[k] and dst[m-k] of different iterations never
  /// meet.
  void pairLoop(Value src, Value dst, int64_t m, bool forward) {
    auto [re, im] = tables(m, forward);
    Value scale = constant(forward ? 0.5 : 1.0);
    if (lanes > 1 && (m / 2) % lanes == 0)
      loop(m / 2, lanes,
           [&](Value k) { vectorPairs(src, dst, m, k, scale, re, im); });
    else
      loop(m / 2, 1, [&](Value k) {
        pair(src, dst, m, k, scale, re, im, /*both=*/true);
      });
  }

  /// The middle pair, k = m/2: dst[m/2] alone.
  void middlePair(Value src, Value dst, int64_t m, bool forward) {
    auto [re, im] = tables(m, forward);
    pair(src, dst, m, index(m / 2), constant(forward ? 0.5 : 1.0), re, im,
         /*both=*/false);
  }

  /// Pair k of pairLoop (only dst[k] unless `both`).
  void pair(Value src, Value dst, int64_t m, Value k, Value scale,
            Value tableRe, Value tableIm, bool both) {
    Value mirror = arith::SubIOp::create(b, index(m), k);
    auto [ar, ai] = loadComplex(src, k);
    auto [br, bi] = loadComplex(src, mirror);
    Value ur = add(ar, br), ui = sub(ai, bi);
    Value vr = sub(ar, br), vi = add(ai, bi);
    Value tr = load(tableRe, k), ti = load(tableIm, k);
    Value aRe = mul(scale, ur), aIm = mul(scale, ui);
    Value bRe = sub(mul(tr, vr), mul(ti, vi));
    Value bIm = add(mul(tr, vi), mul(ti, vr));
    storeComplex({add(aRe, bRe), add(aIm, bIm)}, dst, k);
    if (both)
      storeComplex({sub(aRe, bRe), sub(bIm, aIm)}, dst, mirror);
  }

  /// The factors t(k), k = 0 .. m/2, as two planar tables (no shuffles to
  /// split them): made once per direction, read where the builder is.
  std::pair<Value, Value> tables(int64_t m, bool forward) {
    auto &globals = forward ? forwardTables : backwardTables;
    if (!globals.first) {
      SmallVector<APFloat> re, im;
      const llvm::fltSemantics &semantics =
          cast<FloatType>(scalar).getFloatSemantics();
      auto rounded = [&](double v) {
        APFloat value(v);
        bool lost;
        value.convert(semantics, APFloat::rmNearestTiesToEven, &lost);
        return value;
      };
      for (int64_t k = 0; k <= m / 2; ++k) {
        double angle = M_PI * double(k) / double(m);
        std::complex<double> factor =
            forward ? std::complex<double>(0, -0.5) * std::polar(1.0, -angle)
                    : std::complex<double>(0, 1) * std::polar(1.0, angle);
        re.push_back(rounded(factor.real()));
        im.push_back(rounded(factor.imag()));
      }
      auto type = RankedTensorType::get({m / 2 + 1}, scalar);
      globals = {declareConstantGlobal(b, symbols, "__bfly_spectrum_re",
                                       DenseElementsAttr::get(type, re)),
                 declareConstantGlobal(b, symbols, "__bfly_spectrum_im",
                                       DenseElementsAttr::get(type, im))};
    }
    auto read = [&](memref::GlobalOp global) {
      return memref::GetGlobalOp::create(b, global.getType(),
                                         global.getSymName())
          .getResult();
    };
    return {read(globals.first), read(globals.second)};
  }

  /// emitLoop, or its part when loops are shared.
  void loop(int64_t count, int64_t step, function_ref<void(Value)> body) {
    if (share)
      emitLoopPart(b, count, step, *share, body);
    else
      emitLoop(b, count, step, body);
  }

  /// Pairs k .. k + lanes - 1 of pairLoop, in vectors.
  void vectorPairs(Value src, Value dst, int64_t m, Value k, Value scale,
                   Value tableRe, Value tableIm) {
    int64_t n = lanes;
    auto half = VectorType::get({n}, scalar);
    auto whole = VectorType::get({2 * n}, scalar);
    // Lane j of the even or odd scalars, in order or mirrored.
    auto parts = [&](bool odd, bool mirrored) {
      SmallVector<int64_t> mask;
      for (int64_t j = 0; j < n; ++j)
        mask.push_back(2 * (mirrored ? n - 1 - j : j) + (odd ? 1 : 0));
      return mask;
    };
    // Interleaves re and im lanes, in order or mirrored.
    auto interleave = [&](bool mirrored) {
      SmallVector<int64_t> mask;
      for (int64_t j = 0; j < n; ++j) {
        int64_t lane = mirrored ? n - 1 - j : j;
        mask.push_back(lane);
        mask.push_back(n + lane);
      }
      return mask;
    };
    auto shuffle = [&](Value x, Value y, ArrayRef<int64_t> mask) {
      return vector::ShuffleOp::create(b, x, y, mask).getResult();
    };
    // src[k ..] and, mirrored, src[m - k - n + 1 .. m - k].
    Value low = arith::ShLIOp::create(b, k, index(1));
    Value high = arith::ShLIOp::create(
        b, arith::SubIOp::create(b, index(m - n + 1), k), index(1));
    Value a = vector::LoadOp::create(b, whole, src, ValueRange{low});
    Value c = vector::LoadOp::create(b, whole, src, ValueRange{high});
    Value ar = shuffle(a, a, parts(false, false));
    Value ai = shuffle(a, a, parts(true, false));
    Value br = shuffle(c, c, parts(false, true));
    Value bi = shuffle(c, c, parts(true, true));
    Value ur = add(ar, br), ui = sub(ai, bi);
    Value vr = sub(ar, br), vi = add(ai, bi);
    Value tr = vector::LoadOp::create(b, half, tableRe, ValueRange{k});
    Value ti = vector::LoadOp::create(b, half, tableIm, ValueRange{k});
    Value factor = vector::BroadcastOp::create(b, half, scale);
    Value aRe = mul(factor, ur), aIm = mul(factor, ui);
    Value bRe = sub(mul(tr, vr), mul(ti, vi));
    Value bIm = add(mul(tr, vi), mul(ti, vr));
    vector::StoreOp::create(
        b, shuffle(add(aRe, bRe), add(aIm, bIm), interleave(false)), dst,
        ValueRange{low});
    vector::StoreOp::create(
        b, shuffle(sub(aRe, bRe), sub(bIm, aIm), interleave(true)), dst,
        ValueRange{high});
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
  // Products and sums may fuse (FMA), as in the vector lowering's stages.
  arith::FastMathFlagsAttr contract() {
    return arith::FastMathFlagsAttr::get(b.getContext(),
                                         arith::FastMathFlags::contract);
  }
  Value add(Value x, Value y) {
    return arith::AddFOp::create(b, x, y, contract());
  }
  Value sub(Value x, Value y) {
    return arith::SubFOp::create(b, x, y, contract());
  }
  Value mul(Value x, Value y) {
    return arith::MulFOp::create(b, x, y, contract());
  }

  ImplicitLocOpBuilder &b;
  SymbolTable &symbols;
  Type scalar;
  int64_t lanes;
  std::optional<LoopPart> share;
  std::pair<memref::GlobalOp, memref::GlobalOp> forwardTables, backwardTables;
};

/// Scalars in a memref of one vector of `type`.
int64_t scalarCount(Type type) {
  auto tensor = cast<RankedTensorType>(type);
  return tensor.getDimSize(0) * (isComplexVector(type) ? 2 : 1);
}

/// The kernel around a core: which edges need loops, and where the core
/// reads and writes.
class EdgeKernel {
public:
  EdgeKernel(SymbolTable &symbols, TransformOp transform, Operation *inputEdge,
             Operation *outputEdge, const KernelSignature &core,
             FunctionType coreType, unsigned vectorBits)
      : symbols(symbols), transform(transform), inputEdge(inputEdge),
        outputEdge(outputEdge), core(core),
        lanes(std::max<int64_t>(1, vectorBits /
                                       core.scalar.getIntOrFloatBitWidth())),
        coreIn(cast<MemRefType>(coreType.getInput(0))),
        coreOut(cast<MemRefType>(coreType.getInput(1))),
        // bfly.pack and bfly.unpack hand the caller's memref on as it is.
        inputLoop(inputEdge && !isa<PackOp>(inputEdge)),
        outputLoop(outputEdge && !isa<UnpackOp>(outputEdge)),
        // The spectrum loops use one complex number past the core's
        // vector (Z[m]).
        inputRoom(isa_and_nonnull<PackSpectrumOp>(inputEdge) ? 2 : 0),
        resultRoom(isa_and_nonnull<RealSpectrumOp>(outputEdge) ? 2 : 0) {}

  /// The buffers between the edges and the core: its vector and the room
  /// after it.
  MemRefType inputType() const { return withRoom(coreIn, inputRoom); }
  MemRefType resultType() const { return withRoom(coreOut, resultRoom); }

  /// Scalars of the buffers between the edges and the core.
  int64_t tempScalars() const {
    return (inputLoop ? inputType().getNumElements() : 0) +
           (outputLoop ? resultType().getNumElements() : 0);
  }

  /// An edge's loop runs in steps, in order: shared ones may be split
  /// among threads (a loop), the others run whole in one.
  struct Step {
    bool shared;
    std::function<void(EdgeBuilder &)> emit;
  };

  /// The input edge's steps, from the caller's `in` to `temp`
  /// (inputType()).
  SmallVector<Step> inputSteps(Value in, Value temp) const {
    int64_t m = core.n;
    if (isa<PadOp>(inputEdge)) {
      int64_t count = scalarCount(inputEdge->getOperand(0).getType());
      int64_t total = coreIn.getNumElements();
      return {{true,
               [=](EdgeBuilder &e) { e.copyScalars(in, temp, count, total); }}};
    }
    return {{true, [=](EdgeBuilder &e) { e.packSpectrumLoop(in, temp, m); }},
            {false, [=](EdgeBuilder &e) { e.packSpectrumEnds(in, temp, m); }}};
  }

  /// The output edge's steps, from the core's `result` (resultType()) to
  /// `out`.
  SmallVector<Step> outputSteps(Value result, Value out) const {
    int64_t m = core.n;
    if (isa<TruncateOp>(outputEdge)) {
      int64_t count = scalarCount(outputEdge->getResult(0).getType());
      return {{true, [=](EdgeBuilder &e) {
                 e.copyScalars(result, out, count, count);
               }}};
    }
    return {
        {false, [=](EdgeBuilder &e) { e.realSpectrumEnds(result, out, m); }},
        {true, [=](EdgeBuilder &e) { e.realSpectrumLoop(result, out, m); }}};
  }

  /// The core's vector within an edge's buffer.
  static Value within(ImplicitLocOpBuilder &b, Value buffer, MemRefType type) {
    if (cast<MemRefType>(buffer.getType()) == type)
      return buffer;
    return memref::ReinterpretCastOp::create(
        b, type, buffer, 0, type.getShape(), ArrayRef<int64_t>{1});
  }

  static MemRefType withRoom(MemRefType type, int64_t room) {
    return MemRefType::get({type.getNumElements() + room},
                           type.getElementType());
  }

  SymbolTable &symbols;
  TransformOp transform;
  Operation *inputEdge, *outputEdge;
  KernelSignature core;
  int64_t lanes; ///< of the spectrum loops' vectors (1: scalar code)
  MemRefType coreIn, coreOut;
  bool inputLoop, outputLoop;
  int64_t inputRoom, resultRoom;
};

/// The kernel's body: the edges around one call of the core's kernel.
void lowerWholeKernel(EdgeKernel &edge, ImplicitLocOpBuilder &b,
                      func::FuncOp kernel, func::FuncOp coreKernel) {
  Value in = kernel.getArgument(0), out = kernel.getArgument(1);
  int64_t scalarBytes = edge.core.scalar.getIntOrFloatBitWidth() / 8;
  KernelScratch temps(
      scalarBytes * edge.tempScalars(),
      KernelScratch(edge.core.scalar, edge.core.n).stackBytes());
  EdgeBuilder edges(b, edge.symbols, edge.core.scalar, edge.lanes);
  Value coreInput = in;
  if (edge.inputLoop) {
    Value temp = temps.allocate(b, edge.inputType());
    for (const EdgeKernel::Step &step : edge.inputSteps(in, temp))
      step.emit(edges);
    coreInput = EdgeKernel::within(b, temp, edge.coreIn);
  }
  Value result = edge.outputLoop ? temps.allocate(b, edge.resultType()) : out;
  Value coreOutput = EdgeKernel::within(b, result, edge.coreOut);
  func::CallOp::create(b, coreKernel, ValueRange{coreInput, coreOutput});
  if (edge.outputLoop)
    for (const EdgeKernel::Step &step : edge.outputSteps(result, out))
      step.emit(edges);
  temps.release(b);
}

/// A core that splits a vector into phases: the kernel's phases are the
/// input edge's steps, the core's phases and the output edge's steps. Its
/// scratch is two halves, each a core scratch buffer and, after it, an
/// edge's buffer (the input edge's in the first, the output edge's in the
/// second, so a one-phase core may read one and write the other). Returns
/// the record entries of the kernel's phase function.
SmallVector<NamedAttribute> lowerPhasedKernel(EdgeKernel &edge,
                                              ImplicitLocOpBuilder &b,
                                              func::FuncOp kernel,
                                              func::FuncOp corePhase,
                                              int64_t corePhases) {
  int64_t scalarBytes = edge.core.scalar.getIntOrFloatBitWidth() / 8;
  auto coreScratch = scratchBufferType(edge.core.scalar, edge.core.n);
  int64_t coreBytes = scratchBufferBytes(edge.core.scalar, edge.core.n);
  int64_t halfBytes =
      coreBytes + scalarBytes * std::max(edge.inputType().getNumElements(),
                                         edge.resultType().getNumElements());
  halfBytes = (halfBytes + 63) / 64 * 64;
  auto half = MemRefType::get({halfBytes}, b.getI8Type());
  func::FuncOp phaseFunction;
  int64_t phases = 0;
  {
    OpBuilder::InsertionGuard guard(b);
    phaseFunction = createPhaseFunction(b, edge.symbols,
                                        edge.transform.getName(), kernel, half);
    Block *entry = &phaseFunction.getBody().front();
    Value in = entry->getArgument(0), out = entry->getArgument(1);
    auto at = [&](Value buffer, int64_t offset, MemRefType type) -> Value {
      return memref::ViewOp::create(b, type, buffer,
                                    arith::ConstantIndexOp::create(b, offset),
                                    ValueRange{});
    };
    Value s0 = at(entry->getArgument(2), 0, coreScratch);
    Value s1 = at(entry->getArgument(3), 0, coreScratch);
    Value inputTemp =
        edge.inputLoop ? at(entry->getArgument(2), coreBytes, edge.inputType())
                       : in;
    Value coreInput = EdgeKernel::within(b, inputTemp, edge.coreIn);
    Value result = edge.outputLoop
                       ? at(entry->getArgument(3), coreBytes, edge.resultType())
                       : out;
    Value coreOutput = EdgeKernel::within(b, result, edge.coreOut);
    Value part = entry->getArgument(5), parts = entry->getArgument(6);

    SmallVector<EdgeKernel::Step> before, after;
    if (edge.inputLoop)
      before = edge.inputSteps(in, inputTemp);
    if (edge.outputLoop)
      after = edge.outputSteps(result, out);
    int64_t first = int64_t(before.size());
    phases = first + corePhases + int64_t(after.size());
    EdgeBuilder edges(b, edge.symbols, edge.core.scalar, edge.lanes);
    // An edge's step is a phase: a shared loop split by the part, or the
    // rest whole in part 0.
    auto edgePhase = [&](const EdgeKernel::Step &step) {
      if (step.shared) {
        edges.shareLoops(LoopPart{part, parts});
        step.emit(edges);
        edges.shareLoops(std::nullopt);
        return;
      }
      Value partZero =
          arith::CmpIOp::create(b, arith::CmpIPredicate::eq, part,
                                arith::ConstantIndexOp::create(b, 0));
      auto ifFirst = scf::IfOp::create(b, partZero, /*withElseRegion=*/false);
      OpBuilder::InsertionGuard inIf(b);
      b.setInsertionPointToStart(ifFirst.thenBlock());
      step.emit(edges);
    };
    emitPhaseSwitch(b, entry->getArgument(4), phases, [&](int64_t p) {
      if (p < first)
        return edgePhase(before[p]);
      if (p >= first + corePhases)
        return edgePhase(after[p - first - corePhases]);
      func::CallOp::create(
          b, corePhase,
          ValueRange{coreInput, coreOutput, s0, s1,
                     arith::ConstantIndexOp::create(b, p - first), part,
                     parts});
    });
    func::ReturnOp::create(b);
  }

  // The kernel's own apply runs the phases in order, in one part.
  KernelScratch scratch(2 * halfBytes, 0);
  Value halves[2] = {scratch.allocate(b, half), scratch.allocate(b, half)};
  SmallVector<NamedAttribute> record =
      callPhasesInOrder(b, phaseFunction,
                        ValueRange{kernel.getArgument(0), kernel.getArgument(1),
                                   halves[0], halves[1]},
                        phases, 2 * halfBytes, halfBytes);
  scratch.release(b);
  return record;
}

} // namespace

bool mlir::bfly::lowerTransformEdges(
    SymbolTable &symbols, TransformOp transform,
    function_ref<void(TransformOp core)> lowerCore, unsigned vectorBits) {
  Operation *inputEdge = transform.getInputEdge();
  Operation *outputEdge = transform.getOutputEdge();
  if (!inputEdge && !outputEdge)
    return false;

  TransformOp core = extractCore(symbols, transform, inputEdge, outputEdge);
  std::string coreName = core.getName().str();
  KernelSignature coreSignature = kernelSignature(core);
  lowerCore(core);
  // The core is the kernel's helper now, not a kernel: its record goes.
  auto coreKernel = symbols.lookup<func::FuncOp>(coreName);
  assert(coreKernel && "lowerCore did not make the core's kernel");
  auto coreRecord =
      coreKernel->getAttrOfType<DictionaryAttr>(BflyDialect::kKernelAttr);
  coreKernel->removeAttr(BflyDialect::kKernelAttr);
  coreKernel.setPrivate();

  KernelSignature signature = kernelSignature(transform);
  ImplicitLocOpBuilder b(transform.getLoc(), transform);
  func::FuncOp kernel = createKernel(b, symbols, transform, signature);
  EdgeKernel edge(symbols, transform, inputEdge, outputEdge, coreSignature,
                  coreKernel.getFunctionType(), vectorBits);
  SmallVector<NamedAttribute> phaseRecord;
  if (auto corePhase = dyn_cast_or_null<FlatSymbolRefAttr>(
          coreRecord.get("phase_function"))) {
    // A core that splits a vector: so does the kernel, and the core's own
    // kernel function is not needed.
    auto phaseFunction = symbols.lookup<func::FuncOp>(corePhase.getValue());
    phaseFunction.setPrivate();
    phaseRecord =
        lowerPhasedKernel(edge, b, kernel, phaseFunction,
                          cast<IntegerAttr>(coreRecord.get("phases")).getInt());
    symbols.erase(coreKernel);
  } else {
    lowerWholeKernel(edge, b, kernel, coreKernel);
  }
  func::ReturnOp::create(b);
  finishKernel(b, symbols, transform, kernel, phaseRecord);
  return true;
}
