//===- BflyToGpu.cpp - bfly transforms to CUDA kernels (gpu dialect) ------===//
//
// A transform becomes one `gpu.func` kernel in `gpu.module @bfly_gpu`,
// following its GpuSchedule: a block carries V vectors (block b: vectors
// bV .. bV + V - 1, one block per V vectors of the batch), each phase is
// straight-line code per thread between two barriers: read the thread's
// elements (global memory or the vector's shared region, through any
// permutation), apply the phase's stages and diagonals in registers, write
// them back. Shared memory is dynamic (a launch parameter), planar (real
// parts, then imaginary ones) and laid out as the schedule chose.
//
// A stage's 2x2 entries that are the same for every pair become immediates
// (0 and +-1 vanish); so does a whole matrix whose index the thread's
// registers determine. The others come from one table per stage, a
// constant memref.global of the gpu.module holding only the distinct
// entries (up to sign) of each matrix. Products a row or two rows share
// are computed once: y1 = x0 - w x1 next to y0 = x0 + w x1, y1 = w (x0 -
// x1) when a row's entries differ only in sign.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/GpuSchedule.h"
#include "compiler/Conversion/KernelLowering.h"
#include "compiler/Conversion/Passes.h"

#include "common/Butterfly.h"
#include "common/Permutation.h"
#include "dialect/IR/BflyOps.h"
#include "dialect/IR/Constants.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::bfly {
#define GEN_PASS_DEF_CONVERTBFLYTOGPU
#include "compiler/Conversion/Passes.h.inc"
} // namespace mlir::bfly

using namespace mlir;
using namespace mlir::bfly;
using ::bfly::gpu::ChainFactor;
using ::bfly::gpu::Phase;
using ::bfly::gpu::Schedule;
using ::bfly::gpu::SharedLayout;

namespace {

/// A number in registers: im is null for real numbers.
struct Num {
  Value re, im;
};

/// A product or sum that may still need a minus sign.
struct Term {
  Num value;
  bool negated = false;
  explicit operator bool() const { return bool(value.re); }
};

/// One entry of a 2x2 twiddle matrix, or of a diagonal, as code sees it.
struct Coefficient {
  enum class Kind { Zero, One, MinusOne, Immediate, Table };
  Kind kind = Kind::Zero;
  Value64 value;        ///< Immediate
  int slot = -1;        ///< Table: which stored entry of the matrix
  bool negated = false; ///< Table: minus the stored entry

  bool isUnit() const { return kind == Kind::One || kind == Kind::MinusOne; }
  /// Whether this and `other` are the same number up to sign.
  bool sameMagnitudeAs(const Coefficient &other) const {
    if (kind == Kind::Table || other.kind == Kind::Table)
      return kind == other.kind && slot == other.slot;
    if (kind == Kind::Immediate && other.kind == Kind::Immediate)
      return value == other.value || value == -other.value;
    return false;
  }
  /// Whether it is the negation of `other` (with sameMagnitudeAs).
  bool oppositeOf(const Coefficient &other) const {
    if (kind == Kind::Table)
      return negated != other.negated;
    return value == -other.value && value != other.value;
  }
};

Coefficient immediate(Value64 v) {
  Coefficient c;
  if (v == Value64(0))
    c.kind = Coefficient::Kind::Zero;
  else if (v == Value64(1))
    c.kind = Coefficient::Kind::One;
  else if (v == Value64(-1))
    c.kind = Coefficient::Kind::MinusOne;
  else
    c = {Coefficient::Kind::Immediate, v};
  return c;
}

/// A factor's constants as a kernel uses them: `entries` per matrix (4 for
/// a stage, 1 per element for a diagonal); entries equal in every matrix
/// are immediates, the others are stored per matrix in `slots` slots (one
/// per distinct entry up to sign).
struct Constants {
  SmallVector<Value64> values; ///< matrix-major
  int64_t entries = 1;
  SmallVector<Coefficient> atRunTime; ///< per entry, matrix unknown
  int64_t slots = 0;
  StringRef table; ///< the stored entries' global (none if slots == 0)

