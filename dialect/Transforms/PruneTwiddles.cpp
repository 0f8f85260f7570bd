//===- PruneTwiddles.cpp - near-zero twiddles become structural zeros -----===//
//
// The change of a product of factors F_i + D_i is bounded by expanding it:
// every term with at least one D_i is at most the product of the norms it
// picks, so ||prod (F_i + D_i) - prod F_i|| <= prod (|F_i| + |D_i|) -
// prod |F_i|. Block-diagonal factors make each norm a maximum over 2x2
// blocks.
//
//===----------------------------------------------------------------------===//
#include "dialect/Transforms/Passes.h"
#include "dialect/Transforms/TwiddleValues.h"

#include "dialect/IR/BflyDialect.h"
#include "dialect/IR/BflyOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"

namespace mlir::bfly {
#define GEN_PASS_DEF_BFLYPRUNETWIDDLES
#include "dialect/Transforms/Passes.h.inc"
} // namespace mlir::bfly

using namespace mlir;
using namespace mlir::bfly;

namespace {
struct PruneTwiddlesPass
    : mlir::bfly::impl::BflyPruneTwiddlesBase<PruneTwiddlesPass> {
  using BflyPruneTwiddlesBase::BflyPruneTwiddlesBase;

  void runOnOperation() override {
    TransformOp transform = getOperation();
    double kept = 1.0, grown = 1.0; // prod |F_i|, prod (|F_i| + |D_i|)
    for (Operation *op : transform.getFactors()) {
      if (auto stage = dyn_cast<StageOp>(op)) {
        SmallVector<Value64> m = valuesOf(stage.getTwiddles());
        double norm = 0, change = 0;
        for (size_t p = 0; p + 3 < m.size(); p += 4) {
          norm =
              std::max(norm, spectralNorm(m[p], m[p + 1], m[p + 2], m[p + 3]));
          Value64 d[4];
          for (int e = 0; e < 4; ++e) {
            bool prune =
                m[p + e] != Value64(0.0) && std::abs(m[p + e]) < threshold;
            d[e] = prune ? m[p + e] : Value64(0.0);
            if (prune) {
              m[p + e] = 0.0;
              ++numPruned;
            }
          }
          change = std::max(change, spectralNorm(d[0], d[1], d[2], d[3]));
        }
        // The original stage's norm: |F| + |D| bounds the new one too.
        kept *= norm;
        grown *= norm + change;
        stage.setTwiddlesAttr(attrOf(m, stage.getTwiddles().getType()));
      } else if (auto diag = dyn_cast<DiagOp>(op)) {
        double largest = 0;
        for (Value64 v : valuesOf(diag.getDiagonal()))
          largest = std::max(largest, std::abs(v));
        kept *= largest;
        grown *= largest;
      }
    }
    double bound = grown - kept;
    transform.setPruneBoundAttr(
        Builder(transform.getContext()).getF64FloatAttr(bound));
    mlir::emitRemark(transform.getLoc())
        << "pruning changes the matrix by at most " << bound
        << " in spectral norm";
  }
};
} // namespace
