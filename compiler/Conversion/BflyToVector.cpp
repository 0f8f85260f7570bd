//===- BflyToVector.cpp - bfly transforms to SIMD code
//---------------------===//
//
// The optimizing CPU lowering. Complex data is kept planar (all real parts,
// then all imaginary parts) so that one SIMD register holds V consecutive
// real parts and the arithmetic needs no shuffles; twiddles are stored as
// one array per 2x2 entry and component, so V consecutive pairs load theirs
// in one instruction. Stages whose partners are V or more apart load both
// halves contiguously; closer partners come from one load of 2V elements
// and a vector.shuffle. Constant twiddle arrays (the DFT's 1s, Hadamard's
// +-1/sqrt 2) become constants, and products by 0 and 1 vanish.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/KernelLowering.h"
#include "compiler/Conversion/Passes.h"

#include "common/Permutation.h"
#include "dialect/IR/BflyOps.h"
#include "dialect/IR/Constants.h"
#include "dialect/Transforms/StageGroups.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

#include <array>
#include <complex>
#include <limits>
#include <optional>

namespace mlir::bfly {
#define GEN_PASS_DEF_CONVERTBFLYTOVECTOR
#include "compiler/Conversion/Passes.h.inc"
} // namespace mlir::bfly

using namespace mlir;
using namespace mlir::bfly;

namespace {

/// The size from which a vector streams from memory rather than the caches
/// (beyond the L2 of current CPUs, a good part of a shared L3).
constexpr int64_t kStreamedBytes = int64_t(4) << 20;

/// A chain value in a buffer: planar scratch (real parts at [0, n),
/// imaginary parts of complex values from planarImaginaryOffset), or the
/// caller's input or output, whose complex values are interleaved (re, im)
/// pairs.
struct Buffer {
  Value memref;
  bool complex;
  bool interleaved = false;
};

/// V lanes of a chain value; im is null for real values.
struct Vec {
  Value re, im;
};

/// One component of a twiddle operand: null when exactly zero; `one` when
/// exactly 1 (the product is the other factor), `minusOne` for -1.
struct Factor {
  Value v;
  bool one = false, minusOne = false;
};

/// A twiddle (or diagonal) operand for V consecutive pairs.
struct Coefficient {
  Factor re, im;
};

/// Counts for the pass's statistics.
struct Counts {
  int64_t constantArrays = 0, skippedProducts = 0, sharedButterflies = 0,
          blockedPasses = 0;
};

/// A stage's twiddles: [entry][component] -> one value per 2x2 matrix (no
/// imaginary values for real stages).
using TwiddleArrays = std::array<std::array<SmallVector<double>, 2>, 4>;

/// The shortest vector whose butterflies move additions to the FMA pipes
/// (see VectorKernelBuilder::butterfly).
static constexpr int64_t kMinBalancedN = 256;

/// A group of tied complex stages of strides s, 2s, 4s, ... (a
/// decimation-in-time radix-2^k block) as one diagonal, then stages of
/// constant matrices: its matrix at offset a < s, G(a), is F D(a). The
/// twiddles a stage would multiply the lower half by are applied once per
/// element, 2^k - 1 complex products for 2^k elements instead of
/// k 2^(k-1), and the constant stages multiply by 1, -i, (1 - i)/sqrt 2
/// and the like.
struct FactoredGroup {
  /// diagonal[j][part]: D(a)_j for a in [0, s).
  std::vector<std::array<SmallVector<double>, 2>> diagonal;
  /// Every D(a)_j is 1 (a Hadamard block): no products at all.
  bool unitDiagonal = true;
  /// constants[t][p]: stage t's matrix for its p-th pair (by top).
  std::vector<std::vector<TwiddleArrays>> constants;
};

/// F D(a) for `group` (of `scalar` elements), if its stages have that form
/// within 64 ulps.
static std::optional<FactoredGroup>
factorGroup(MutableArrayRef<StageOp> group, ArrayRef<TwiddleArrays> twiddles,
            Type scalar) {
  using C = std::complex<double>;
  int64_t k = int64_t(group.size()), count = int64_t(1) << k;
  int64_t s = int64_t(group.front().getStride());
  if (k < 2 || twiddles.front()[0][1].empty())
    return std::nullopt;
  for (int64_t t = 0; t < k; ++t)
    if (!group[t].isTied() || int64_t(group[t].getStride()) != s << t)
      return std::nullopt;
  // Stage t's matrix for the pair topped by j at offset a: a plus the
  // offsets of j's lower bits (below stride s << t).
  auto matrix = [&](int64_t t, int64_t j, int64_t a) {
    int64_t m = a + (j & ((int64_t(1) << t) - 1)) * s;
    std::array<C, 4> entries;
    for (int e = 0; e < 4; ++e)
      entries[e] = C(twiddles[t][e][0][m], twiddles[t][e][1][m]);
    return entries;
  };
  // The constant stages: the matrices at a = 0, each stage divided by a
  // pivot its rows share (the one scale a chain's last stage carries),
  // which D then takes.
  FactoredGroup result;
  SmallVector<SmallVector<std::array<C, 4>>> constant(k);
  for (int64_t t = 0; t < k; ++t) {
    std::optional<C> shared;
    for (int64_t j = 0; j < count; ++j) {
      if (j & (int64_t(1) << t))
        continue;
      std::array<C, 4> m = matrix(t, j, 0);
      for (C pivot : {m[0], m[2]})
        if (!shared)
          shared = pivot;
        else if (pivot != *shared)
          shared = C(0);
      constant[t].push_back(m);
    }
    C scale = shared && *shared != C(0) ? *shared : C(1);
    result.constants.emplace_back();
    for (std::array<C, 4> &m : constant[t]) {
      TwiddleArrays arrays;
      for (int e = 0; e < 4; ++e) {
        m[e] /= scale;
        arrays[e][0] = {m[e].real()};
        arrays[e][1] = {m[e].imag()};
      }
      result.constants.back().push_back(arrays);
    }
  }
  // The product of the chain's matrices on the 2^k elements, applied to
  // the identity: column j is what element j contributes.
  auto apply = [&](auto matrixOf) {
    SmallVector<SmallVector<C>> g(count, SmallVector<C>(count, C(0)));
    for (int64_t j = 0; j < count; ++j)
      g[j][j] = 1;
    for (int64_t t = 0; t < k; ++t) {
      int64_t pair = 0;
      for (int64_t j = 0; j < count; ++j) {
        if (j & (int64_t(1) << t))
          continue;
        std::array<C, 4> m = matrixOf(t, j, pair++);
        int64_t bottom = j | (int64_t(1) << t);
        for (int64_t c = 0; c < count; ++c) {
          C top = g[j][c], low = g[bottom][c];
          g[j][c] = m[0] * top + m[1] * low;
          g[bottom][c] = m[2] * top + m[3] * low;
        }
      }
    }
    return g;
  };
  SmallVector<SmallVector<C>> f = apply(
      [&](int64_t t, int64_t, int64_t pair) { return constant[t][pair]; });
  double ulp = scalar.isF32() ? std::numeric_limits<float>::epsilon()
                              : std::numeric_limits<double>::epsilon();
  result.diagonal.resize(count);
  for (int64_t a = 0; a < s; ++a) {
    SmallVector<SmallVector<C>> g =
        apply([&](int64_t t, int64_t j, int64_t) { return matrix(t, j, a); });
    for (int64_t j = 0; j < count; ++j) {
      int64_t pivot = 0;
      double size = 0;
      for (int64_t r = 0; r < count; ++r) {
        size = std::max(size, std::abs(g[r][j]));
        if (std::abs(f[r][j]) > std::abs(f[pivot][j]))
          pivot = r;
      }
      if (f[pivot][j] == C(0))
        return std::nullopt;
      C d = g[pivot][j] / f[pivot][j];
      for (int64_t r = 0; r < count; ++r)
        if (std::abs(g[r][j] - d * f[r][j]) > 64 * ulp * size)
          return std::nullopt;
      result.diagonal[j][0].push_back(d.real());
      result.diagonal[j][1].push_back(d.imag());
      result.unitDiagonal &= d == C(1);
    }
  }
  return result;
}

class VectorKernelBuilder {
public:
  VectorKernelBuilder(ImplicitLocOpBuilder &b, SymbolTable &symbols,
                      Type scalar, int64_t n, int64_t lanes, Counts &counts)
      : b(b), symbols(symbols), scalar(scalar), n(n), lanes(lanes),
        imaginaryAt(planarImaginaryOffset(scalar, n)),
        vector(VectorType::get({lanes}, scalar)), counts(counts) {
    contract = arith::FastMathFlagsAttr::get(b.getContext(),
                                             arith::FastMathFlags::contract);
  }