  int64_t matrices() const { return int64_t(values.size()) / entries; }
  Value64 at(int64_t matrix, int64_t entry) const {
    return values[matrix * entries + entry];
  }
  /// Entry `entry` of a matrix known at compile time.
  Coefficient known(int64_t matrix, int64_t entry) const {
    return immediate(at(matrix, entry));
  }
};

Constants classify(DenseElementsAttr attr, int64_t entries) {
  Constants c;
  c.values = valuesOf(attr);
  c.entries = entries;
  int64_t matrices = c.matrices();
  auto relation = [&](int64_t k, int64_t other) {
    bool equal = true, opposite = true;
    for (int64_t m = 0; m < matrices; ++m) {
      equal &= c.at(m, k) == c.at(m, other);
      opposite &= c.at(m, k) == -c.at(m, other);
    }
    return std::pair(equal, opposite);
  };
  SmallVector<int64_t> storedEntry; // per slot: the entry it stores
  for (int64_t k = 0; k < entries; ++k) {
    bool uniform = true;
    for (int64_t m = 1; m < matrices; ++m)
      uniform &= c.at(m, k) == c.at(0, k);
    if (uniform) {
      c.atRunTime.push_back(immediate(c.at(0, k)));
      continue;
    }
    Coefficient coefficient{Coefficient::Kind::Table};
    for (auto [slot, other] : llvm::enumerate(storedEntry)) {
      auto [equal, opposite] = relation(k, other);
      if (equal || opposite) {
        coefficient.slot = int(slot);
        coefficient.negated = opposite && !equal;
        break;
      }
    }
    if (coefficient.slot < 0) {
      coefficient.slot = int(storedEntry.size());
      storedEntry.push_back(k);
    }
    c.atRunTime.push_back(coefficient);
  }
  c.slots = int64_t(storedEntry.size());
  return c;
}

/// The permutation tables of a chain, with their inverses.
struct Permutation {
  SmallVector<int64_t> gather, scatter;
  bool bitReversal = false;
  StringRef gatherTable, scatterTable; ///< globals, made on first use
};

/// Builds one kernel from its schedule.
class GpuKernelEmitter {
public:
  GpuKernelEmitter(ImplicitLocOpBuilder &b, SymbolTable &symbols,
                   const Schedule &schedule, ArrayRef<Operation *> chain,
                   const KernelSignature &signature, bool complexChain)
      : b(b), symbols(symbols), s(schedule), chain(chain),
        scalar(signature.scalar), signature(signature),
        complexChain(complexChain), logN(llvm::Log2_64(signature.n)),
        wholeVector(s.tiles == 1) {
    for (Operation *op : chain) {
      constants.emplace_back();
      permutations.emplace_back();
      if (auto stage = dyn_cast<StageOp>(op))
        constants.back() = classify(stage.getTwiddles(), 4);
      else if (auto diag = dyn_cast<DiagOp>(op))
        constants.back() = classify(diag.getDiagonal(), 1);
      else if (auto permute = dyn_cast<PermuteOp>(op))
        permutations.back() = permutationOf(permute);
    }
  }

  /// The kernel body: every phase, a barrier between two.
  void emit(Value in, Value out, Value batch, Value inDist, Value outDist,
            Value shared) {
    this->in = in;
    this->out = out;
    this->batch = batch;
    this->inDist = inDist;
    this->outDist = outDist;
    this->shared = shared;
    for (auto [i, phase] : llvm::enumerate(s.phases)) {
      if (i > 0)
        barrier();
      emitPhase(phase);
    }
  }

  int64_t immediates = 0, tableEntries = 0, sharedProducts = 0;

private:
  /// The registers of one orbit: values and the elements they hold.
  struct Orbit {
    SmallVector<Num> values;
    SmallVector<Value> elements; ///< runtime element index per register
    SmallVector<int64_t> known;  ///< the compile-time part of each
    Value base;                  ///< the runtime part (the free bits)
  };

  // ----------------------------------------------------------------- phases

  void emitPhase(const Phase &phase) {
    ThreadPosition where = position();
    auto body = [&](function_ref<void(SmallVector<Orbit> &)> rest) {
      SmallVector<Orbit> orbits = readPhase(phase, where);
      rest(orbits);
    };
    if (!phase.barrierBeforeWrite) {
      whenActive(where, [&] {
        body([&](SmallVector<Orbit> &orbits) {
          applyFactors(phase, where, orbits);
          writePhase(phase, where, orbits);
        });
      });
      return;
    }
    // Every thread reads through the permutation before any writes: the
    // values cross the barrier as the guarded block's results.
    SmallVector<Orbit> orbits;
    SmallVector<Value> flat = whenActiveYield(where, [&] {
      orbits = readPhase(phase, where);
      SmallVector<Value> values;
      for (Orbit &orbit : orbits)
        for (Num &x : orbit.values) {
          values.push_back(x.re);
          if (x.im)
            values.push_back(x.im);
        }
      return values;
    });
    barrier();
    ThreadPosition after = position();
    whenActive(after, [&] {
      size_t next = 0;
      for (Orbit &orbit : orbits) {
        orbit = orbitIndices(phase, after, &orbit - orbits.begin(),
                             /*values=*/orbit.values.size());
        for (Num &x : orbit.values) {
          x.re = flat[next++];
          if (complexChain)
            x.im = flat[next++];
        }
      }
      applyFactors(phase, after, orbits);
      writePhase(phase, after, orbits);
    });
  }

  /// Where the thread is: its lane, its slot in the block, the vector of
  /// the batch (and the tile of it) the slot holds.
  struct ThreadPosition {
    Value lane, slot; ///< index
    Value item;       ///< i64: the slot's (vector, tile) in the launch
    Value vector;     ///< i64
    Value tileOffset; ///< index: the tile's bits of the element index
  };

  ThreadPosition position() {
    Value thread = gpu::ThreadIdOp::create(b, gpu::Dimension::x);
    Value block = gpu::BlockIdOp::create(b, gpu::Dimension::x);
    int logP = llvm::Log2_64(s.threadsPerVector);
    ThreadPosition p;
    p.lane = arith::AndIOp::create(b, thread, index(s.threadsPerVector - 1));
    p.slot = arith::ShRUIOp::create(b, thread, index(logP));
    Value first =
        arith::MulIOp::create(b, toI64(block), constantI64(s.vectorsPerBlock));
    p.item = arith::AddIOp::create(b, first, toI64(p.slot));
    p.vector = p.item;
    if (!wholeVector) {
      int logTiles = llvm::Log2_64(s.tiles);
      p.vector = arith::ShRUIOp::create(b, p.item, constantI64(logTiles));
      Value tile = arith::AndIOp::create(b, p.item, constantI64(s.tiles - 1));
      tile = arith::IndexCastUIOp::create(b, b.getIndexType(), tile);
      SmallVector<unsigned> others;
      for (unsigned bit = 0; bit < logN; ++bit)
        if (!llvm::is_contained(s.tileBits, bit))
          others.push_back(bit);
      p.tileOffset = deposit(tile, others);
    }
    return p;
  }

