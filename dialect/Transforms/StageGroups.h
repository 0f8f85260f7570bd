//===- StageGroups.h - which stages one SIMD pass can apply -----*- C++ -*-===//
//
// bfly-fuse-stages plans groups of consecutive stages (radix-2^k blocks) and
// marks them with BflyDialect::kFuseGroupAttr; convert-bfly-to-vector applies
// each group in one pass over the data. Both use the one rule below, so a plan
// the lowering receives is a plan it can carry out.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_DIALECT_TRANSFORMS_STAGEGROUPS_H
#define BFLY_DIALECT_TRANSFORMS_STAGEGROUPS_H

#include "dialect/IR/BflyDialect.h"
#include "dialect/IR/BflyOps.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace mlir::bfly {

/// Most stages in one group: 2^4 values of a block live in registers.
inline constexpr size_t kMaxFusedStages = 4;

/// Elements of `scalar` type in one `vectorBits`-wide register, at most n/2
/// (one stage's pair count), at least 1.
int64_t vectorLanes(Type scalar, int64_t n, unsigned vectorBits);

/// Whether `op` reverses the bits of the whole vector's indices (named so
/// or spelled out as a table).
bool isBitReversal(PermuteOp op);

/// The lanes of `transform`'s SIMD code: vectorLanes, but if its chain has
/// a bit reversal, no more than the rows it transposes in registers are
/// wide (lanes^2 <= n): narrower rows would leave the strides between them
/// and the register's width to a pass of shuffles of its own, which costs
/// more than narrower registers do (a DFT of 64 or 128 points, complex f32
/// on Zen 4: 10-15%).
int64_t transformLanes(TransformOp transform, Type scalar, unsigned vectorBits);

/// Whether `next` can join `group` (consecutive stages, `next` right after
/// them) in one pass: strides distinct, all below `lanes` (mixed by shuffles
/// within 2*lanes elements) or all at least `lanes` (mixed across 2^k
/// vectors), and at most `maxStages` stages.
bool canJoinGroup(ArrayRef<StageOp> group, StageOp next, int64_t lanes,
                  size_t maxStages);

} // namespace mlir::bfly

#endif // BFLY_DIALECT_TRANSFORMS_STAGEGROUPS_H
