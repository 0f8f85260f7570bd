//===- FoldPermutations.cpp - compose permutations, absorb diagonals ------===//
//
// Permutations compose into one gather (or none), and a diagonal next to a
// stage with one 2x2 matrix per pair is just a scaling of that stage's rows
// (after it) or columns (before it): both save a pass over the data.
//
//===----------------------------------------------------------------------===//
#include "dialect/Transforms/Passes.h"
#include "dialect/Transforms/TwiddleValues.h"

#include "common/Permutation.h"
#include "dialect/IR/BflyOps.h"
#include "mlir/IR/Builders.h"

namespace mlir::bfly {
#define GEN_PASS_DEF_BFLYFOLDPERMUTATIONS
#include "dialect/Transforms/Passes.h.inc"
} // namespace mlir::bfly

using namespace mlir;
using namespace mlir::bfly;

namespace {

/// A stage with one matrix per pair (at stride n/2 the shapes coincide).
bool hasMatrixPerPair(StageOp stage) {
  return stage.getTwiddles().getType().getDimSize(0) ==
         stage.getInput().getType().getDimSize(0) / 2;
}

/// Multiplies stage entries: rows by d (`rows`) or columns by d.
void scaleStage(StageOp stage, ArrayRef<Value64> d, bool rows) {
  int64_t h = int64_t(stage.getStride());
  SmallVector<Value64> m = valuesOf(stage.getTwiddles());
  for (int64_t p = 0; p < int64_t(m.size()) / 4; ++p) {
    int64_t top = (p / h) * 2 * h + p % h, bottom = top + h;
    Value64 *t = &m[4 * p];
    if (rows) {
      t[0] *= d[top];
      t[1] *= d[top];
      t[2] *= d[bottom];
      t[3] *= d[bottom];
    } else {
      t[0] *= d[top];
      t[2] *= d[top];
      t[1] *= d[bottom];
      t[3] *= d[bottom];
    }
  }
  stage.setTwiddlesAttr(attrOf(m, stage.getTwiddles().getType()));
}

struct FoldPermutationsPass
    : mlir::bfly::impl::BflyFoldPermutationsBase<FoldPermutationsPass> {
  void runOnOperation() override {
    Block &body = getOperation().getBody().front();
    bool changed = true;
    while (changed) {
      changed = false;
      for (Operation &op : body) {
        if (auto perm = dyn_cast<PermuteOp>(op))
          changed = foldPermute(perm);
        else if (auto diag = dyn_cast<DiagOp>(op))
          changed = foldDiag(diag);
        if (changed) {
          ++numFolded;
          break;
        }
      }
    }
  }

  bool foldPermute(PermuteOp second) {
    SmallVector<int64_t> table = second.getPermutation();
    auto first = second.getInput().getDefiningOp<PermuteOp>();
    if (first && first->hasOneUse()) {
      // y[i] = (P1 x)[t2[i]] = x[t1[t2[i]]].
      SmallVector<int64_t> inner = first.getPermutation();
      for (int64_t &i : table)
        i = inner[i];
      second.getInputMutable().assign(first.getInput());
      first.erase();
    } else if (!llvm::equal(table, llvm::seq<int64_t>(0, table.size()))) {
      return false;
    }
    OpBuilder b(second);
    Value result = second.getInput();
    if (!llvm::equal(table, llvm::seq<int64_t>(0, table.size())))
      result = composedPermute(b, second, table);
    second.getResult().replaceAllUsesWith(result);
    second.erase();
    return true;
  }

  /// A permute op computing `table`: named when a named permutation of the
  /// whole vector is it, else explicit.
  Value composedPermute(OpBuilder &b, PermuteOp at, ArrayRef<int64_t> table) {
    int64_t n = int64_t(table.size());
    std::pair<::bfly::NamedPermutation, PermutationKind> named[] = {
        {::bfly::NamedPermutation::BitReverse, PermutationKind::BitReverse},
        {::bfly::NamedPermutation::EvenOdd, PermutationKind::EvenOdd},
        {::bfly::NamedPermutation::ReverseFirstHalf,
         PermutationKind::ReverseFirstHalf},
        {::bfly::NamedPermutation::ReverseSecondHalf,
         PermutationKind::ReverseSecondHalf}};
    for (auto [name, kind] : named)
      if (llvm::equal(::bfly::namedPermutation(name, n, n), table))
        return PermuteOp::create(b, at.getLoc(), at.getType(), at.getInput(),
                                 PermutationKindAttr::get(b.getContext(), kind),
                                 nullptr, nullptr);
    return PermuteOp::create(
        b, at.getLoc(), at.getType(), at.getInput(),
        PermutationKindAttr::get(b.getContext(), PermutationKind::Explicit),
        nullptr, b.getDenseI64ArrayAttr(table));
  }

  bool foldDiag(DiagOp diag) {
    SmallVector<Value64> d = valuesOf(diag.getDiagonal());
    Operation *producer = diag.getInput().getDefiningOp();
    auto previousDiag = dyn_cast_or_null<DiagOp>(producer);
    auto previousStage = dyn_cast_or_null<StageOp>(producer);
    if (previousDiag && previousDiag->hasOneUse()) {
      SmallVector<Value64> first = valuesOf(previousDiag.getDiagonal());
      for (size_t i = 0; i < d.size(); ++i)
        d[i] *= first[i];
      diag.setDiagonalAttr(attrOf(d, diag.getDiagonal().getType()));
      diag.getInputMutable().assign(previousDiag.getInput());
      previousDiag.erase();
      return true;
    }
    if (previousStage && previousStage->hasOneUse() &&
        hasMatrixPerPair(previousStage)) {
      scaleStage(previousStage, d, /*rows=*/true);
    } else {
      if (!diag->hasOneUse())
        return false;
      auto nextStage = dyn_cast<StageOp>(*diag->user_begin());
      if (!nextStage || !hasMatrixPerPair(nextStage))
        return false;
      scaleStage(nextStage, d, /*rows=*/false);
    }
    diag.getResult().replaceAllUsesWith(diag.getInput());
    diag.erase();
    return true;
  }
};
} // namespace
