//===- BflyToGpu.cpp - bfly transforms to CUDA kernels (gpu dialect) ------===//
//
// A transform becomes one `gpu.func` kernel in `gpu.module @bfly_gpu`. A
// block of T threads computes one vector at a time (blocks stride over the
// batch): the vector is read once from global memory into shared memory,
// held planar (the real parts, then the imaginary ones, so a warp's 32
// accesses of consecutive elements hit 32 different banks), every factor
// runs in place as one thread-strided loop with a barrier after it, and the
// result is written once. A stage's pairs are disjoint, so each thread
// reads and writes its own pairs in place; a permutation gathers into
// registers (each thread holds ceil(n / T) values across one barrier) and
// scatters back. Twiddles, diagonals and permutation tables are constant
// `memref.global`s of the gpu.module: initialized PTX globals.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/KernelLowering.h"
#include "compiler/Conversion/Passes.h"

#include "dialect/IR/BflyOps.h"
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

namespace {

/// A number being computed: im is null for real numbers.
struct Number {
  Value re, im;
};

/// Builds the body of one GPU kernel.
class GpuKernelBuilder {
public:
  GpuKernelBuilder(ImplicitLocOpBuilder &b, SymbolTable &symbols,
                   const KernelSignature &signature, int64_t threads,
                   Value shared, Value thread)
      : b(b), symbols(symbols), scalar(signature.scalar), n(signature.n),
        threads(threads), shared(shared), thread(thread) {}

  /// Vector `element0` of the caller's interleaved (complex) or plain
  /// (real) buffer `in` -> shared memory.
  void load(Value in, Value first, bool complexIn, bool complexChain) {
    forEachElement([&](Value i) {
      Value at = add64(first, indexTo64(i));
      Number x;
      if (complexIn) {
        Value re = mul64(at, 2);
        x = {loadGlobal(in, re), loadGlobal(in, add64(re, constant64(1)))};
      } else {
        x = {loadGlobal(in, at), Value()};
      }
      if (complexChain && !x.im)
        x.im = zero();
      storeShared(x, i, complexChain);
    });
  }

  /// Shared memory -> vector `first` of `out`.
  void store(Value out, Value first, bool complexOut, bool complexChain) {
    forEachElement([&](Value i) {
      Number x = loadShared(i, complexChain);
      Value at = add64(first, indexTo64(i));
      if (complexOut) {
        Value re = mul64(at, 2);
        storeGlobal(x.re, out, re);
        storeGlobal(x.im ? x.im : zero(), out, add64(re, constant64(1)));
      } else {
        storeGlobal(x.re, out, at);
      }
    });
  }

  void lowerStage(StageOp op, bool complexChain) {
    int64_t h = static_cast<int64_t>(op.getStride());
    bool complex = isComplexVector(op->getResult(0).getType());
    bool tied = op.isTied();
    Value twiddles = scalarGlobal("__bfly_twiddles", op.getTwiddles());
    forEachIndex(n / 2, [&](Value pair) {
      auto [top, bottom] = emitStagePair(b, pair, h);
      // The matrix of the pair: matrixOfPair in common/Butterfly.h.
      Value matrix =
          tied ? Value(arith::AndIOp::create(b, pair, index(h - 1))) : pair;
      Number x0 = loadShared(top, complex), x1 = loadShared(bottom, complex);
      auto t = [&](int64_t entry) {
        Value base = arith::MulIOp::create(b, matrix, index(4));
        return loadConstant(twiddles, complex,
                            arith::AddIOp::create(b, base, index(entry)));
      };
      storeShared(addN(mulN(t(0), x0), mulN(t(1), x1)), top, complex);
      storeShared(addN(mulN(t(2), x0), mulN(t(3), x1)), bottom, complex);
    });
    barrier();
  }

  void lowerDiag(DiagOp op) {
    bool complex = isComplexVector(op->getResult(0).getType());
    Value diagonal = scalarGlobal("__bfly_diagonal", op.getDiagonal());
    forEachElement([&](Value i) {
      storeShared(mulN(loadConstant(diagonal, complex, i),
                       loadShared(i, complex)),
                  i, complex);
    });
    barrier();
  }

