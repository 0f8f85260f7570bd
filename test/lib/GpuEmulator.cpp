//===- GpuEmulator.cpp - run convert-bfly-to-gpu's kernels on the CPU -----===//
#include "test/lib/GpuEmulator.h"

#include "dialect/IR/BflyDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

namespace bfly::test {
namespace {

/// Builds the host function of one kernel.
class Emulation {
public:
  Emulation(gpu::GPUFuncOp kernel, ModuleOp module, bool checkRaces)
      : kernel(kernel), module(module), checkRaces(checkRaces),
        b(kernel.getLoc(), module.getContext()) {}

  LogicalResult run() {
    auto launch = kernel->getAttrOfType<DictionaryAttr>(
        mlir::bfly::BflyDialect::kGpuLaunchAttr);
    if (!launch)
      return kernel.emitError("emulation: no bfly.gpu_launch record");
    auto integer = [&](StringRef key) {
      return cast<IntegerAttr>(launch.get(key)).getInt();
    };
    threads = integer("block_threads");
    vectors = integer("vectors_per_block");
    tiles = integer("tiles");
    sharedBytes = integer("shared_bytes");
    if (failed(splitSegments()))
      return failure();

    b.setInsertionPointToEnd(module.getBody());
    auto pointer = LLVM::LLVMPointerType::get(b.getContext());
    Type i64 = b.getI64Type();
    auto type =
        b.getFunctionType({pointer, pointer, i64, i64, i64, pointer}, {});
    host = func::FuncOp::create(b, kernel.getName(), type);
    Block *entry = host.addEntryBlock();
    b.setInsertionPointToStart(entry);
    IRMapping uniform;
    for (unsigned i = 0; i < 5; ++i)
      uniform.map(kernel.getArgument(i), entry->getArgument(i));
    races = memref::AllocaOp::create(b, MemRefType::get({1}, i64));
    memref::StoreOp::create(b, constantI64(0), races, ValueRange{index(0)});
    if (failed(hoistUniformOps(uniform)))
      return failure();
    allocateSpills();

    // ceil(batch * tiles / V) blocks, one after another.
    Value items =
        arith::MulIOp::create(b, entry->getArgument(2), constantI64(tiles));
    Value blocks = arith::DivUIOp::create(
        b, arith::AddIOp::create(b, items, constantI64(vectors - 1)),
        constantI64(vectors));
    blocks = arith::IndexCastUIOp::create(b, b.getIndexType(), blocks);
    forLoop(index(0), blocks, [&](Value block) {
      for (size_t k = 0; k < segments.size(); ++k) {
        if (checkRaces)
          resetShadows();
        forLoop(index(0), index(threads),
                [&](Value thread) { emitSegment(k, uniform, block, thread); });
      }
    });
    Value count = memref::LoadOp::create(b, races, ValueRange{index(0)});
    LLVM::StoreOp::create(b, count, entry->getArgument(5));
    for (Value buffer : heap)
      memref::DeallocOp::create(b, buffer);
    func::ReturnOp::create(b);
    return success();
  }

private:
  /// The kernel's top-level operations between barriers.
  LogicalResult splitSegments() {
    Block &body = kernel.getBody().front();
    segments.emplace_back();
    for (Operation &op : body) {
      if (isa<gpu::BarrierOp>(op)) {
        segments.emplace_back();
        continue;
      }
      if (isa<gpu::ReturnOp>(op))
        continue;
      bool nestedBarrier = false;
      op.walk([&](gpu::BarrierOp) { nestedBarrier = true; });
      if (nestedBarrier)
        return op.emitError("emulation: a barrier inside control flow "
                            "(threads could disagree on reaching it)");
      segments.back().push_back(&op);
    }
    return success();
  }

  /// Whether `op` computes the same for every thread of every block.
  bool isUniform(Operation *op) {
    if (op->getNumRegions() || isa<gpu::ThreadIdOp, gpu::BlockIdOp>(op))
      return false;
    if (!isPure(op) &&
        !isa<gpu::DynamicSharedMemoryOp, memref::ViewOp, memref::GetGlobalOp>(
            op))
      return false;
    return llvm::all_of(op->getOperands(), [&](Value v) {
      if (auto arg = dyn_cast<BlockArgument>(v))
        return arg.getOwner()->getParentOp() == kernel.getOperation();
      return hoisted.contains(v.getDefiningOp());
    });
  }

