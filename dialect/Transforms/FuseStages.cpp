//===- FuseStages.cpp - plan radix-2^k blocks of consecutive stages -------===//
//
// Each stage alone is one pass over the data; k consecutive stages with
// distinct strides mix 2^k values per group, which can stay in registers
// through all k of them. This pass only plans: it marks the groups with
// bfly.fuse_group, and convert-bfly-to-vector emits one pass per group.
//
//===----------------------------------------------------------------------===//
#include "dialect/Transforms/Passes.h"
#include "dialect/Transforms/StageGroups.h"

#include "dialect/IR/BflyOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/MathExtras.h"

#include <optional>

namespace mlir::bfly {
#define GEN_PASS_DEF_BFLYFUSESTAGES
#include "dialect/Transforms/Passes.h.inc"
} // namespace mlir::bfly

using namespace mlir;
using namespace mlir::bfly;

namespace {
struct BflyFuseStagesPass
    : mlir::bfly::impl::BflyFuseStagesBase<BflyFuseStagesPass> {
  using BflyFuseStagesBase::BflyFuseStagesBase;

  void runOnOperation() override {
    if (maxRadix < 2 || !llvm::isPowerOf2_32(maxRadix) ||
        llvm::Log2_32(maxRadix) > kMaxFusedStages) {
      getOperation().emitError()
          << "max-radix must be 2, 4, 8 or 16, got " << maxRadix.getValue();
      return signalPassFailure();
    }
    if (vectorBits < 32 || !llvm::isPowerOf2_32(vectorBits)) {
      getOperation().emitError()
          << "vector-bits must be a power of two of at least 32, got "
          << vectorBits.getValue();
      return signalPassFailure();
    }
    size_t maxStages = llvm::Log2_32(maxRadix);
    Builder builder(&getContext());
    int64_t nextGroup = 0;
    SmallVector<StageOp> group;
    auto close = [&] {
      for (StageOp stage : group)
        stage->setAttr(BflyDialect::kFuseGroupAttr,
                       builder.getI64IntegerAttr(nextGroup));
      if (group.size() > 1)
        numFusedStages += group.size();
      ++numGroups;
      ++nextGroup;
      group.clear();
    };
    std::optional<int64_t> lanes;
    for (Operation *op : getOperation().getFactors()) {
      auto stage = dyn_cast<StageOp>(op);
      if (!stage) {
        if (!group.empty())
          close();
        continue;
      }
      stage->removeAttr(BflyDialect::kFuseGroupAttr); // replanned from scratch
      auto type = cast<ShapedType>(stage.getType());
      Type scalar = type.getElementType();
      if (auto complex = dyn_cast<ComplexType>(scalar))
        scalar = complex.getElementType();
      if (!lanes) // every stage of a chain has its length and scalar type
        lanes = transformLanes(getOperation(), scalar, vectorBits);
      if (!group.empty() && !canJoinGroup(group, stage, *lanes, maxStages))
        close();
      group.push_back(stage);
    }
    if (!group.empty())
      close();
  }
};
} // namespace