  /// Consecutive stages with distinct strides, all below V or all at least
  /// V, in one pass over the data: each group of elements they mix is
  /// loaded once, mixed by every stage in registers, and stored once.
  /// Lowers the next passes over the block of `size` elements at `base`
  /// only (cache blocking); clearWindow() goes back to the whole vector.
  void setWindow(Value base, int64_t size) {
    windowBase = base;
    extent = size;
  }
  void clearWindow() {
    windowBase = Value();
    extent = n;
  }

  /// The next pass lowered sweeps only `part` of the vector (see
  /// emitLoopPart); every pass makes exactly one top-level sweep.
  void shareNextPass(LoopPart part) { share = part; }
  bool shareTaken() const { return !share; }

  void lowerStages(MutableArrayRef<StageOp> group, Buffer src, Buffer dst) {
    std::vector<TwiddleArrays> twiddles;
    for (StageOp op : group)
      twiddles.push_back(twiddleArrays(op, src.complex));
    if (group.front().getStride() < uint64_t(lanes))
      lowerCloseStages(group, twiddles, src, dst);
    else
      lowerWideStages(group, twiddles, src, dst);
  }

  /// twiddles[e][c]: component c of entry e of each of the stage's 2x2
  /// matrices.
  TwiddleArrays twiddleArrays(StageOp op, bool complex) {
    int64_t matrices = op.isTied() ? int64_t(op.getStride()) : n / 2;
    SmallVector<Value64> values = valuesOf(op.getTwiddles());
    TwiddleArrays arrays;
    for (int e = 0; e < 4; ++e)
      for (int c = 0; c < (complex ? 2 : 1); ++c) {
        arrays[e][c].reserve(matrices);
        for (int64_t m = 0; m < matrices; ++m) {
          Value64 v = values[4 * m + e];
          arrays[e][c].push_back(c ? v.imag() : v.real());
        }
      }
    return arrays;
  }

  /// Strides h >= V: 2^k vectors at base + sum of chosen strides; V
  /// consecutive elements never cross a block of any of them.
  void lowerWideStages(MutableArrayRef<StageOp> group,
                       ArrayRef<TwiddleArrays> twiddles, Buffer src,
                       Buffer dst) {
    int64_t k = int64_t(group.size()), count = int64_t(1) << k;
    std::optional<FactoredGroup> factored =
        factorGroup(group, twiddles, scalar);
    SmallVector<int> bits;
    for (StageOp op : group)
      bits.push_back(llvm::Log2_64(op.getStride()));
    SmallVector<int> ascending = bits;
    llvm::sort(ascending);
    auto offset = [&](int64_t j) {
      int64_t off = 0;
      for (int64_t t = 0; t < k; ++t)
        off += ((j >> t) & 1) << bits[t];
      return off;
    };
    forEach(extent / count, lanes, [&](Value q) {
      // base: q with a zero bit inserted at every stride's bit.
      Value base = q;
      for (int bit : ascending) {
        Value low =
            arith::AndIOp::create(b, base, index((int64_t(1) << bit) - 1));
        Value high = arith::ShLIOp::create(
            b, arith::ShRUIOp::create(b, base, index(bit)), index(bit + 1));
        base = arith::OrIOp::create(b, high, low);
      }
      base = inWindow(base);
      SmallVector<Vec> x;
      SmallVector<Value> positions;
      for (int64_t j = 0; j < count; ++j) {
        positions.push_back(add(base, offset(j)));
        x.push_back(load(src, positions.back()));
      }
      if (factored) {
        Value at = arith::AndIOp::create(
            b, base, index(int64_t(group.front().getStride()) - 1));
        for (int64_t j = 0; j < count; ++j)
          x[j] = product(coefficient(factored->diagonal[j][0],
                                     factored->diagonal[j][1], at, 0),
                         x[j]);
        // The products by D keep the multipliers busy unless D is 1.
        bool idleMultipliers = factored->unitDiagonal;
        for (int64_t t = 0; t < k; ++t) {
          int64_t pair = 0;
          for (int64_t j = 0; j < count; ++j) {
            if (j & (int64_t(1) << t))
              continue;
            int64_t partner = j | (int64_t(1) << t);
            std::tie(x[j], x[partner]) =
                butterfly(factored->constants[t][pair++], Value(),
                          /*period=*/0, x[j], x[partner], idleMultipliers);
          }
        }
        for (int64_t j = 0; j < count; ++j)
          store(x[j], dst, positions[j]);
        return;
      }
      for (int64_t t = 0; t < k; ++t) {
        int64_t h = int64_t(group[t].getStride());
        for (int64_t j = 0; j < count; ++j) {
          if (j & (int64_t(1) << t))
            continue;
          // The matrix of element `top`'s pair: the pair itself (untied) or
          // its offset in the block, top % h (tied).
          Value top = positions[j];
          Value at = group[t].isTied()
                         ? Value(arith::AndIOp::create(b, top, index(h - 1)))
                         : emitPairOfElement(b, top, h);
          int64_t partner = j | (int64_t(1) << t);
          std::tie(x[j], x[partner]) =
              butterfly(twiddles[t], at, /*period=*/0, x[j], x[partner]);
        }
      }
      for (int64_t j = 0; j < count; ++j)
        store(x[j], dst, positions[j]);
    });
  }