  /// The vector's element index of a slot's element `e`.
  Value real(const ThreadPosition &p, Value e) {
    if (wholeVector)
      return e;
    return arith::OrIOp::create(b, deposit(e, s.tileBits), p.tileOffset);
  }

  /// The same for the compile-time part of an element index.
  int64_t realKnown(int64_t e) const {
    int64_t result = 0;
    for (size_t i = 0; i < s.tileBits.size(); ++i)
      result |= ((e >> i) & 1) << s.tileBits[i];
    return result;
  }

  /// body() for threads whose vector is in the batch (every thread when
  /// a block carries one vector or tile: the grid has one block for each).
  void whenActive(const ThreadPosition &p, function_ref<void()> body) {
    if (s.vectorsPerBlock == 1)
      return body();
    scf::IfOp::create(b, active(p), [&](OpBuilder &nested, Location) {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(nested.getInsertionBlock(),
                          nested.getInsertionPoint());
      body();
      scf::YieldOp::create(b);
    });
  }

  /// body()'s values where the thread's vector is in the batch, zeros
  /// elsewhere.
  SmallVector<Value> whenActiveYield(const ThreadPosition &p,
                                     function_ref<SmallVector<Value>()> body) {
    if (s.vectorsPerBlock == 1)
      return body();
    SmallVector<Value> values;
    auto op = scf::IfOp::create(
        b, active(p),
        [&](OpBuilder &nested, Location) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nested.getInsertionBlock(),
                              nested.getInsertionPoint());
          values = body();
          scf::YieldOp::create(b, values);
        },
        [&](OpBuilder &nested, Location) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nested.getInsertionBlock(),
                              nested.getInsertionPoint());
          SmallVector<Value> zeros(values.size(), zero());
          scf::YieldOp::create(b, zeros);
        });
    return SmallVector<Value>(op.getResults());
  }

  Value active(const ThreadPosition &p) {
    Value items = batch;
    if (!wholeVector)
      items = arith::MulIOp::create(b, batch, constantI64(s.tiles));
    return arith::CmpIOp::create(b, arith::CmpIPredicate::slt, p.item, items);
  }

  // ------------------------------------------------------------- elements

  /// The elements of orbit j of the thread (lane + j P).
  Orbit orbitIndices(const Phase &phase, const ThreadPosition &p, int64_t j,
                     size_t values) {
    Orbit orbit;
    Value o = arith::AddIOp::create(b, p.lane, index(j * s.threadsPerVector));
    orbit.base = deposit(o, s.freeBits(phase));
    for (int64_t r = 0; r < phase.registers(); ++r) {
      int64_t known = s.element(phase, 0, r);
      orbit.known.push_back(known);
      orbit.elements.push_back(
          known ? Value(arith::OrIOp::create(b, orbit.base, index(known)))
                : orbit.base);
    }
    orbit.values.resize(values);
    return orbit;
  }

  /// The bits of `value` spread over `bits` (ascending), low bits first.
  Value deposit(Value value, ArrayRef<unsigned> bits) {
    Value result;
    size_t consumed = 0;
    while (consumed < bits.size()) {
      size_t length = 1;
      while (consumed + length < bits.size() &&
             bits[consumed + length] == bits[consumed] + length)
        ++length;
      Value part = value;
      if (consumed)
        part = arith::ShRUIOp::create(b, part, index(int64_t(consumed)));
      if (consumed + length < bits.size())
        part =
            arith::AndIOp::create(b, part, index((int64_t(1) << length) - 1));
      if (bits[consumed])
        part = arith::ShLIOp::create(b, part, index(bits[consumed]));
      result = result ? Value(arith::OrIOp::create(b, result, part)) : part;
      consumed += length;
    }
    return result ? result : index(0);
  }

  // ---------------------------------------------------------- reads/writes

  SmallVector<Orbit> readPhase(const Phase &phase, const ThreadPosition &p) {
    SmallVector<Orbit> orbits;
    for (int64_t j = 0; j < s.orbitsPerThread(phase); ++j) {
      Orbit orbit = orbitIndices(phase, p, j, phase.registers());
      for (int64_t r = 0; r < phase.registers(); ++r) {
        Value e = orbit.elements[r];
        if (phase.readGlobal && s.gatherOnRead)
          orbit.values[r] = loadGlobal(p, gathered(0, real(p, e)));
        else if (phase.readGlobal)
          orbit.values[r] = loadGlobal(p, real(p, e));
        else
          orbit.values[r] = loadShared(p, indexBefore(phase, phase.begin, e));
      }
      orbits.push_back(std::move(orbit));
    }
    return orbits;
  }

  void writePhase(const Phase &phase, const ThreadPosition &p,
                  ArrayRef<Orbit> orbits) {
    for (const Orbit &orbit : orbits)
      for (int64_t r = 0; r < phase.registers(); ++r) {
        Value e = orbit.elements[r];
        if (phase.writeGlobal)
          storeGlobal(p, real(p, e), orbit.values[r]);
        else if (scatters(phase))
          storeShared(p, scatteredIndex(phase, phase.end, e), orbit.values[r]);
        else
          storeShared(p, e, orbit.values[r]);
      }
  }

  /// A copy phase reading global memory holds the element it read: its
  /// permutations move the element to where it is written (unless they
  /// were gathers on the read).
  bool scatters(const Phase &phase) const {
    return phase.readGlobal && phase.isCopy() && !s.gatherOnRead;
  }

  /// In a scattering phase: the index of global element `e` once the
  /// phase's factors before `factor` have moved it.
  Value scatteredIndex(const Phase &phase, size_t factor, Value e) {
    for (size_t f = phase.begin; f < factor; ++f)
      if (permutations[f].gather.size())
        e = permuted(f, e, /*inverse=*/true);
    return e;
  }

  /// In any other phase: the index, before `factor`, of the element that
  /// ends the phase at `e` (y = P2 P1 x holds y[e] = x[p1[p2[e]]]).
  Value indexBefore(const Phase &phase, size_t factor, Value e) {
    if (s.gatherOnRead)
      return e; // the permutations were gathers on the first read
    for (size_t f = phase.end; f-- > factor;)
      if (permutations[f].gather.size())
        e = permuted(f, e, /*inverse=*/false);
    return e;
  }

  /// With gathers on the first read: the vector's index, before chain
  /// factor `factor`, of the element at vector index `e` after the launch's
  /// (leading) permutations.
  Value gathered(size_t factor, Value e) {
    for (size_t f = chain.size(); f-- > factor;)
      if (permutations[f].gather.size())
        e = permuted(f, e, /*inverse=*/false);
    return e;
  }

  /// Vector element `e` of the thread's vector, at `distance` per vector.
  Value globalOffset(const ThreadPosition &p, Value distance, Value e) {
    return arith::AddIOp::create(
        b, arith::MulIOp::create(b, p.vector, distance), toI64(e));
  }

  Num loadGlobal(const ThreadPosition &p, Value e) {
    Value at = globalOffset(p, inDist, e);
    auto pointer = LLVM::LLVMPointerType::get(b.getContext());
    if (!signature.complexIn) {
      Value address =
          LLVM::GEPOp::create(b, pointer, scalar, in, ValueRange{at});
      Value re = LLVM::LoadOp::create(b, scalar, address, scalarBytes());
      return {re, complexChain ? zero() : Value()};
    }
    // (re, im) in one access.
    auto pair = VectorType::get({2}, scalar);
    Value address = LLVM::GEPOp::create(b, pointer, pair, in, ValueRange{at});
    Value both = LLVM::LoadOp::create(b, pair, address, 2 * scalarBytes());
    return {LLVM::ExtractElementOp::create(b, both, constantI32(0)),
            LLVM::ExtractElementOp::create(b, both, constantI32(1))};
  }

  void storeGlobal(const ThreadPosition &p, Value e, Num x) {
    Value at = globalOffset(p, outDist, e);
    auto pointer = LLVM::LLVMPointerType::get(b.getContext());
    if (!signature.complexOut) {
      Value address =
          LLVM::GEPOp::create(b, pointer, scalar, out, ValueRange{at});
      LLVM::StoreOp::create(b, x.re, address, scalarBytes());
      return;
    }
    auto pair = VectorType::get({2}, scalar);
    Value both = LLVM::PoisonOp::create(b, pair);
    both = LLVM::InsertElementOp::create(b, both, x.re, constantI32(0));
    both = LLVM::InsertElementOp::create(b, both, x.im ? x.im : zero(),
                                         constantI32(1));
    Value address = LLVM::GEPOp::create(b, pointer, pair, out, ValueRange{at});
    LLVM::StoreOp::create(b, both, address, 2 * scalarBytes());
  }

  /// Where element `e` of the thread's vector lives in shared memory.
  Value sharedIndex(const ThreadPosition &p, Value e) {
    const SharedLayout &layout = s.layout;
    Value position = e;
    if (layout.kind == SharedLayout::Kind::Skew) {
      position = arith::AddIOp::create(
          b, e, arith::ShRUIOp::create(b, e, index(layout.shift)));
    } else if (layout.kind == SharedLayout::Kind::Swizzle) {
      Value mask = index((int64_t(1) << layout.rowBits) - 1);
      for (unsigned shift : layout.shifts) {
        Value higher = arith::ShRUIOp::create(b, e, index(shift));
        position = arith::XOrIOp::create(
            b, position, arith::AndIOp::create(b, higher, mask));
      }
    }
    if (s.vectorsPerBlock == 1)
      return position;
    return arith::AddIOp::create(
        b, arith::MulIOp::create(b, p.slot, index(layout.vectorStride)),
        position);
  }

  Value imaginaryIndex(Value i) {
    return arith::AddIOp::create(
        b, i, index(s.vectorsPerBlock * s.layout.vectorStride));
  }

  Num loadShared(const ThreadPosition &p, Value e) {
    Value i = sharedIndex(p, e);
    Value re = memref::LoadOp::create(b, shared, ValueRange{i});
    if (!complexChain)
      return {re, Value()};
    return {re,
            memref::LoadOp::create(b, shared, ValueRange{imaginaryIndex(i)})};
  }

  void storeShared(const ThreadPosition &p, Value e, Num x) {
    Value i = sharedIndex(p, e);
    memref::StoreOp::create(b, x.re, shared, ValueRange{i});
    if (complexChain)
      memref::StoreOp::create(b, x.im ? x.im : zero(), shared,
                              ValueRange{imaginaryIndex(i)});
  }

  // ---------------------------------------------------------- permutations

  Permutation permutationOf(PermuteOp op) {
    Permutation perm;
    perm.gather = op.getPermutation();
    perm.scatter.resize(perm.gather.size());
    for (auto [i, from] : llvm::enumerate(perm.gather))
      perm.scatter[from] = int64_t(i);
    std::vector<int64_t> reversal = ::bfly::namedPermutation(
        ::bfly::NamedPermutation::BitReverse, signature.n, signature.n);
    perm.bitReversal = llvm::equal(perm.gather, reversal);
    return perm;
  }

  /// gather[e] (or scatter[e]) of the chain's factor `f`.
  Value permuted(size_t f, Value e, bool inverse) {
    Permutation &perm = permutations[f];
    if (perm.bitReversal) {
      // Bit reversal is its own inverse: brev, then drop the low bits.
      Value word = arith::IndexCastUIOp::create(b, b.getI32Type(), e);
      Value reversed = LLVM::BitReverseOp::create(b, b.getI32Type(), word);
      reversed = arith::ShRUIOp::create(b, reversed, constantI32(32 - logN));
      return arith::IndexCastUIOp::create(b, b.getIndexType(), reversed);
    }
    StringRef &name = inverse ? perm.scatterTable : perm.gatherTable;
    ArrayRef<int64_t> table = inverse ? perm.scatter : perm.gather;
    auto type = RankedTensorType::get({signature.n}, b.getI32Type());
    if (name.empty()) {
      SmallVector<int32_t> entries(table.begin(), table.end());
      name =
          declareConstantGlobal(b, symbols, "__bfly_permutation",
                                DenseElementsAttr::get(type, ArrayRef(entries)))
              .getSymName();
    }
    Value global = memref::GetGlobalOp::create(
        b, MemRefType::get({signature.n}, b.getI32Type()), name);
    Value from = memref::LoadOp::create(b, global, ValueRange{e});
    return arith::IndexCastUIOp::create(b, b.getIndexType(), from);
  }

  // --------------------------------------------------------------- factors

  void applyFactors(const Phase &phase, const ThreadPosition &where,
                    SmallVector<Orbit> &orbits) {
    for (size_t f = phase.begin; f < phase.end; ++f) {
      Operation *op = chain[f];
      if (auto stage = dyn_cast<StageOp>(op)) {
        for (Orbit &orbit : orbits)
          applyStage(phase, where, f, stage, orbit);
      } else if (isa<DiagOp>(op)) {
        for (Orbit &orbit : orbits)
          for (int64_t r = 0; r < phase.registers(); ++r) {
            // The vector's index of the element when the diagonal applies.
            Value e = orbit.elements[r];
            if (s.gatherOnRead)
              e = gathered(f, real(where, e));
            else if (scatters(phase))
              e = scatteredIndex(phase, f, e);
            else
              e = real(where, indexBefore(phase, f, e));
            orbit.values[r] = applyDiag(f, e, orbit.values[r]);
          }
      }
      // Permutations moved the reads or writes; conversions need nothing.
    }
  }

  Num applyDiag(size_t f, Value e, Num x) {
    const Constants &c = constants[f];
    Coefficient coefficient = c.atRunTime[0];
    Memo memo;
    return signed_(product(f, coefficient, e, x, memo));
  }

  /// Products of one butterfly, so that shared ones are computed once: by
  /// table slot or immediate value (up to sign) and operand.
  struct Memo {
    struct Product {
      int slot;      ///< a table slot, or -1 for an immediate
      Value64 value; ///< the immediate
      Value operand; ///< the operand's real part identifies it
      Term term;
    };
    SmallVector<Product> products;
    SmallVector<std::pair<int, Num>> loaded; ///< table slot -> its value
  };

  void applyStage(const Phase &phase, const ThreadPosition &where, size_t f,
                  StageOp stage, Orbit &orbit) {
    int64_t h = int64_t(stage.getStride());
    unsigned bit = llvm::Log2_64(h);
    // The stage mixes registers differing in the tile bit of its stride.
    auto inTile = llvm::find(s.tileBits, bit);
    assert(inTile != s.tileBits.end() && "a stage outside its tile");
    unsigned local = unsigned(inTile - s.tileBits.begin());
    auto at = llvm::find(phase.bits, local);
    assert(at != phase.bits.end() && "a stage outside its phase's bits");
    int64_t q = at - phase.bits.begin();
    bool tied = stage.isTied();
    // The matrix is known at compile time when the registers fix every bit
    // of the vector index it depends on: the bits below the stride (tied),
    // all but the stride's (untied).
    bool known = true;
    for (unsigned other = 0; other < logN; ++other) {
      if (tied ? other >= bit : other == bit)
        continue;
      auto position = llvm::find(s.tileBits, other);
      known &= position != s.tileBits.end() &&
               llvm::is_contained(phase.bits,
                                  unsigned(position - s.tileBits.begin()));
    }
    for (int64_t r = 0; r < phase.registers(); ++r) {
      if ((r >> q) & 1)
        continue;
      int64_t r1 = r | (int64_t(1) << q);
      Value matrixAtRunTime;
      int64_t matrix = 0;
      if (known) {
        matrix = ::bfly::matrixOfPair(
            ::bfly::pairOfElement(realKnown(orbit.known[r]), h), h, tied);
      } else {
        Value e = real(where, orbit.elements[r]);
        matrixAtRunTime = tied
                              ? Value(arith::AndIOp::create(b, e, index(h - 1)))
                              : emitPairOfElement(b, e, h);
      }
      auto coefficient = [&](int entry) {
        return known ? constants[f].known(matrix, entry)
                     : constants[f].atRunTime[entry];
      };
      Memo memo;
      Num x0 = orbit.values[r], x1 = orbit.values[r1];
      orbit.values[r] =
          row(f, coefficient(0), coefficient(1), matrixAtRunTime, x0, x1, memo);
      orbit.values[r1] =
          row(f, coefficient(2), coefficient(3), matrixAtRunTime, x0, x1, memo);
    }
  }

  /// a x0 + b x1.
  Num row(size_t f, Coefficient a, Coefficient c, Value matrix, Num x0, Num x1,
          Memo &memo) {
    if (a.sameMagnitudeAs(c) && !a.isUnit() &&
        a.kind != Coefficient::Kind::Zero) {
      // a (x0 +- x1): one product for the row.
      ++sharedProducts;
      Num sum = c.oppositeOf(a) ? sub(x0, x1) : add(x0, x1);
      return signed_(product(f, a, matrix, sum, memo, /*memoize=*/false));
    }
    Term p = product(f, a, matrix, x0, memo);
    Term q = product(f, c, matrix, x1, memo);
    return signed_(plus(p, q));
  }

  /// c x, memoized by (coefficient, operand) within a butterfly: the second
  /// row's -w x1 reuses the first row's w x1.
  Term product(size_t f, const Coefficient &c, Value matrix, Num x, Memo &memo,
               bool memoize = true) {
    using Kind = Coefficient::Kind;
    switch (c.kind) {
    case Kind::Zero:
      ++immediates;
      return {};
    case Kind::One:
      ++immediates;
      return {x, false};
    case Kind::MinusOne:
      ++immediates;
      return {x, true};
    case Kind::Immediate:
    case Kind::Table:
      break;
    }
    bool table = c.kind == Kind::Table;
    if (memoize)
      for (const Memo::Product &p : memo.products) {
        if (p.operand != x.re || p.slot != (table ? c.slot : -1))
          continue;
        if (table)
          return {p.term.value, p.term.negated != c.negated};
        if (p.value == c.value)
          return p.term;
        if (p.value == -c.value)
          return {p.term.value, !p.term.negated};
      }
    Term term;
    if (table) {
      term = {multiply(tableEntry(f, c.slot, matrix, memo), x), false};
    } else {
      ++immediates;
      term = {multiplyByImmediate(c.value, x), false};
    }
    if (memoize)
      memo.products.push_back({table ? c.slot : -1, c.value, x.re, term});
    if (table)
      return {term.value, c.negated};
    return term;
  }

  /// w x for a constant w: a real w scales both parts, an imaginary one
  /// swaps them (+-i only negates one).
  Num multiplyByImmediate(Value64 w, Num x) {
    double re = w.real(), im = w.imag();
    if (!complexChain || im == 0)
      return {mul(constantScalar(re), x.re),
              x.im ? mul(constantScalar(re), x.im) : Value()};
    if (re == 0) {
      if (im == 1 || im == -1) {
        Value negated = arith::NegFOp::create(b, im == 1 ? x.im : x.re);
        return im == 1 ? Num{negated, x.re} : Num{x.im, negated};
      }
      return {mul(constantScalar(-im), x.im), mul(constantScalar(im), x.re)};
    }
    return multiply({constantScalar(re), constantScalar(im)}, x);
  }

  Num tableEntry(size_t f, int slot, Value matrix, Memo &memo) {
    for (auto &[stored, value] : memo.loaded)
      if (stored == slot)
        return value;
    Constants &c = constants[f];
    int64_t components = complexChain ? 2 : 1;
    if (c.table.empty()) {
      // [matrix][slot][re, im] of the entries that differ between matrices.
      SmallVector<int64_t> storedEntry(c.slots, -1);
      for (int64_t k = 0; k < c.entries; ++k) {
        const Coefficient &coefficient = c.atRunTime[k];
        if (coefficient.kind == Coefficient::Kind::Table &&
            !coefficient.negated && storedEntry[coefficient.slot] < 0)
          storedEntry[coefficient.slot] = k;
      }
      SmallVector<APFloat> flat;
      for (int64_t m = 0; m < c.matrices(); ++m)
        for (int64_t k : storedEntry) {
          Value64 v = c.at(m, k);
          flat.push_back(floatOf(v.real()));
          if (complexChain)
            flat.push_back(floatOf(v.imag()));
        }
      auto type = RankedTensorType::get({int64_t(flat.size())}, scalar);
      c.table = declareConstantGlobal(b, symbols, "__bfly_twiddles",
                                      DenseElementsAttr::get(type, flat))
                    .getSymName();
      tableEntries += int64_t(flat.size());
    }
    int64_t size = c.matrices() * c.slots * components;
    Value global = memref::GetGlobalOp::create(
        b, MemRefType::get({size}, scalar), c.table);
    Value first = arith::MulIOp::create(b, matrix, index(c.slots * components));
    first = arith::AddIOp::create(b, first, index(slot * components));
    Num w{memref::LoadOp::create(b, global, ValueRange{first}), Value()};
    if (complexChain)
      w.im = memref::LoadOp::create(
          b, global, ValueRange{arith::AddIOp::create(b, first, index(1))});
    memo.loaded.push_back({slot, w});
    return w;
  }

  APFloat floatOf(double v) {
    APFloat value(v);
    bool lost;
    if (scalar.isF32())
      value.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &lost);
    return value;
  }

  // ------------------------------------------------------------ arithmetic

  Term plus(Term p, Term q) {
    if (!p)
      return q;
    if (!q)
      return p;
    if (p.negated == q.negated)
      return {add(p.value, q.value), p.negated};
    return p.negated ? Term{sub(q.value, p.value), false}
                     : Term{sub(p.value, q.value), false};
  }

  Num signed_(Term t) {
    if (!t)
      return {zero(), complexChain ? zero() : Value()};
    if (!t.negated)
      return t.value;
    return {arith::NegFOp::create(b, t.value.re),
            t.value.im ? Value(arith::NegFOp::create(b, t.value.im)) : Value()};
  }

  Num add(Num x, Num y) {
    return {addF(x.re, y.re), x.im ? addF(x.im, y.im) : Value()};
  }
  Num sub(Num x, Num y) {
    return {subF(x.re, y.re), x.im ? subF(x.im, y.im) : Value()};
  }
  Num multiply(Num w, Num x) {
    if (!x.im)
      return {mul(w.re, x.re), Value()};
    return {subF(mul(w.re, x.re), mul(w.im, x.im)),
            addF(mul(w.re, x.im), mul(w.im, x.re))};
  }
  Value addF(Value x, Value y) {
    return arith::AddFOp::create(b, x, y, contract());
  }
  Value subF(Value x, Value y) {
    return arith::SubFOp::create(b, x, y, contract());
  }
  Value mul(Value x, Value y) {
    if (!x || !y)
      return Value();
    return arith::MulFOp::create(b, x, y, contract());
  }
  arith::FastMathFlagsAttr contract() {
    return arith::FastMathFlagsAttr::get(b.getContext(),
                                         arith::FastMathFlags::contract);
  }

  // -------------------------------------------------------------- plumbing

  void barrier() { gpu::BarrierOp::create(b); }
  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, v); }
  Value constantI32(int32_t v) {
    return arith::ConstantIntOp::create(b, b.getI32Type(), v);
  }
  Value constantI64(int64_t v) {
    return arith::ConstantIntOp::create(b, b.getI64Type(), v);
  }
  Value toI64(Value i) {
    return arith::IndexCastUIOp::create(b, b.getI64Type(), i);
  }
  Value zero() { return constantScalar(0.0); }
  Value constantScalar(double v) {
    return arith::ConstantOp::create(b, FloatAttr::get(scalar, floatOf(v)));
  }
  unsigned scalarBytes() const { return scalar.getIntOrFloatBitWidth() / 8; }

  ImplicitLocOpBuilder &b;
  SymbolTable &symbols;
  const Schedule &s;
  ArrayRef<Operation *> chain;
  Type scalar;
  KernelSignature signature;
  bool complexChain;
  unsigned logN;    ///< of the vector (not of a tile)
  bool wholeVector; ///< a slot holds a vector, not a tile of one
  SmallVector<Constants> constants;
  SmallVector<Permutation> permutations;
  Value in, out, batch, inDist, outDist, shared;
};

