//===- StageGroups.cpp - which stages one SIMD pass can apply -------------===//
#include "dialect/Transforms/StageGroups.h"

#include "common/Permutation.h"

#include <algorithm>

namespace mlir::bfly {

int64_t vectorLanes(Type scalar, int64_t n, unsigned vectorBits) {
  int64_t lanes = int64_t(vectorBits / scalar.getIntOrFloatBitWidth());
  return std::max<int64_t>(1, std::min<int64_t>(lanes, n / 2));
}

bool isBitReversal(PermuteOp op) {
  int64_t n = op.getType().getDimSize(0);
  return llvm::equal(
      op.getPermutation(),
      ::bfly::namedPermutation(::bfly::NamedPermutation::BitReverse, n, n));
}

int64_t transformLanes(TransformOp transform, Type scalar,
                       unsigned vectorBits) {
  int64_t n = transform.getLength();
  int64_t lanes = vectorLanes(scalar, n, vectorBits);
  bool reverses = llvm::any_of(transform.getFactors(), [](Operation *op) {
    auto permute = dyn_cast<PermuteOp>(op);
    return permute && isBitReversal(permute);
  });
  while (reverses && lanes > 1 && lanes * lanes > n)
    lanes /= 2;
  return lanes;
}

bool canJoinGroup(ArrayRef<StageOp> group, StageOp next, int64_t lanes,
                  size_t maxStages) {
  if (group.empty())
    return true;
  if (group.size() >= std::min(maxStages, kMaxFusedStages))
    return false;
  auto close = [&](StageOp op) { return op.getStride() < uint64_t(lanes); };
  if (close(next) != close(group.front()))
    return false;
  return llvm::none_of(
      group, [&](StageOp op) { return op.getStride() == next.getStride(); });
}

} // namespace mlir::bfly