  /// Strides h < V: 2V elements hold V whole pairs of each stage, which
  /// shuffles bring together and apart again.
  void lowerCloseStages(MutableArrayRef<StageOp> group,
                        ArrayRef<TwiddleArrays> twiddles, Buffer src,
                        Buffer dst) {
    forEach(extent, 2 * lanes, [&](Value local) {
      Value base = inWindow(local);
      Vec a = load(src, base), c = load(src, add(base, lanes));
      Value pair = arith::ShRUIOp::create(b, base, index(1));
      for (auto [op, arrays] : llvm::zip(group, twiddles)) {
        int64_t h = int64_t(op.getStride());
        SmallVector<int64_t> tops, bottoms, outs[2];
        SmallVector<int64_t> slot(2 * lanes);
        for (int64_t e = 0; e < 2 * lanes; ++e)
          if ((e & h) == 0) {
            slot[e] = int64_t(tops.size());
            slot[e + h] = lanes + int64_t(tops.size());
            tops.push_back(e);
            bottoms.push_back(e + h);
          }
        for (int64_t e = 0; e < 2 * lanes; ++e)
          outs[e / lanes].push_back(slot[e]);
        Vec x0 = shuffle(a, c, tops), x1 = shuffle(a, c, bottoms);
        auto [y0, y1] = butterfly(arrays, pair, op.isTied() ? h : 0, x0, x1);
        a = shuffle(y0, y1, outs[0]);
        c = shuffle(y0, y1, outs[1]);
      }
      store(a, dst, base);
      store(c, dst, add(base, lanes));
    });
  }

  /// The two outputs of V butterflies: [y0; y1] = [t0 t1; t2 t3] [x0; x1].
  /// When the second row is the first with t1 negated (t2 = t0, t3 = -t1,
  /// every FFT butterfly) or t0 negated, the two products are shared.
  std::pair<Vec, Vec> butterfly(const TwiddleArrays &t, Value at,
                                int64_t period, Vec x0, Vec x1,
                                bool idleMultipliers = true) {
    auto coefficientOf = [&](int e) {
      return coefficient(t[e][0], t[e][1], at, period);
    };
    auto equal = [&](int e, int f, double sign) {
      for (int c = 0; c < 2; ++c)
        for (size_t m = 0; m < t[e][c].size(); ++m)
          if (t[e][c][m] != sign * t[f][c][m])
            return false;
      return true;
    };
    bool negateSecond = equal(2, 0, 1) && equal(3, 1, -1);
    bool negateFirst = !negateSecond && equal(2, 0, -1) && equal(3, 1, 1);
    if (negateSecond || negateFirst) {
      ++counts.sharedButterflies;
      Coefficient c0 = coefficientOf(0), c1 = coefficientOf(1);
      SignedVec p = signedProduct(c0, x0);
      SignedVec q = signedProduct(c1, x1);
      SignedVec first = negateSecond ? q : p;
      SignedVec kept = negateSecond ? p : q;
      auto value = [&](Signed x, Signed y) { return materialize(plus(x, y)); };
      Vec y0{value(p.re, q.re), x0.im ? value(p.im, q.im) : Value()};
      // Additions run on half of the FP pipes (on Zen 4 as on most x86
      // cores), the other half multiplies. A butterfly without products, or
      // one in a pass of shuffles and constant twiddles (which leave the
      // multipliers idle), computes its second output kept - first as
      // 2 kept - y0 on the FMA pipes instead. It makes y1 wait for y0,
      // which short kernels (below kMinBalancedN) feel more than the
      // adders' contention: 64 and 128 points ran 5-10% slower with it.
      const Coefficient &keptBy = negateSecond ? c0 : c1;
      bool constantTwiddles = !at || period > 0;
      if (n >= kMinBalancedN && idleMultipliers &&
          (constantTwiddles || (isUnit(c0) && isUnit(c1))) && keptBy.re.one &&
          !keptBy.im.v) {
        Vec input = negateSecond ? x0 : x1;
        Value two = splat(2.0);
        auto twiceMinus = [&](Value x, Value y) {
          return Value(
              vector::FMAOp::create(b, two, x, arith::NegFOp::create(b, y)));
        };
        Vec y1{twiceMinus(input.re, y0.re),
               x0.im ? twiceMinus(input.im, y0.im) : Value()};
        return {y0, y1};
      }
      Vec y1{value(kept.re, negate(first.re)),
             x0.im ? value(kept.im, negate(first.im)) : Value()};
      return {y0, y1};
    }
    return {combine(coefficientOf(0), x0, coefficientOf(1), x1),
            combine(coefficientOf(2), x0, coefficientOf(3), x1)};
  }

  /// Whether multiplying by `c` takes no multiplication: it is +-1 or
  /// +-i in every lane.
  static bool isUnit(const Coefficient &c) {
    auto unit = [](const Factor &f) { return f.one || f.minusOne; };
    return (unit(c.re) && !c.im.v) || (!c.re.v && unit(c.im));
  }