/// Does any value of the chain hold complex numbers?
bool chainIsComplex(TransformOp transform) {
  if (isComplexVector(transform.getInputType()))
    return true;
  return llvm::any_of(transform.getFactors(), [](Operation *op) {
    return isComplexVector(op->getResult(0).getType());
  });
}

struct Counts {
  int64_t factors = 0, immediates = 0, tableEntries = 0, sharedProducts = 0;
};

/// The chain as the schedule sees it.
std::vector<ChainFactor> scheduleChain(ArrayRef<Operation *> factors) {
  std::vector<ChainFactor> chain;
  for (Operation *op : factors) {
    ChainFactor factor;
    if (auto stage = dyn_cast<StageOp>(op)) {
      factor.kind = ChainFactor::Kind::Stage;
      factor.strideBit = llvm::Log2_64(stage.getStride());
      if (auto group =
              stage->getAttrOfType<IntegerAttr>(BflyDialect::kFuseGroupAttr))
        factor.fuseGroup = group.getInt();
    } else if (auto permute = dyn_cast<PermuteOp>(op)) {
      factor.kind = ChainFactor::Kind::Permute;
      auto table = permute.getPermutation();
      factor.gather.assign(table.begin(), table.end());
    } else if (isa<DiagOp>(op)) {
      factor.kind = ChainFactor::Kind::Diag;
    } else {
      factor.kind = ChainFactor::Kind::Convert;
    }
    chain.push_back(std::move(factor));
  }
  return chain;
}

