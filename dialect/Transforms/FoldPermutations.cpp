//===- FoldPermutations.cpp - compose permutations, absorb diagonals ------===//
//
// Permutations compose into one gather (or none), and a diagonal next to a
// stage with one 2x2 matrix per pair is just a scaling of that stage's rows
// (after it) or columns (before it): both save a pass over the data. The
// composition patterns are the ops' canonicalizations; absorbing a diagonal
// is this pass's own pattern.
//
//===----------------------------------------------------------------------===//
#include "dialect/Transforms/Passes.h"
#include "dialect/Transforms/Patterns.h"

#include "common/Butterfly.h"
#include "dialect/IR/BflyOps.h"
#include "dialect/IR/Constants.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

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

/// The stage's twiddles with rows (`rows`) or columns scaled by d.
DenseElementsAttr scaledTwiddles(StageOp stage, ArrayRef<Value64> d,
                                 bool rows) {
  int64_t h = int64_t(stage.getStride());
  SmallVector<Value64> m = valuesOf(stage.getTwiddles());
  for (int64_t p = 0; p < int64_t(m.size()) / 4; ++p) {
    auto [top, bottom] = ::bfly::stagePair(p, h);
    Value64 *t = &m[4 * p];
    t[0] *= d[top];
    t[rows ? 1 : 2] *= d[top];
    t[rows ? 2 : 1] *= d[bottom];
    t[3] *= d[bottom];
  }
  return attrOf(m, stage.getTwiddles().getType());
}

/// diag(d) after a stage with a matrix per pair scales its rows; otherwise,
/// before one, its columns. Either way the diagonal disappears.
struct AbsorbDiagonal : OpRewritePattern<DiagOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DiagOp diag,
                                PatternRewriter &rewriter) const override {
    SmallVector<Value64> d = valuesOf(diag.getDiagonal());
    auto previous = diag.getInput().getDefiningOp<StageOp>();
    if (previous && previous->hasOneUse() && hasMatrixPerPair(previous)) {
      rewriter.modifyOpInPlace(previous, [&] {
        previous.setTwiddlesAttr(scaledTwiddles(previous, d, /*rows=*/true));
      });
      rewriter.replaceOp(diag, previous.getResult());
      return success();
    }
    if (!diag->hasOneUse())
      return failure();
    auto next = dyn_cast<StageOp>(*diag->user_begin());
    if (!next || !hasMatrixPerPair(next))
      return failure();
    rewriter.modifyOpInPlace(next, [&] {
      next.setTwiddlesAttr(scaledTwiddles(next, d, /*rows=*/false));
    });
    rewriter.replaceOp(diag, diag.getInput());
    return success();
  }
};

struct FoldPermutationsPass
    : mlir::bfly::impl::BflyFoldPermutationsBase<FoldPermutationsPass> {
  void runOnOperation() override {
    TransformOp transform = getOperation();
    size_t before = transform.getFactors().size();
    RewritePatternSet patterns(&getContext());
    populateFoldPermutationsPatterns(patterns);
    // Every pattern removes a factor, so the driver converges; stopping
    // early would still leave an equivalent chain.
    (void)applyPatternsGreedily(transform, std::move(patterns));
    numFolded += before - transform.getFactors().size();
  }
};
} // namespace

void mlir::bfly::populateFoldPermutationsPatterns(RewritePatternSet &patterns) {
  MLIRContext *context = patterns.getContext();
  PermuteOp::getCanonicalizationPatterns(patterns, context);
  DiagOp::getCanonicalizationPatterns(patterns, context);
  patterns.add<AbsorbDiagonal>(context);
}