  /// out[i] = in[perm[i]]: every thread gathers its elements into
  /// registers, then, after a barrier, writes them back in place.
  void lowerPermute(PermuteOp op, bool complex) {
    SmallVector<int32_t> table;
    for (int64_t i : op.getPermutation())
      table.push_back(static_cast<int32_t>(i));
    Value gather = constantGlobal(
        b, symbols, "__bfly_permutation",
        DenseElementsAttr::get(RankedTensorType::get({n}, b.getI32Type()),
                               ArrayRef(table)));
    int64_t perThread = (n + threads - 1) / threads;
    SmallVector<Number> held;
    SmallVector<Value> targets;
    for (int64_t j = 0; j < perThread; ++j) {
      Value i = arith::AddIOp::create(b, thread, index(j * threads));
      targets.push_back(i);
      held.push_back(guarded(i, complex, [&] {
        Value from = memref::LoadOp::create(b, gather, ValueRange{i});
        from = arith::IndexCastOp::create(b, b.getIndexType(), from);
        return loadShared(from, complex);
      }));
    }
    barrier();
    for (int64_t j = 0; j < perThread; ++j)
      whenInRange(targets[j], [&] { storeShared(held[j], targets[j], complex); });
    barrier();
  }

  /// Real -> complex: the imaginary parts become zero (complex -> real
  /// needs nothing: the real parts are where they were).
  void lowerToComplex() {
    forEachElement([&](Value i) {
      memref::StoreOp::create(b, zero(), shared,
                              ValueRange{arith::AddIOp::create(b, i, index(n))});
    });
    barrier();
  }

  void barrier() { gpu::BarrierOp::create(b); }

  Value index(int64_t value) {
    return arith::ConstantIndexOp::create(b, value);
  }

private:
  /// for (i = thread; i < count; i += threads) body(i)
  void forEachIndex(int64_t count, function_ref<void(Value)> body) {
    scf::ForOp::create(b, thread, index(count), index(threads), ValueRange{},
                       [&](OpBuilder &nested, Location, Value iv, ValueRange) {
                         OpBuilder::InsertionGuard guard(b);
                         b.setInsertionPoint(nested.getInsertionBlock(),
                                             nested.getInsertionPoint());
                         body(iv);
                         scf::YieldOp::create(b);
                       });
  }
  void forEachElement(function_ref<void(Value)> body) {
    forEachIndex(n, body);
  }

  Value inRange(Value i) {
    return arith::CmpIOp::create(b, arith::CmpIPredicate::ult, i, index(n));
  }

  void whenInRange(Value i, function_ref<void()> body) {
    if (threads <= n && n % threads == 0)
      return body();
    scf::IfOp::create(b, inRange(i), [&](OpBuilder &nested, Location) {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(nested.getInsertionBlock(),
                          nested.getInsertionPoint());
      body();
      scf::YieldOp::create(b);
    });
  }

  /// `value()` where i < n, zeros elsewhere.
  Number guarded(Value i, bool complex, function_ref<Number()> value) {
    if (threads <= n && n % threads == 0)
      return value();
    SmallVector<Type> types(complex ? 2 : 1, scalar);
    auto yield = [&](OpBuilder &nested, function_ref<Number()> make) {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(nested.getInsertionBlock(),
                          nested.getInsertionPoint());
      Number x = make();
      SmallVector<Value> values = {x.re};
      if (complex)
        values.push_back(x.im);
      scf::YieldOp::create(b, values);
    };
    auto op = scf::IfOp::create(
        b, inRange(i),
        [&](OpBuilder &nested, Location) { yield(nested, value); },
        [&](OpBuilder &nested, Location) {
          yield(nested, [&] {
            return Number{zero(), complex ? zero() : Value()};
          });
        });
    return {op.getResult(0), complex ? op.getResult(1) : Value()};
  }

  Value zero() {
    return arith::ConstantOp::create(b, b.getFloatAttr(scalar, 0.0));
  }

  Value scalarGlobal(StringRef prefix, DenseElementsAttr attr) {
    SmallVector<APFloat> flat = flatten(attr);
    auto type =
        RankedTensorType::get({static_cast<int64_t>(flat.size())}, scalar);
    return constantGlobal(b, symbols, prefix, DenseElementsAttr::get(type, flat));
  }

  Number loadConstant(Value memref, bool complex, Value i) {
    if (!complex)
      return {memref::LoadOp::create(b, memref, ValueRange{i}), Value()};
    Value re = arith::ShLIOp::create(b, i, index(1));
    Value im = arith::AddIOp::create(b, re, index(1));
    return {memref::LoadOp::create(b, memref, ValueRange{re}),
            memref::LoadOp::create(b, memref, ValueRange{im})};
  }

  Number loadShared(Value i, bool complex) {
    Value re = memref::LoadOp::create(b, shared, ValueRange{i});
    if (!complex)
      return {re, Value()};
    Value at = arith::AddIOp::create(b, i, index(n));
    return {re, memref::LoadOp::create(b, shared, ValueRange{at})};
  }