/// One launch's gpu.func `name`, with its launch record.
gpu::GPUFuncOp emitLaunch(ImplicitLocOpBuilder &b, gpu::GPUModuleOp gpuModule,
                          StringRef name, const ::bfly::gpu::Launch &launch,
                          size_t index, bool inPlace,
                          ArrayRef<Operation *> factors,
                          const KernelSignature &signature, bool complexChain,
                          Counts &counts) {
  const Schedule &s = launch.schedule;
  b.setInsertionPointToEnd(gpuModule.getBody());
  auto pointer = LLVM::LLVMPointerType::get(b.getContext());
  Type i64 = b.getI64Type();
  auto type = b.getFunctionType({pointer, pointer, i64, i64, i64}, {});
  auto kernel = gpu::GPUFuncOp::create(b, name, type);
  kernel->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  kernel.setKnownBlockSizeAttr(
      b.getDenseI32ArrayAttr({int32_t(s.blockThreads), 1, 1}));
  if (!launch.readsOutput) {
    // A later launch reads and writes the output in place.
    kernel.setArgAttr(0, LLVM::LLVMDialect::getNoAliasAttrName(),
                      b.getUnitAttr());
    kernel.setArgAttr(0, LLVM::LLVMDialect::getReadonlyAttrName(),
                      b.getUnitAttr());
    kernel.setArgAttr(1, LLVM::LLVMDialect::getNoAliasAttrName(),
                      b.getUnitAttr());
  }

  Block &entry = kernel.getBody().front();
  b.setInsertionPointToStart(&entry);
  Value shared;
  if (s.sharedWords > 0) {
    auto workgroup = gpu::AddressSpaceAttr::get(b.getContext(),
                                                gpu::AddressSpace::Workgroup);
    Value bytes = gpu::DynamicSharedMemoryOp::create(
        b, MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                           MemRefLayoutAttrInterface(), workgroup));
    shared = memref::ViewOp::create(
        b,
        MemRefType::get({s.sharedWords}, signature.scalar,
                        MemRefLayoutAttrInterface(), workgroup),
        bytes, arith::ConstantIndexOp::create(b, 0), ValueRange{});
  }
  SymbolTable deviceSymbols(gpuModule);
  GpuKernelEmitter emitter(
      b, deviceSymbols, s,
      factors.slice(launch.begin, launch.end - launch.begin), signature,
      complexChain);
  emitter.emit(entry.getArgument(0), entry.getArgument(1), entry.getArgument(2),
               entry.getArgument(3), entry.getArgument(4), shared);
  gpu::ReturnOp::create(b);

  auto integer = [&](StringRef key, int64_t v) {
    return b.getNamedAttr(key, b.getI64IntegerAttr(v));
  };
  kernel->setAttr(
      BflyDialect::kGpuLaunchAttr,
      b.getDictionaryAttr(
          {integer("launch", int64_t(index)),
           integer("block_threads", s.blockThreads),
           integer("shared_bytes", s.sharedBytes),
           integer("vectors_per_block", s.vectorsPerBlock),
           integer("tiles", s.tiles),
           integer("reads_output", launch.readsOutput),
           integer("in_place", inPlace),
           integer("phases", int64_t(s.phases.size())),
           b.getNamedAttr("shared_layout", b.getStringAttr(s.layout.str())),
           integer("bank_transactions", s.bankTransactions),
           integer("ideal_transactions", s.idealTransactions)}));
  counts.immediates += emitter.immediates;
  counts.tableEntries += emitter.tableEntries;
  counts.sharedProducts += emitter.sharedProducts;
  return kernel;
}