  /// The rows a bit reversal transposes in registers: W = 2^w <= V lanes
  /// with W^2 <= n; 1 when `op` is not a bit reversal (or n < 4).
  int64_t transposeWidth(PermuteOp op) {
    int logN = llvm::Log2_64(n);
    int logV = std::min<int>(llvm::Log2_64(lanes), logN / 2);
    if (logV < 1 || !isBitReversal(op))
      return 1;
    return int64_t(1) << logV;
  }

  /// `op`, then the tied stages `after` it of strides below
  /// transposeWidth(op) (see lowerBitReversal).
  void lowerPermute(PermuteOp op, ArrayRef<StageOp> after, Buffer src,
                    Buffer dst) {
    SmallVector<int64_t> permutation = op.getPermutation();
    int64_t width = transposeWidth(op);
    if (width > 1) {
      lowerBitReversal(src, dst, width, after);
      return;
    }
    assert(after.empty() && "stages fused into a permutation it cannot take");
    SmallVector<int32_t> table;
    for (int64_t i : permutation)
      table.push_back(static_cast<int32_t>(i));
    Value gather = constantGlobal(
        b, symbols, "__bfly_permutation",
        DenseElementsAttr::get(RankedTensorType::get({n}, b.getI32Type()),
                               ArrayRef(table)));
    auto indexVector = VectorType::get({lanes}, b.getI32Type());
    auto maskType = VectorType::get({lanes}, b.getI1Type());
    Value mask = arith::ConstantOp::create(
        b, DenseElementsAttr::get(maskType, SmallVector<bool>(lanes, true)));
    Value zero = splat(0.0);
    forEach(n, lanes, [&](Value i) {
      Value from =
          vector::LoadOp::create(b, indexVector, gather, ValueRange{i});
      if (src.interleaved) // element k's parts are at 2k and 2k + 1
        from = arith::ShLIOp::create(
            b, from,
            arith::ConstantOp::create(
                b, DenseElementsAttr::get(indexVector, int32_t(1))));
      auto part = [&](int64_t offset) {
        return vector::GatherOp::create(b, vector, src.memref,
                                        ValueRange{index(offset)}, from, mask,
                                        zero)
            .getResult();
      };
      int64_t imaginary = src.interleaved ? 1 : imaginaryAt;
      store({part(0), src.complex ? part(imaginary) : Value()}, dst, i);
    });
  }

  static SmallVector<int64_t> bitReversal(int64_t count) {
    if (count < 2)
      return {0};
    std::vector<int64_t> table = ::bfly::namedPermutation(
        ::bfly::NamedPermutation::BitReverse, count, count);
    return SmallVector<int64_t>(table.begin(), table.end());
  }

  /// The bit reversal without gathers. With the index split as [high w |
  /// middle | low w] bits (rows of W = 2^w <= V lanes, W^2 <= n), output
  /// row a of a middle m holds source rows br(c) of middle br(m), lane
  /// br(a) of each: load those W rows, transpose them in registers (w
  /// rounds of shuffles), and store transposed row j as output row br(j).
  /// Before the transpose, loaded row c holds the outputs whose low w bits
  /// are c: a tied stage of stride h < W mixes rows c and c + h with the
  /// matrix c mod h, the same in every lane, so `stages` run there as
  /// whole-register butterflies with constant twiddles, no shuffle.
  void lowerBitReversal(Buffer src, Buffer dst, int64_t width,
                        ArrayRef<StageOp> stages) {
    int logN = llvm::Log2_64(n), logV = llvm::Log2_64(width);
    int middleBits = logN - 2 * logV;
    int64_t middles = int64_t(1) << middleBits;
    SmallVector<int64_t> rowOrder = bitReversal(width);
    SmallVector<int32_t> middleTable;
    for (int64_t m : bitReversal(middles))
      middleTable.push_back(int32_t(m));
    Value reversedMiddles = constantGlobal(
        b, symbols, "__bfly_permutation",
        DenseElementsAttr::get(RankedTensorType::get({middles}, b.getI32Type()),
                               ArrayRef(middleTable)));
    // Iteration t moves source middle br(t) to output middle t, or t to
    // br(t) when the source streams from memory: reading it in order lets
    // the prefetchers run ahead (the DFT of 2^20 in 0.88-0.92x the time),
    // while in the caches scattered loads cost less than scattered stores
    // (2^16 and 2^17 in 0.94-0.97x the time the other way).
    int64_t sourceBytes =
        n * (src.complex ? 2 : 1) * (scalar.getIntOrFloatBitWidth() / 8);
    bool readInOrder = sourceBytes >= kStreamedBytes;
    int64_t rowStride = n / width;
    forEach(middles, 1, [&](Value t) {
      Value reversed = arith::IndexCastOp::create(
          b, b.getIndexType(),
          memref::LoadOp::create(b, reversedMiddles, ValueRange{t}));
      Value from = readInOrder ? t : reversed, to = readInOrder ? reversed : t;
      Value fromBase = mul(from, width), toBase = mul(to, width);
      SmallVector<Vec> loaded;
      for (int64_t c = 0; c < width; ++c)
        loaded.push_back(
            loadRow(src, add(fromBase, rowOrder[c] * rowStride), width));
      // Constants of the rows' width (below V for small n).
      VectorType full = vector;
      vector = VectorType::get({width}, scalar);
      for (StageOp stage : stages) {
        int64_t h = int64_t(stage.getStride());
        TwiddleArrays all = twiddleArrays(stage, src.complex);
        for (int64_t c = 0; c < width; ++c) {
          if (c & h)
            continue;
          // The one matrix of these pairs, c mod h, as constants.
          TwiddleArrays one;
          for (int e = 0; e < 4; ++e)
            for (int part = 0; part < (src.complex ? 2 : 1); ++part)
              one[e][part] = {all[e][part][c % h]};
          std::tie(loaded[c], loaded[c + h]) =
              butterfly(one, Value(), /*period=*/0, loaded[c], loaded[c + h]);
        }
      }
      vector = full;
      SmallVector<Value> rows[2];
      for (const Vec &row : loaded) {
        rows[0].push_back(row.re);
        if (row.im)
          rows[1].push_back(row.im);
      }
      for (auto &part : rows)
        if (!part.empty())
          transpose(part);
      for (int64_t j = 0; j < width; ++j)
        storeRow({rows[0][j], src.complex ? rows[1][j] : Value()}, dst,
                 add(toBase, rowOrder[j] * rowStride), width);
    });
  }

