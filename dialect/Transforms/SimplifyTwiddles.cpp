//===- SimplifyTwiddles.cpp - normalize, snap and tie twiddles
//-------------===//
//
// The closed-form learner returns each stage up to a diagonal scaling that
// the next stage undoes, and float rounding around exact values. Dividing
// every 2x2 row by its first entry (carrying the factor into the next
// stage's columns) makes half of all twiddles exactly 1; snapping and tying
// then expose the FFT's structure (shared products, tied stages) to the
// code generator, which folds constants and skips products by 1.
//
//===----------------------------------------------------------------------===//
#include "dialect/Transforms/Passes.h"
#include "dialect/Transforms/TwiddleValues.h"

#include "dialect/IR/BflyOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

#include <complex>
#include <limits>

namespace mlir::bfly {
#define GEN_PASS_DEF_BFLYSIMPLIFYTWIDDLES
#include "dialect/Transforms/Passes.h.inc"
} // namespace mlir::bfly

using namespace mlir;
using namespace mlir::bfly;

namespace {

using C = Value64;

/// Elements `top` and `bottom` that pair `pair` of a stride-h stage mixes.
std::pair<int64_t, int64_t> pairElements(int64_t pair, int64_t h) {
  int64_t top = (pair / h) * 2 * h + pair % h;
  return {top, top + h};
}

struct SimplifyTwiddlesPass
    : mlir::bfly::impl::BflySimplifyTwiddlesBase<SimplifyTwiddlesPass> {
  using BflySimplifyTwiddlesBase::BflySimplifyTwiddlesBase;

  void runOnOperation() override {
    TransformOp transform = getOperation();
    SmallVector<Operation *> chain = transform.getFactors();
    if (chain.empty())
      return;
    Type scalar = getElementTypeOrSelf(chain.front()->getResult(0).getType());
    if (auto complex = dyn_cast<ComplexType>(scalar))
      scalar = complex.getElementType();
    double eps = scalar.isF32() ? std::numeric_limits<float>::epsilon()
                                : std::numeric_limits<double>::epsilon();
    tol = tolerance > 0 ? double(tolerance) : 16 * eps;

    for (size_t i = 0; i < chain.size();) {
      size_t end = i;
      while (end < chain.size() && isUntiedStage(chain[end]) &&
             (end == i ||
              chain[end]->getOperand(0) == chain[end - 1]->getResult(0)))
        ++end;
      if (end > i) {
        normalizeRun(ArrayRef(chain).slice(i, end - i),
                     end < chain.size() ? chain[end] : nullptr);
        i = end;
      } else {
        ++i;
      }
    }
    // normalizeRun may have added diagonals: walk the chain again.
    chain = transform.getFactors();
    for (Operation *op : chain) {
      if (auto stage = dyn_cast<StageOp>(op))
        simplifyStage(stage);
      else if (auto diag = dyn_cast<DiagOp>(op))
        simplifyDiag(diag);
    }
  }

private:
  /// A stage with one matrix per pair (at stride n/2 tied and untied
  /// coincide).
  static bool isUntiedStage(Operation *op) {
    auto stage = dyn_cast<StageOp>(op);
    return stage && stage.getTwiddles().getType().getDimSize(0) ==
                        stage.getInput().getType().getDimSize(0) / 2;
  }

  /// Rows divided by their first entry (their second when the first is
  /// much smaller), the factors carried into
  /// the next stage's columns, the last ones into a diagonal after `run`
  /// (`next` when it is one).
  void normalizeRun(ArrayRef<Operation *> run, Operation *next) {
    auto first = cast<StageOp>(run.front());
    int64_t n = first.getInput().getType().getDimSize(0);
    SmallVector<C> scale(n, C(1.0));
    for (Operation *op : run) {
      auto stage = cast<StageOp>(op);
      int64_t h = int64_t(stage.getStride());
      SmallVector<C> m = valuesOf(stage.getTwiddles());
      SmallVector<C> rowScale(n, C(1.0));
      for (int64_t p = 0; p < n / 2; ++p) {
        auto [top, bottom] = pairElements(p, h);
        C *t = &m[4 * p];
        t[0] *= scale[top];
        t[2] *= scale[top];
        t[1] *= scale[bottom];
        t[3] *= scale[bottom];
        for (int row = 0; row < 2; ++row) {
          // The first entry unless it is much the smaller: normalized
          // entries stay below 8 and the carried factors track the rows'
          // sizes, so nothing overflows along a long chain.
          C pivot = std::abs(t[2 * row]) >= 0.125 * std::abs(t[2 * row + 1])
                        ? t[2 * row]
                        : t[2 * row + 1];
          if (pivot == C(0.0))
            continue;
          t[2 * row] /= pivot;
          t[2 * row + 1] /= pivot;
          rowScale[row ? bottom : top] = pivot;
        }
      }
      stage.setTwiddlesAttr(attrOf(m, stage.getTwiddles().getType()));
      scale = std::move(rowScale);
      ++numNormalizedStages;
    }
    Operation *last = run.back();
    if (auto diag = dyn_cast_or_null<DiagOp>(next)) {
      SmallVector<C> d = valuesOf(diag.getDiagonal());
      for (int64_t i = 0; i < n; ++i)
        d[i] *= scale[i];
      diag.setDiagonalAttr(attrOf(d, diag.getDiagonal().getType()));
      return;
    }
    // One factor for every element (a normalization such as 1/sqrt(n)):
    // the last stage's rows take it, and no diagonal pass is needed.
    bool uniform = llvm::all_of(
        scale, [&](C v) { return std::abs(v - scale.front()) <= tol; });
    if (uniform) {
      auto stage = cast<StageOp>(last);
      SmallVector<C> m = valuesOf(stage.getTwiddles());
      for (C &v : m)
        v *= scale.front();
      stage.setTwiddlesAttr(attrOf(m, stage.getTwiddles().getType()));
      return;
    }
    OpBuilder b(last->getContext());
    b.setInsertionPointAfter(last);
    Value result = last->getResult(0);
    auto type = cast<RankedTensorType>(result.getType());
    auto diagType = RankedTensorType::get({n}, type.getElementType());
    auto diag = DiagOp::create(b, last->getLoc(), type, result,
                               attrOf(scale, diagType));
    result.replaceAllUsesExcept(diag.getResult(), diag);
  }

  double snap(double v) {
    for (double exact : {0.0, 1.0, -1.0})
      if (v != exact && std::abs(v - exact) <= tol) {
        ++numSnapped;
        return exact;
      }
    return v;
  }
  C snap(C v) { return {snap(v.real()), snap(v.imag())}; }

  void simplifyStage(StageOp stage) {
    int64_t n = stage.getInput().getType().getDimSize(0);
    int64_t h = int64_t(stage.getStride());
    SmallVector<C> m = valuesOf(stage.getTwiddles());
    for (C &v : m)
      v = snap(v);
    int64_t count = int64_t(m.size()) / 4;
    auto near = [&](C a, C b) { return std::abs(a - b) <= tol; };
    // Second row = first with one entry negated: make it exact.
    for (double sign : {1.0, -1.0}) {
      bool all = true;
      for (int64_t p = 0; p < count && all; ++p)
        all = near(m[4 * p + 2], sign * m[4 * p]) &&
              near(m[4 * p + 3], -sign * m[4 * p + 1]);
      if (!all)
        continue;
      for (int64_t p = 0; p < count; ++p) {
        m[4 * p + 2] = sign * m[4 * p];
        m[4 * p + 3] = -sign * m[4 * p + 1];
      }
      break;
    }
    // Untied matrices that repeat with the stride: tie them.
    if (count == n / 2 && h < n / 2) {
      bool periodic = true;
      for (int64_t p = h; p < count && periodic; ++p)
        for (int e = 0; e < 4 && periodic; ++e)
          periodic = near(m[4 * p + e], m[4 * (p % h) + e]);
      if (periodic) {
        m.resize(4 * h);
        count = h;
        ++numTiedStages;
      }
    }
    bool identity = true;
    for (int64_t p = 0; p < count && identity; ++p)
      identity = m[4 * p] == C(1.0) && m[4 * p + 1] == C(0.0) &&
                 m[4 * p + 2] == C(0.0) && m[4 * p + 3] == C(1.0);
    if (identity) {
      stage.getResult().replaceAllUsesWith(stage.getInput());
      stage.erase();
      ++numDroppedOps;
      return;
    }
    if (replaceByPermuteAndDiag(stage, m, count))
      return;
    Type element = stage.getTwiddles().getType().getElementType();
    auto type = RankedTensorType::get({count, 2, 2}, element);
    stage.setTwiddlesAttr(attrOf(m, type));
  }

  /// A stage whose matrices are all diagonal ([a 0; 0 d]) is a bfly.diag;
  /// one whose matrices are all anti-diagonal ([0 b; c 0]) swaps each pair:
  /// a bfly.permute, then a bfly.diag. Diagonals of ones vanish.
  bool replaceByPermuteAndDiag(StageOp stage, ArrayRef<C> m, int64_t count) {
    bool diagonal = true, swap = true;
    for (int64_t p = 0; p < count; ++p) {
      diagonal &= m[4 * p + 1] == C(0.0) && m[4 * p + 2] == C(0.0);
      swap &= m[4 * p] == C(0.0) && m[4 * p + 3] == C(0.0);
    }
    if (!diagonal && !swap)
      return false;
    int64_t n = stage.getInput().getType().getDimSize(0);
    int64_t h = int64_t(stage.getStride());
    SmallVector<C> d(n);
    SmallVector<int64_t> gather(n);
    for (int64_t p = 0; p < n / 2; ++p) {
      auto [top, bottom] = pairElements(p, h);
      const C *t = &m[4 * (p % count)];
      d[top] = diagonal ? t[0] : t[1];
      d[bottom] = diagonal ? t[3] : t[2];
      gather[top] = diagonal ? top : bottom;
      gather[bottom] = diagonal ? bottom : top;
    }
    OpBuilder b(stage);
    Value current = stage.getInput();
    auto type = stage.getInput().getType();
    if (swap)
      current = PermuteOp::create(
          b, stage.getLoc(), type, current,
          PermutationKindAttr::get(b.getContext(), PermutationKind::Explicit),
          nullptr, b.getDenseI64ArrayAttr(gather));
    auto diagType = RankedTensorType::get({n}, type.getElementType());
    auto diag =
        DiagOp::create(b, stage.getLoc(), type, current, attrOf(d, diagType));
    stage.getResult().replaceAllUsesWith(diag.getResult());
    stage.erase();
    simplifyDiag(diag);
    return true;
  }

  void simplifyDiag(DiagOp diag) {
    SmallVector<C> d = valuesOf(diag.getDiagonal());
    bool ones = true;
    for (C &v : d) {
      v = snap(v);
      ones &= v == C(1.0);
    }
    if (ones) {
      diag.getResult().replaceAllUsesWith(diag.getInput());
      diag.erase();
      ++numDroppedOps;
      return;
    }
    diag.setDiagonalAttr(attrOf(d, diag.getDiagonal().getType()));
  }

  double tol = 0;
};
} // namespace