  /// Clones the kernel's uniform top-level operations once, at the host
  /// function's entry; shared memory becomes one host buffer.
  LogicalResult hoistUniformOps(IRMapping &uniform) {
    for (auto &segment : segments)
      for (Operation *op : segment) {
        if (!isUniform(op))
          continue;
        hoisted.insert(op);
        if (isa<gpu::DynamicSharedMemoryOp>(op)) {
          Value buffer = memref::AllocOp::create(
              b, MemRefType::get({std::max<int64_t>(sharedBytes, 1)},
                                 b.getI8Type()));
          heap.push_back(buffer);
          Value dynamic = memref::CastOp::create(
              b, MemRefType::get({ShapedType::kDynamic}, b.getI8Type()),
              buffer);
          uniform.map(op->getResult(0), dynamic);
        } else if (auto view = dyn_cast<memref::ViewOp>(op)) {
          auto type = cast<MemRefType>(view.getType());
          auto hostType =
              MemRefType::get(type.getShape(), type.getElementType());
          Value shared = memref::ViewOp::create(
              b, hostType, uniform.lookup(view.getSource()),
              uniform.lookup(view.getByteShift()), ValueRange{});
          uniform.map(view.getResult(), shared);
          sharedViews.push_back(shared);
          if (checkRaces) {
            auto shadow = MemRefType::get(type.getShape(), b.getI32Type());
            writers.push_back(memref::AllocOp::create(b, shadow));
            readers.push_back(memref::AllocOp::create(b, shadow));
            heap.push_back(writers.back());
            heap.push_back(readers.back());
          }
        } else {
          b.clone(*op, uniform);
        }
      }
    return success();
  }

  /// Values a segment defines and a later one uses: kept per thread.
  void allocateSpills() {
    for (size_t k = 0; k < segments.size(); ++k)
      for (Operation *op : segments[k]) {
        if (hoisted.contains(op))
          continue;
        for (Value result : op->getResults()) {
          bool later = llvm::any_of(result.getUsers(), [&](Operation *user) {
            Operation *top = user;
            while (top->getParentOp() != kernel.getOperation())
              top = top->getParentOp();
            return segmentOf(top) > k;
          });
          if (!later)
            continue;
          Value spill = memref::AllocOp::create(
              b, MemRefType::get({threads}, result.getType()));
          heap.push_back(spill);
          spills.push_back({result, spill, k});
        }
      }
  }

  size_t segmentOf(Operation *top) const {
    for (size_t k = 0; k < segments.size(); ++k)
      if (llvm::is_contained(segments[k], top))
        return k;
    return segments.size();
  }

  void emitSegment(size_t k, const IRMapping &uniform, Value block,
                   Value thread) {
    IRMapping map = uniform;
    for (const Spill &spill : spills)
      if (spill.segment < k)
        map.map(spill.value,
                memref::LoadOp::create(b, spill.memory, ValueRange{thread}));
    Block *body = b.getInsertionBlock();
    Operation *first = body->empty() ? nullptr : &body->back();
    for (Operation *op : segments[k]) {
      if (hoisted.contains(op))
        continue;
      if (isa<gpu::ThreadIdOp>(op)) {
        map.map(op->getResult(0), thread);
        continue;
      }
      if (isa<gpu::BlockIdOp>(op)) {
        map.map(op->getResult(0), block);
        continue;
      }
      b.clone(*op, map);
      for (const Spill &spill : spills)
        if (spill.value.getDefiningOp() == op)
          memref::StoreOp::create(b, map.lookup(spill.value), spill.memory,
                                  ValueRange{thread});
    }
    if (!checkRaces)
      return;
    // Instrument the segment's shared accesses, nested ones included.
    SmallVector<Operation *> accesses;
    for (Operation *op = first ? first->getNextNode() : &body->front(); op;
         op = op->getNextNode())
      op->walk([&](Operation *nested) {
        if (isa<memref::LoadOp, memref::StoreOp>(nested))
          accesses.push_back(nested);
      });
    for (Operation *access : accesses)
      instrument(access, thread);
  }