  /// Transposes V vectors of V lanes: round s exchanges bit s of the row
  /// with bit s of the lane, one two-input shuffle per row.
  void transpose(SmallVector<Value> &rows) {
    int64_t width = int64_t(rows.size());
    for (int64_t s = 1; s < width; s *= 2) {
      SmallVector<int64_t> keep, take;
      for (int64_t k = 0; k < width; ++k) {
        keep.push_back((k & s) == 0 ? k : width + (k ^ s));
        take.push_back((k & s) == 0 ? (k ^ s) : width + k);
      }
      for (int64_t r = 0; r < width; ++r)
        if ((r & s) == 0) {
          Value low = rows[r], high = rows[r | s];
          rows[r] = shuffle(low, high, keep);
          rows[r | s] = shuffle(low, high, take);
        }
    }
  }

  void lowerDiag(DiagOp op, Buffer src, Buffer dst) {
    bool complex = src.complex;
    SmallVector<double> re, im;
    for (Value64 v : valuesOf(op.getDiagonal())) {
      re.push_back(v.real());
      if (complex)
        im.push_back(v.imag());
    }
    forEach(n, lanes, [&](Value i) {
      store(product(coefficient(re, im, i, 0), load(src, i)), dst, i);
    });
  }

  /// Real <-> complex: copies the real parts, zeroes the imaginary ones.
  void lowerFieldChange(Buffer src, Buffer dst) {
    Value zero = splat(0.0);
    forEach(n, lanes, [&](Value i) {
      Vec x = load(src, i);
      store({x.re, dst.complex ? zero : Value()}, dst, i);
    });
  }

  /// `src` -> `dst`, whatever their layouts.
  void copy(Buffer src, Buffer dst) {
    forEach(n, lanes, [&](Value i) { store(load(src, i), dst, i); });
  }

private:
  Value index(int64_t value) {
    return arith::ConstantIndexOp::create(b, value);
  }
  Value add(Value i, int64_t offset) {
    return arith::AddIOp::create(b, i, index(offset));
  }
  Value mul(Value i, int64_t factor) {
    return arith::MulIOp::create(b, i, index(factor));
  }

  /// A pass's sweep over the vector (the first loop it emits), restricted
  /// to a share when one was given.
  void forEach(int64_t count, int64_t step, function_ref<void(Value)> body) {
    if (share) {
      LoopPart part = *share;
      share.reset(); // the loops inside the sweep run whole
      emitLoopPart(b, count, step, part, body);
      return;
    }
    emitLoop(b, count, step, body);
  }

  /// An element index of the current window as one of the whole vector.
  Value inWindow(Value local) {
    return windowBase ? Value(arith::AddIOp::create(b, windowBase, local))
                      : local;
  }

  Value splat(double value) {
    return arith::ConstantOp::create(
        b, DenseElementsAttr::get(vector,
                                  b.getFloatAttr(scalar, value).getValue()));
  }

  Value constantVector(ArrayRef<double> values) {
    SmallVector<APFloat> lanesValues;
    for (double v : values)
      lanesValues.push_back(b.getFloatAttr(scalar, v).getValue());
    return arith::ConstantOp::create(
        b, DenseElementsAttr::get(vector, lanesValues));
  }

  /// One component of a coefficient for the V pairs from `at`: a constant
  /// when all `values` are equal (none at all when they are 0), a constant
  /// vector when they repeat with a period dividing V, else a load from a
  /// global array of them.
  Factor factor(ArrayRef<double> values, Value at, int64_t period) {
    if (values.empty())
      return {};
    if (llvm::all_equal(values)) {
      ++counts.constantArrays;
      double v = values.front();
      if (v == 0)
        return {};
      return {splat(v), v == 1, v == -1};
    }
    if (period > 0) {
      SmallVector<double> pattern;
      for (int64_t q = 0; q < lanes; ++q)
        pattern.push_back(values[q % period]);
      return {constantVector(pattern)};
    }
    // From the raw numbers: a FloatAttr per value (uniqued in the context)
    // cost seconds on the largest models.
    auto type = RankedTensorType::get({int64_t(values.size())}, scalar);
    DenseElementsAttr attr;
    if (scalar.isF32()) {
      SmallVector<float> rounded(values.begin(), values.end());
      attr = DenseElementsAttr::get(type, ArrayRef(rounded));
    } else {
      attr = DenseElementsAttr::get(type, values);
    }
    Value array = constantGlobal(b, symbols, "__bfly_twiddles", attr);
    return {loadVector(array, at)};
  }

  Coefficient coefficient(ArrayRef<double> re, ArrayRef<double> im, Value at,
                          int64_t period) {
    return {factor(re, at, period), factor(im, at, period)};
  }

  /// A value computed so far, or its negation; null when exactly zero.
  /// Signs are carried to the sum that consumes them, so a twiddle of -1
  /// costs a subtraction instead of a negation and an addition.
  struct Signed {
    Value v;
    bool negated = false;
  };
  struct SignedVec {
    Signed re, im;
  };

  /// f * x.
  Signed scale(const Factor &f, Value x) {
    if (!f.v || f.one || f.minusOne) {
      ++counts.skippedProducts;
      return {f.v ? x : Value(), f.minusOne};
    }
    return {arith::MulFOp::create(b, f.v, x, contract)};
  }
  static Signed negate(Signed x) { return {x.v, !x.negated}; }
  Signed plus(Signed x, Signed y) {
    if (!x.v || !y.v)
      return x.v ? x : y;
    if (x.negated == y.negated)
      return {arith::AddFOp::create(b, x.v, y.v, contract), x.negated};
    Value difference = x.negated ? arith::SubFOp::create(b, y.v, x.v, contract)
                                 : arith::SubFOp::create(b, x.v, y.v, contract);
    return {difference};
  }
  /// The vector itself: zero when nothing was left.
  Value materialize(Signed x) {
    if (!x.v)
      return splat(0.0);
    return x.negated ? Value(arith::NegFOp::create(b, x.v)) : x.v;
  }