  void storeShared(Number x, Value i, bool complex) {
    memref::StoreOp::create(b, x.re, shared, ValueRange{i});
    if (complex)
      memref::StoreOp::create(b, x.im, shared,
                              ValueRange{arith::AddIOp::create(b, i, index(n))});
  }

  Value loadGlobal(Value base, Value at) {
    auto pointer = LLVM::LLVMPointerType::get(b.getContext());
    Value address =
        LLVM::GEPOp::create(b, pointer, scalar, base, ValueRange{at});
    return LLVM::LoadOp::create(b, scalar, address);
  }

  void storeGlobal(Value value, Value base, Value at) {
    auto pointer = LLVM::LLVMPointerType::get(b.getContext());
    Value address =
        LLVM::GEPOp::create(b, pointer, scalar, base, ValueRange{at});
    LLVM::StoreOp::create(b, value, address);
  }

  Value constant64(int64_t v) {
    return arith::ConstantIntOp::create(b, b.getI64Type(), v);
  }
  Value indexTo64(Value i) {
    return arith::IndexCastOp::create(b, b.getI64Type(), i);
  }
  Value add64(Value x, Value y) { return arith::AddIOp::create(b, x, y); }
  Value mul64(Value x, int64_t k) {
    return arith::MulIOp::create(b, x, constant64(k));
  }

  Number addN(Number x, Number y) {
    return {arith::AddFOp::create(b, x.re, y.re),
            x.im ? Value(arith::AddFOp::create(b, x.im, y.im)) : Value()};
  }

  Number mulN(Number x, Number y) {
    if (!x.im)
      return {arith::MulFOp::create(b, x.re, y.re), Value()};
    auto f = [&](Value p, Value q) { return arith::MulFOp::create(b, p, q); };
    return {arith::SubFOp::create(b, f(x.re, y.re), f(x.im, y.im)),
            arith::AddFOp::create(b, f(x.re, y.im), f(x.im, y.re))};
  }

  ImplicitLocOpBuilder &b;
  SymbolTable &symbols;
  Type scalar;
  int64_t n, threads;
  Value shared, thread;
};

/// The static shared memory a block may use without opting in.
constexpr int64_t kMaxStaticSharedBytes = 48 * 1024;

/// Does any value of the chain hold complex numbers?
bool chainIsComplex(TransformOp transform) {
  if (isComplexVector(transform.getInputType()))
    return true;
  return llvm::any_of(transform.getFactors(), [](Operation *op) {
    return isComplexVector(op->getResult(0).getType());
  });
}
} // namespace

/// Threads per block: one per pair up to 1024 (at least a warp).
static int64_t blockThreads(int64_t n, unsigned requested) {
  if (requested)
    return requested;
  return std::clamp<int64_t>(n / 2, 32, 1024);
}