LogicalResult lowerTransform(TransformOp transform, gpu::GPUModuleOp gpuModule,
                             SymbolTable &hostSymbols,
                             const ::bfly::gpu::ScheduleRequest &options,
                             Counts &counts) {
  if (Operation *edge = transform.getInputEdge() ? transform.getInputEdge()
                                                 : transform.getOutputEdge())
    return edge->emitOpError()
           << "cannot run on the GPU yet: the GPU lowering takes chains "
              "whose input and output have the chain's length; compile "
              "this model for the CPU";
  KernelSignature signature = kernelSignature(transform);
  SmallVector<Operation *> factors = transform.getFactors();
  ::bfly::gpu::ScheduleRequest request = options;
  request.n = signature.n;
  request.scalarBytes = signature.scalar.getIntOrFloatBitWidth() / 8;
  request.complex = chainIsComplex(transform);
  request.complexIn = signature.complexIn;
  request.complexOut = signature.complexOut;
  llvm::Expected<::bfly::gpu::KernelPlan> plan =
      ::bfly::gpu::planKernel(scheduleChain(factors), request);
  if (!plan)
    return transform.emitOpError()
           << "cannot run on the GPU: " << llvm::toString(plan.takeError());

  ImplicitLocOpBuilder b(transform.getLoc(), gpuModule);
  for (auto [i, launch] : llvm::enumerate(plan->launches)) {
    // A later launch reads the chain's values from the output.
    KernelSignature read = signature;
    if (launch.readsOutput)
      read.complexIn = request.complex;
    if (i + 1 < plan->launches.size())
      read.complexOut = request.complex;
    std::string name = transform.getName().str();
    if (i > 0)
      name += "_pass" + std::to_string(i + 1);
    gpu::GPUFuncOp kernel =
        emitLaunch(b, gpuModule, name, launch, i, plan->inPlace, factors, read,
                   request.complex, counts);
    if (i == 0)
      kernel->setAttr(BflyDialect::kKernelAttr, kernelRecord(b, transform));
  }
  counts.factors += int64_t(factors.size());
  hostSymbols.erase(transform);
  return success();
}