  /// c * x.
  SignedVec signedProduct(const Coefficient &c, Vec x) {
    if (!x.im)
      return {scale(c.re, x.re), {}};
    return {plus(scale(c.re, x.re), negate(scale(c.im, x.im))),
            plus(scale(c.re, x.im), scale(c.im, x.re))};
  }
  Vec product(const Coefficient &c, Vec x) {
    SignedVec p = signedProduct(c, x);
    return {materialize(p.re), x.im ? materialize(p.im) : Value()};
  }

  /// c0 x0 + c1 x1.
  Vec combine(const Coefficient &c0, Vec x0, const Coefficient &c1, Vec x1) {
    SignedVec p = signedProduct(c0, x0), q = signedProduct(c1, x1);
    return {materialize(plus(p.re, q.re)),
            x0.im ? materialize(plus(p.im, q.im)) : Value()};
  }

  Value shuffle(Value x, Value y, ArrayRef<int64_t> mask) {
    return vector::ShuffleOp::create(b, x, y, b.getDenseI64ArrayAttr(mask));
  }
  Vec shuffle(Vec x, Vec y, ArrayRef<int64_t> mask) {
    return {shuffle(x.re, y.re, mask),
            x.im ? shuffle(x.im, y.im, mask) : Value()};
  }

  Value loadVector(Value memref, Value i) {
    return vector::LoadOp::create(b, vector, memref, ValueRange{i});
  }
  void storeVector(Value v, Value memref, Value i) {
    vector::StoreOp::create(b, v, memref, ValueRange{i});
  }
  /// V elements from `i`: one load per part, or for interleaved complex
  /// data two loads and the shuffles that split real and imaginary parts.
  Vec load(Buffer buffer, Value i) { return loadRow(buffer, i, lanes); }
  void store(Vec x, Buffer buffer, Value i) { storeRow(x, buffer, i, lanes); }

  /// The same for `width` <= V elements.
  Vec loadRow(Buffer buffer, Value i, int64_t width) {
    auto type = VectorType::get({width}, scalar);
    if (!buffer.interleaved)
      return {vector::LoadOp::create(b, type, buffer.memref, ValueRange{i}),
              buffer.complex ? Value(vector::LoadOp::create(
                                   b, type, buffer.memref,
                                   ValueRange{add(i, imaginaryAt)}))
                             : Value()};
    auto pairs = VectorType::get({2 * width}, scalar);
    Value both =
        vector::LoadOp::create(b, pairs, buffer.memref, ValueRange{mul(i, 2)});
    SmallVector<int64_t> evens, odds;
    for (int64_t k = 0; k < width; ++k) {
      evens.push_back(2 * k);
      odds.push_back(2 * k + 1);
    }
    return {shuffle(both, both, evens), shuffle(both, both, odds)};
  }
  void storeRow(Vec x, Buffer buffer, Value i, int64_t width) {
    if (!buffer.interleaved) {
      vector::StoreOp::create(b, x.re, buffer.memref, ValueRange{i});
      if (buffer.complex)
        vector::StoreOp::create(b, x.im ? x.im : zeroRow(width), buffer.memref,
                                ValueRange{add(i, imaginaryAt)});
      return;
    }
    // Scalar m of the 2 * width stored is part m % 2 of element m / 2.
    SmallVector<int64_t> mask;
    for (int64_t m = 0; m < 2 * width; ++m)
      mask.push_back(m % 2 ? width + m / 2 : m / 2);
    Value both = shuffle(x.re, x.im ? x.im : zeroRow(width), mask);
    vector::StoreOp::create(b, both, buffer.memref, ValueRange{mul(i, 2)});
  }
  Value zeroRow(int64_t width) {
    return arith::ConstantOp::create(
        b, DenseElementsAttr::get(VectorType::get({width}, scalar),
                                  b.getFloatAttr(scalar, 0.0).getValue()));
  }

  ImplicitLocOpBuilder &b;
  SymbolTable &symbols;
  Type scalar;
  int64_t n, lanes;
  int64_t imaginaryAt; ///< of planar buffers (see planarImaginaryOffset)
  VectorType vector;
  Counts &counts;
  arith::FastMathFlagsAttr contract;
  Value windowBase;              ///< null: the whole vector
  int64_t extent = n;            ///< elements the passes cover
  std::optional<LoopPart> share; ///< for the next pass's sweep
};
} // namespace

/// The stages from chain[start] that one pass applies: the group
/// bfly-fuse-stages planned (consecutive stages with chain[start]'s
/// bfly.fuse_group), cut where the group's stages cannot share a pass at
/// this vector width; a stage without a group is a pass of its own.
static SmallVector<StageOp> stageGroup(ArrayRef<Operation *> chain,
                                       size_t start, int64_t lanes) {
  auto first = cast<StageOp>(chain[start]);
  SmallVector<StageOp> group{first};
  Attribute id = first->getAttr(BflyDialect::kFuseGroupAttr);
  if (!id)
    return group;
  for (size_t i = start + 1; i < chain.size(); ++i) {
    auto stage = dyn_cast<StageOp>(chain[i]);
    if (!stage || stage->getAttr(BflyDialect::kFuseGroupAttr) != id ||
        !canJoinGroup(group, stage, lanes, kMaxFusedStages))
      break;
    group.push_back(stage);
  }
  return group;
}

/// The block of cache blocking: the largest power of two B whose elements
/// in both scratch buffers fit in `blockBytes`, if it is below n and holds
/// two vectors' worth of pairs; 0 otherwise.
static int64_t blockElements(const KernelSignature &signature, int64_t lanes,
                             bool complex, unsigned blockBytes) {
  int64_t elementBytes =
      int64_t(signature.scalar.getIntOrFloatBitWidth() / 8) * (complex ? 2 : 1);
  int64_t block = 1;
  while (2 * (2 * block) * elementBytes <= int64_t(blockBytes))
    block *= 2;
  return block < signature.n && block >= 2 * lanes ? block : 0;
}

/// Whether every stage of `group` mixes only elements within blocks of
/// `block`.
static bool staysInBlocks(ArrayRef<StageOp> group, int64_t block) {
  return block > 0 && llvm::all_of(group, [&](StageOp stage) {
           return 2 * int64_t(stage.getStride()) <= block;
         });
}