static LogicalResult lowerTransform(TransformOp transform,
                                    gpu::GPUModuleOp gpuModule,
                                    SymbolTable &hostSymbols,
                                    unsigned requestedThreads,
                                    int64_t &numFactors) {
  KernelSignature signature = kernelSignature(transform);
  int64_t n = signature.n;
  bool complexChain = chainIsComplex(transform);
  int64_t scalarBytes = signature.scalar.getIntOrFloatBitWidth() / 8;
  int64_t sharedBytes = (complexChain ? 2 : 1) * n * scalarBytes;
  if (sharedBytes > kMaxStaticSharedBytes)
    return transform.emitOpError()
           << "needs " << sharedBytes / 1024
           << " KiB of shared memory for one vector, more than the "
           << kMaxStaticSharedBytes / 1024
           << " KiB a block has without opting in; convert-bfly-to-gpu "
              "takes up to 48 KiB (complex<f64> up to n = 2048)";
  int64_t threads = blockThreads(n, requestedThreads);

  ImplicitLocOpBuilder b(transform.getLoc(), gpuModule);
  b.setInsertionPointToEnd(gpuModule.getBody());
  auto pointer = LLVM::LLVMPointerType::get(b.getContext());
  Type i64 = b.getI64Type();
  auto type = b.getFunctionType({pointer, pointer, i64, i64, i64}, {});
  auto sharedType = MemRefType::get(
      {sharedBytes / scalarBytes}, signature.scalar, MemRefLayoutAttrInterface(),
      gpu::AddressSpaceAttr::get(b.getContext(),
                                 gpu::AddressSpace::Workgroup));
  auto kernel = gpu::GPUFuncOp::create(b, transform.getName(), type,
                                       TypeRange{sharedType});
  kernel->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  kernel.setKnownBlockSizeAttr(
      b.getDenseI32ArrayAttr({int32_t(threads), 1, 1}));
  kernel.setArgAttr(0, LLVM::LLVMDialect::getNoAliasAttrName(),
                    b.getUnitAttr());
  kernel.setArgAttr(0, LLVM::LLVMDialect::getReadonlyAttrName(),
                    b.getUnitAttr());
  kernel.setArgAttr(1, LLVM::LLVMDialect::getNoAliasAttrName(),
                    b.getUnitAttr());

  Block &entry = kernel.getBody().front();
  b.setInsertionPointToStart(&entry);
  Value in = entry.getArgument(0), out = entry.getArgument(1);
  Value batch = entry.getArgument(2), inDist = entry.getArgument(3),
        outDist = entry.getArgument(4);
  Value shared = kernel.getWorkgroupAttributions()[0];
  Value thread = gpu::ThreadIdOp::create(b, gpu::Dimension::x);
  Value block = gpu::BlockIdOp::create(b, gpu::Dimension::x);
  Value grid = gpu::GridDimOp::create(b, gpu::Dimension::x);
  Value vectors = arith::IndexCastOp::create(b, b.getIndexType(), batch);

  SymbolTable deviceSymbols(gpuModule);
  GpuKernelBuilder builder(b, deviceSymbols, signature, threads, shared,
                           thread);
  SmallVector<Operation *> chain = transform.getFactors();
  scf::ForOp::create(
      b, block, vectors, grid, ValueRange{},
      [&](OpBuilder &nested, Location, Value vector, ValueRange) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(nested.getInsertionBlock(),
                            nested.getInsertionPoint());
        Value v = arith::IndexCastOp::create(b, i64, vector);
        builder.load(in, arith::MulIOp::create(b, v, inDist),
                     signature.complexIn, complexChain);
        builder.barrier();
        for (Operation *op : chain) {
          bool complex = isComplexVector(op->getResult(0).getType());
          if (auto stage = dyn_cast<StageOp>(op))
            builder.lowerStage(stage, complexChain);
          else if (auto perm = dyn_cast<PermuteOp>(op))
            builder.lowerPermute(perm, complex);
          else if (auto diag = dyn_cast<DiagOp>(op))
            builder.lowerDiag(diag);
          else if (complex)
            builder.lowerToComplex();
          ++numFactors;
        }
        builder.store(out, arith::MulIOp::create(b, v, outDist),
                      signature.complexOut, complexChain);
        // The next vector overwrites shared memory.
        builder.barrier();
        scf::YieldOp::create(b);
      });
  gpu::ReturnOp::create(b);

  kernel->setAttr(BflyDialect::kKernelAttr, kernelRecord(b, transform));
  kernel->setAttr(BflyDialect::kGpuLaunchAttr,
                  b.getDictionaryAttr(
                      {b.getNamedAttr("block_threads",
                                      b.getI64IntegerAttr(threads)),
                       b.getNamedAttr("shared_bytes",
                                      b.getI64IntegerAttr(sharedBytes))}));
  hostSymbols.erase(transform);
  return success();
}

namespace {
struct ConvertBflyToGpuPass
    : mlir::bfly::impl::ConvertBflyToGpuBase<ConvertBflyToGpuPass> {
  using ConvertBflyToGpuBase::ConvertBflyToGpuBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    unsigned requested = blockThreads.getValue();
    if (requested && (requested < 32 || requested > 1024 ||
                      !llvm::isPowerOf2_32(requested))) {
      module.emitError() << "convert-bfly-to-gpu: block-threads must be a "
                            "power of two from 32 to 1024, got "
                         << requested;
      return signalPassFailure();
    }
    SmallVector<TransformOp> transforms(module.getOps<TransformOp>());
    if (transforms.empty())
      return;
    SymbolTable symbols(module);
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                    UnitAttr::get(module.getContext()));
    OpBuilder b(module.getBodyRegion());
    b.setInsertionPointToEnd(module.getBody());
    auto gpuModule = gpu::GPUModuleOp::create(b, module.getLoc(), "bfly_gpu");
    symbols.insert(gpuModule);
    int64_t factors = 0;
    for (TransformOp transform : transforms)
      if (failed(lowerTransform(transform, gpuModule, symbols, requested,
                                factors)))
        return signalPassFailure();
    numFactors += factors;
  }
};
} // namespace