struct ConvertBflyToGpuPass
    : mlir::bfly::impl::ConvertBflyToGpuBase<ConvertBflyToGpuPass> {
  using ConvertBflyToGpuBase::ConvertBflyToGpuBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (vectorsPerBlock > 1024 ||
        (vectorsPerBlock && !llvm::isPowerOf2_32(vectorsPerBlock))) {
      module.emitError() << "convert-bfly-to-gpu: vectors-per-block must be "
                            "0 (chosen) or a power of two up to 1024, got "
                         << vectorsPerBlock.getValue();
      return signalPassFailure();
    }
    SmallVector<TransformOp> transforms(module.getOps<TransformOp>());
    if (transforms.empty())
      return;
    ::bfly::gpu::ScheduleRequest request;
    request.vectorsPerBlock = vectorsPerBlock;
    request.maxSharedBytes = maxSharedBytes;
    request.preferredSharedBytes =
        std::min<int64_t>(request.preferredSharedBytes, maxSharedBytes);
    SymbolTable symbols(module);
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                    UnitAttr::get(module.getContext()));
    OpBuilder b(module.getBodyRegion());
    b.setInsertionPointToEnd(module.getBody());
    auto gpuModule = gpu::GPUModuleOp::create(b, module.getLoc(), "bfly_gpu");
    symbols.insert(gpuModule);
    Counts counts;
    for (TransformOp transform : transforms)
      if (failed(
              lowerTransform(transform, gpuModule, symbols, request, counts)))
        return signalPassFailure();
    numFactors += counts.factors;
    numImmediates += counts.immediates;
    numTableEntries += counts.tableEntries;
    numSharedProducts += counts.sharedProducts;
  }
};
} // namespace