namespace {
/// One pass over the data: a group of stages, or another factor; passes
/// of one `blockRun` (> 0) run block by block, `block` elements at a time.
struct DataPass {
  SmallVector<StageOp> stages; ///< a group, or stages fused into `factor`
  Operation *factor = nullptr; ///< a permutation, diagonal or conversion
  bool complexOut = false;     ///< the pass's result holds complex values
  int64_t blockRun = 0, block = 0;
};
} // namespace

/// The passes of `chain`: a pass per group of stages (bfly-fuse-stages'
/// plan) or other factor; consecutive stage passes that stay within cache
/// blocks form a run (two or more: one gains nothing).
static SmallVector<DataPass> planPasses(ArrayRef<Operation *> chain,
                                        const KernelSignature &signature,
                                        int64_t lanes, unsigned blockBytes,
                                        VectorKernelBuilder &builder) {
  SmallVector<DataPass> passes;
  int64_t runs = 0;
  bool complex = signature.complexIn;
  for (size_t i = 0; i < chain.size();) {
    if (!isa<StageOp>(chain[i])) {
      DataPass pass;
      pass.factor = chain[i];
      pass.complexOut = isComplexVector(chain[i]->getResult(0).getType());
      complex = pass.complexOut;
      ++i;
      // A bit reversal transposes in registers; the tied stages of strides
      // below its width that follow it run there too.
      if (auto permute = dyn_cast<PermuteOp>(pass.factor)) {
        int64_t width = builder.transposeWidth(permute);
        while (i < chain.size()) {
          auto stage = dyn_cast<StageOp>(chain[i]);
          if (!stage || !stage.isTied() || int64_t(stage.getStride()) >= width)
            break;
          pass.stages.push_back(stage);
          ++i;
        }
      }
      passes.push_back(pass);
      continue;
    }
    size_t runStart = passes.size();
    int64_t block = blockElements(signature, lanes, complex, blockBytes);
    while (i < chain.size() && isa<StageOp>(chain[i])) {
      DataPass pass;
      pass.stages = stageGroup(chain, i, lanes);
      pass.complexOut =
          isComplexVector(pass.stages.back()->getResult(0).getType());
      bool blocked = staysInBlocks(pass.stages, block);
      if (!blocked && passes.size() > runStart)
        break;
      i += pass.stages.size();
      passes.push_back(pass);
      if (!blocked)
        break;
    }
    size_t count = passes.size() - runStart;
    if (count >= 2 && staysInBlocks(passes[runStart].stages, block)) {
      ++runs;
      for (size_t k = runStart; k < passes.size(); ++k) {
        passes[k].blockRun = runs;
        passes[k].block = block;
      }
    }
  }
  return passes;
}

/// The smallest n whose kernel can split one vector across threads (a
/// phase function besides the kernel). Below it a transform takes less
/// than the tens of microseconds that handing its phases to threads costs.
static constexpr int64_t kMinPhasedN = int64_t(1) << 14;

namespace {
/// Lowers a transform's passes into the kernel's body or, for a kernel that
/// can split a vector across threads, into a phase function the body calls:
/// a phase is a blocked run (its blocks are independent) or one other pass,
/// and every element a phase writes depends only on the previous phase's
/// output, so the iterations of its sweep can run on several threads.
class PassLowering {
public:
  PassLowering(VectorKernelBuilder &builder, ImplicitLocOpBuilder &b, int64_t n,
               ArrayRef<DataPass> passes)
      : builder(builder), b(b), n(n), passes(passes) {
    // A pass writes the scratch vector it reads unless it permutes: every
    // other pass loads a group of elements and stores the same ones back,
    // so one scratch vector serves a run of them and less memory competes
    // for the caches (the input, one scratch and the output for a DFT).
    for (size_t k = 0; k < passes.size(); ++k) {
      bool inPlace = k > 0 && !isa_and_nonnull<PermuteOp>(passes[k].factor);
      slots.push_back(k == 0 ? 0 : inPlace ? slots.back() : 1 - slots.back());
    }
    for (size_t k = 0; k < passes.size();) {
      size_t end = k + 1;
      while (passes[k].blockRun && end < passes.size() &&
             passes[end].blockRun == passes[k].blockRun)
        ++end;
      phases.push_back({k, end});
      k = end;
    }
  }

  size_t numPhases() const { return phases.size(); }

  /// The scratch vectors the passes use (0, 1 or 2).
  size_t numScratch() const {
    size_t count = 0;
    for (size_t k = 0; k + 1 < passes.size(); ++k)
      count = std::max<size_t>(count, slots[k] + 1);
    return count;
  }

  /// Phase `p` from `input` to `output` through `scratch`; only `share` of
  /// its sweep when given.
  void lowerPhase(size_t p, Buffer input, Buffer output,
                  ArrayRef<Value> scratch, std::optional<LoopPart> share,
                  Counts &counts, int64_t &numFactors) {
    auto [first, end] = phases[p];
    auto target = [&](size_t k) {
      if (k + 1 == passes.size())
        return output;
      return Buffer{scratch[slots[k]], passes[k].complexOut};
    };
    Buffer src = first == 0 ? input : target(first - 1);
    if (passes[first].blockRun) {
      int64_t block = passes[first].block;
      auto body = [&](Value base) {
        builder.setWindow(base, block);
        Buffer at = src;
        for (size_t k = first; k < end; ++k) {
          builder.lowerStages(passes[k].stages, at, target(k));
          at = target(k);
        }
        builder.clearWindow();
      };
      if (share)
        emitLoopPart(b, n, block, *share, body);
      else
        emitLoop(b, n, block, body);
      for (size_t k = first; k < end; ++k)
        numFactors += int64_t(passes[k].stages.size());
      counts.blockedPasses += int64_t(end - first);
      return;
    }
    if (share)
      builder.shareNextPass(*share);
    Buffer dst = target(first);
    const DataPass &pass = passes[first];
    if (!pass.factor && !pass.stages.empty()) {
      builder.lowerStages(pass.stages, src, dst);
      numFactors += int64_t(pass.stages.size());
    } else if (!pass.factor) {
      builder.copy(src, dst);
    } else {
      if (auto perm = dyn_cast<PermuteOp>(pass.factor))
        builder.lowerPermute(perm, pass.stages, src, dst);
      else if (auto diag = dyn_cast<DiagOp>(pass.factor))
        builder.lowerDiag(diag, src, dst);
      else
        builder.lowerFieldChange(src, dst);
      numFactors += 1 + int64_t(pass.stages.size());
    }
    assert(builder.shareTaken() && "a pass made no sweep");
  }

private:
  VectorKernelBuilder &builder;
  ImplicitLocOpBuilder &b;
  int64_t n;
  ArrayRef<DataPass> passes;
  SmallVector<std::pair<size_t, size_t>> phases; ///< [first, end) passes
  SmallVector<int> slots; ///< the scratch vector pass k writes
};
} // namespace