  /// Before a shared access: a write by another thread, or (for a write)
  /// any access by another thread, in this segment is a race; so is an
  /// access outside the block's shared memory.
  void instrument(Operation *access, Value thread) {
    bool write = isa<memref::StoreOp>(access);
    Value memory = write ? cast<memref::StoreOp>(access).getMemRef()
                         : cast<memref::LoadOp>(access).getMemRef();
    auto view = llvm::find(sharedViews, memory);
    if (view == sharedViews.end())
      return;
    size_t which = view - sharedViews.begin();
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(access);
    OpOperand &indexOperand = access->getOpOperand(write ? 2 : 1);
    Value i = indexOperand.get();
    // An access outside the block's shared memory counts, and is sent to
    // word 0 rather than into the host's heap.
    int64_t words = cast<MemRefType>(memory.getType()).getDimSize(0);
    Value inside =
        arith::CmpIOp::create(b, arith::CmpIPredicate::ult, i, index(words));
    i = arith::SelectOp::create(b, inside, i, index(0));
    indexOperand.set(i);
    Value me = arith::IndexCastUIOp::create(
        b, b.getI32Type(), arith::AddIOp::create(b, thread, index(1)));
    Value zero = constantI32(0);
    Value writer = memref::LoadOp::create(b, writers[which], ValueRange{i});
    Value reader = memref::LoadOp::create(b, readers[which], ValueRange{i});
    auto other = [&](Value owner) {
      return arith::AndIOp::create(
          b, arith::CmpIOp::create(b, arith::CmpIPredicate::ne, owner, zero),
          arith::CmpIOp::create(b, arith::CmpIPredicate::ne, owner, me));
    };
    Value race = arith::OrIOp::create(
        b, other(writer),
        arith::XOrIOp::create(
            b, inside, arith::ConstantIntOp::create(b, b.getI1Type(), 1)));
    if (write) {
      race = arith::OrIOp::create(b, race, other(reader));
      memref::StoreOp::create(b, me, writers[which], ValueRange{i});
    } else {
      Value alone = arith::OrIOp::create(
          b, arith::CmpIOp::create(b, arith::CmpIPredicate::eq, reader, zero),
          arith::CmpIOp::create(b, arith::CmpIPredicate::eq, reader, me));
      Value next = arith::SelectOp::create(b, alone, me, constantI32(-1));
      memref::StoreOp::create(b, next, readers[which], ValueRange{i});
    }
    Value count = memref::LoadOp::create(b, races, ValueRange{index(0)});
    Value step = arith::ExtUIOp::create(b, b.getI64Type(), race);
    memref::StoreOp::create(b, arith::AddIOp::create(b, count, step), races,
                            ValueRange{index(0)});
  }

  void resetShadows() {
    for (size_t v = 0; v < writers.size(); ++v) {
      int64_t words = cast<MemRefType>(writers[v].getType()).getDimSize(0);
      forLoop(index(0), index(words), [&](Value i) {
        memref::StoreOp::create(b, constantI32(0), writers[v], ValueRange{i});
        memref::StoreOp::create(b, constantI32(0), readers[v], ValueRange{i});
      });
    }
  }

  void forLoop(Value from, Value to, function_ref<void(Value)> body) {
    scf::ForOp::create(b, from, to, index(1), ValueRange{},
                       [&](OpBuilder &nested, Location, Value iv, ValueRange) {
                         OpBuilder::InsertionGuard guard(b);
                         b.setInsertionPoint(nested.getInsertionBlock(),
                                             nested.getInsertionPoint());
                         body(iv);
                         scf::YieldOp::create(b);
                       });
  }

  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, v); }
  Value constantI32(int32_t v) {
    return arith::ConstantIntOp::create(b, b.getI32Type(), v);
  }
  Value constantI64(int64_t v) {
    return arith::ConstantIntOp::create(b, b.getI64Type(), v);
  }

  struct Spill {
    Value value, memory;
    size_t segment;
  };

  gpu::GPUFuncOp kernel;
  ModuleOp module;
  bool checkRaces;
  ImplicitLocOpBuilder b;
  int64_t threads = 0, vectors = 0, tiles = 1, sharedBytes = 0;
  SmallVector<SmallVector<Operation *>> segments;
  llvm::SmallPtrSet<Operation *, 16> hoisted;
  SmallVector<Spill> spills;
  SmallVector<Value> sharedViews, writers, readers, heap;
  Value races;
  func::FuncOp host;
};

} // namespace

LogicalResult emulateGpuKernels(ModuleOp module, bool checkRaces) {
  module.getContext()
      ->loadDialect<arith::ArithDialect, func::FuncDialect, LLVM::LLVMDialect,
                    memref::MemRefDialect, scf::SCFDialect>();
  SmallVector<gpu::GPUModuleOp> gpuModules(module.getOps<gpu::GPUModuleOp>());
  for (gpu::GPUModuleOp gpuModule : gpuModules) {
    // The kernels' constants become host globals of the same names.
    OpBuilder b(module.getBodyRegion());
    for (auto global : gpuModule.getOps<memref::GlobalOp>())
      b.clone(*global);
    for (auto kernel : gpuModule.getOps<gpu::GPUFuncOp>())
      if (failed(Emulation(kernel, module, checkRaces).run()))
        return failure();
    gpuModule.erase();
  }
  module->removeAttr(gpu::GPUDialect::getContainerModuleAttrName());
  return success();
}

} // namespace bfly::test