/// The phase function of `kernel`: part `part` of `parts` of phase `phase`
/// (nothing for another phase).
static func::FuncOp lowerPhaseFunction(ImplicitLocOpBuilder &b,
                                       SymbolTable &symbols, StringRef name,
                                       func::FuncOp kernel,
                                       PassLowering &lowering,
                                       const KernelSignature &signature,
                                       Counts &counts, int64_t &numFactors) {
  OpBuilder::InsertionGuard guard(b);
  MemRefType scratchType = scratchBufferType(signature.scalar, signature.n);
  func::FuncOp phaseFunction =
      createPhaseFunction(b, symbols, name, kernel, scratchType);
  Block *entry = &phaseFunction.getBody().front();
  Buffer input{entry->getArgument(0), signature.complexIn, signature.complexIn};
  Buffer output{entry->getArgument(1), signature.complexOut,
                signature.complexOut};
  Value scratch[2] = {entry->getArgument(2), entry->getArgument(3)};
  LoopPart share{entry->getArgument(5), entry->getArgument(6)};
  emitPhaseSwitch(b, entry->getArgument(4), int64_t(lowering.numPhases()),
                  [&](int64_t p) {
                    lowering.lowerPhase(size_t(p), input, output, scratch,
                                        share, counts, numFactors);
                  });
  func::ReturnOp::create(b);
  return phaseFunction;
}

static void lowerTransform(TransformOp transform, SymbolTable &symbols,
                           unsigned vectorBits, unsigned blockBytes,
                           Counts &counts, int64_t &numFactors) {
  SmallVector<Operation *> chain = transform.getFactors();
  KernelSignature signature = kernelSignature(transform);
  int64_t n = signature.n;
  int64_t lanes = transformLanes(transform, signature.scalar, vectorBits);
  ImplicitLocOpBuilder b(transform.getLoc(), transform);
  func::FuncOp kernel = createKernel(b, symbols, transform, signature);
  VectorKernelBuilder builder(b, symbols, signature.scalar, n, lanes, counts);

  // The first pass reads the caller's input and the last writes its output
  // (interleaved complex data is split and joined in their loads and
  // stores); the passes between ping-pong between two planar scratch
  // buffers. The input is read whole before the output is first written
  // (a single pass writes each element where it read it), so they may
  // alias.
  SmallVector<DataPass> passes =
      planPasses(chain, signature, lanes, blockBytes, builder);
  bool inPlaceSafe = passes.size() >= 2 ||
                     (passes.size() == 1 && !passes[0].factor) ||
                     (passes.size() == 1 && !isa<PermuteOp>(passes[0].factor));
  if (!inPlaceSafe || passes.empty()) {
    // A permutation alone reads across the vector: one more pass, a copy.
    DataPass copy;
    copy.complexOut = signature.complexOut;
    passes.push_back(copy);
  }
  PassLowering lowering(builder, b, n, passes);
  Buffer input{kernel.getArgument(0), signature.complexIn, signature.complexIn};
  Buffer output{kernel.getArgument(1), signature.complexOut,
                signature.complexOut};
  KernelScratch scratchBuffers(signature.scalar, n,
                               std::max<int64_t>(lowering.numScratch(), 1));
  SmallVector<NamedAttribute> phaseRecord;
  if (n < kMinPhasedN) {
    SmallVector<Value, 2> scratch;
    for (size_t k = 0; k < lowering.numScratch(); ++k)
      scratch.push_back(scratchBuffers.allocate(b));
    for (size_t p = 0; p < lowering.numPhases(); ++p)
      lowering.lowerPhase(p, input, output, scratch, std::nullopt, counts,
                          numFactors);
  } else {
    func::FuncOp phaseFunction =
        lowerPhaseFunction(b, symbols, transform.getName(), kernel, lowering,
                           signature, counts, numFactors);
    // The phase function takes two scratch vectors; most chains use one,
    // and then apply_phase's caller provides one.
    bool two = lowering.numScratch() > 1;
    Value first = scratchBuffers.allocate(b);
    Value scratch[2] = {first, two ? scratchBuffers.allocate(b) : first};
    int64_t bufferBytes = scratchBufferBytes(signature.scalar, n);
    phaseRecord = callPhasesInOrder(
        b, phaseFunction,
        ValueRange{input.memref, output.memref, scratch[0], scratch[1]},
        int64_t(lowering.numPhases()), (two ? 2 : 1) * bufferBytes,
        two ? bufferBytes : 0);
  }
  scratchBuffers.release(b);
  func::ReturnOp::create(b);
  finishKernel(b, symbols, transform, kernel, phaseRecord);
}

namespace {
struct ConvertBflyToVectorPass
    : mlir::bfly::impl::ConvertBflyToVectorBase<ConvertBflyToVectorPass> {
  using ConvertBflyToVectorBase::ConvertBflyToVectorBase;

  void runOnOperation() override {
    unsigned bits = vectorBits.getValue();
    ModuleOp module = getOperation();
    if (bits < 32 || !llvm::isPowerOf2_32(bits)) {
      for (TransformOp transform : module.getOps<TransformOp>())
        transform.emitOpError("cannot be lowered with vector-bits=")
            << bits << ": it must be a power of two of at least 32";
      return signalPassFailure();
    }
    SymbolTable symbols(module);
    Counts counts;
    int64_t factors = 0;
    for (TransformOp transform :
         llvm::make_early_inc_range(module.getOps<TransformOp>())) {
      auto lower = [&](TransformOp chain) {
        lowerTransform(chain, symbols, bits, blockBytes, counts, factors);
      };
      if (!lowerTransformEdges(symbols, transform, lower, bits))
        lower(transform);
    }
    numFactors += factors;
    numConstantArrays += counts.constantArrays;
    numSkippedProducts += counts.skippedProducts;
    numSharedButterflies += counts.sharedButterflies;
    numBlockedPasses += counts.blockedPasses;
  }
};
} // namespace
