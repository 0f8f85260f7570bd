//===- SimplifyTwiddles.cpp - normalize, snap and tie twiddles ------------===//
//
// The closed-form learner returns each stage up to a diagonal scaling that
// the next stage undoes, and float rounding around exact values. Dividing
// every 2x2 row by its pivot (carrying the factor into the next stage's
// columns) makes half of all twiddles exactly 1; snapping and tying then
// expose the FFT's structure (shared products, tied stages) to the code
// generator, which folds constants and skips products by 1.
//
// Two sets of patterns, applied one after the other by the greedy driver:
// normalization first, since it moves values between stages and tying
// needs them settled; then snapping, tying and turning stages that are not
// butterflies into permutations and diagonals.
//
//===----------------------------------------------------------------------===//
#include "dialect/Transforms/Passes.h"
#include "dialect/Transforms/Patterns.h"

#include "common/Butterfly.h"
#include "dialect/IR/BflyOps.h"
#include "dialect/IR/Constants.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <complex>
#include <limits>
#include <optional>

namespace mlir::bfly {
#define GEN_PASS_DEF_BFLYSIMPLIFYTWIDDLES
#include "dialect/Transforms/Passes.h.inc"
} // namespace mlir::bfly

using namespace mlir;
using namespace mlir::bfly;

namespace {

using C = Value64;

/// A stage with one matrix per pair (at stride n/2 tied and untied
/// coincide).
bool isUntiedStage(Operation *op) {
  auto stage = dyn_cast_or_null<StageOp>(op);
  return stage && stage.getTwiddles().getType().getDimSize(0) ==
                      stage.getInput().getType().getDimSize(0) / 2;
}

/// The entry a row is divided by: the first unless it is much the smaller,
/// so normalized entries stay below 8 and the carried factors track the
/// rows' sizes (nothing overflows along a long chain). Its index in the row.
int pivotOf(const C *row) {
  return std::abs(row[0]) >= 0.125 * std::abs(row[1]) ? 0 : 1;
}

/// 16 ulps of the transform's scalar type: the default snapping tolerance.
double defaultTolerance(Type vectorType) {
  Type scalar = getElementTypeOrSelf(vectorType);
  if (auto complex = dyn_cast<ComplexType>(scalar))
    scalar = complex.getElementType();
  return 16 * (scalar.isF32() ? std::numeric_limits<float>::epsilon()
                              : std::numeric_limits<double>::epsilon());
}

/// What the normalizing patterns share: the tolerance and the counts.
struct NormalizingPattern : OpRewritePattern<StageOp> {
  NormalizingPattern(MLIRContext *context, double tolerance,
                     SimplifyCounts *counts)
      : OpRewritePattern(context), tolerance(tolerance), counts(counts) {}

  double tol(Type vectorType) const {
    return tolerance > 0 ? tolerance : defaultTolerance(vectorType);
  }

  double tolerance; ///< 0: 16 ulps of the element type
  SimplifyCounts *counts;
};

/// Rooted at the first stage of a run of untied stages: normalizes the
/// whole run at once (one rounding per entry). The pivots become exactly
/// 1, so a second application changes nothing.
struct NormalizeUntiedRun : NormalizingPattern {
  using NormalizingPattern::NormalizingPattern;

  LogicalResult matchAndRewrite(StageOp first,
                                PatternRewriter &rewriter) const override {
    if (!isUntiedStage(first) ||
        isUntiedStage(first.getInput().getDefiningOp()))
      return failure();
    SmallVector<StageOp> run{first};
    while (run.back()->hasOneUse() && isUntiedStage(*run.back()->user_begin()))
      run.push_back(cast<StageOp>(*run.back()->user_begin()));
    Operation *next = *run.back()->user_begin(); // a factor or bfly.return
    double tol = this->tol(first.getType());

    int64_t n = first.getInput().getType().getDimSize(0);
    std::vector<C> scale(n, C(1.0)); // carried into the next stage's columns
    SmallVector<DenseElementsAttr> normalized;
    for (StageOp stage : run) {
      int64_t h = int64_t(stage.getStride());
      SmallVector<C> m = valuesOf(stage.getTwiddles());
      std::vector<C> rowScale(n, C(1.0));
      for (int64_t p = 0; p < n / 2; ++p) {
        auto [top, bottom] = ::bfly::stagePair(p, h);
        C *t = &m[4 * p];
        t[0] *= scale[top];
        t[2] *= scale[top];
        t[1] *= scale[bottom];
        t[3] *= scale[bottom];
        for (int row = 0; row < 2; ++row) {
          C pivot = t[2 * row + pivotOf(&t[2 * row])];
          rowScale[row ? bottom : top] = pivot == C(0.0) ? C(1.0) : pivot;
        }
      }
      // The last stage keeps a scaling that is one number (a normalization
      // such as 1/sqrt(n)) unless a following diagonal can take it; a
      // scaling within the tolerance of one number becomes exactly that
      // number, so the lowering sees one constant.
      C common = rowScale.front();
      bool uniform = llvm::all_of(
          rowScale, [&](C v) { return std::abs(v - common) <= tol; });
      bool keep = stage == run.back() && uniform && !isa<DiagOp>(next);
      bool exactlyUniform =
          llvm::all_of(rowScale, [&](C v) { return v == common; });
      if (!(keep && exactlyUniform))
        for (int64_t p = 0; p < n / 2; ++p)
          for (int row = 0; row < 2; ++row) {
            C *r = &m[4 * p + 2 * row];
            int pivot = pivotOf(r);
            C value = r[pivot], target = keep ? common : C(1.0);
            if (value == C(0.0) || value == target)
              continue;
            r[1 - pivot] = r[1 - pivot] / value * target;
            r[pivot] = target; // exactly, so normalizing again changes nothing
          }
      if (keep)
        rowScale.assign(n, C(1.0));
      normalized.push_back(attrOf(m, stage.getTwiddles().getType()));
      scale = std::move(rowScale);
    }
    bool carries = llvm::any_of(scale, [](C v) { return v != C(1.0); });
    bool changed = carries;
    for (auto [stage, attr] : llvm::zip(run, normalized))
      changed |= attr != stage.getTwiddles();
    if (!changed)
      return failure();

    for (auto [stage, attr] : llvm::zip(run, normalized)) {
      if (attr == stage.getTwiddles())
        continue;
      rewriter.modifyOpInPlace(stage, [&] { stage.setTwiddlesAttr(attr); });
      if (counts)
        ++counts->normalizedStages;
    }
    if (!carries)
      return success();
    if (auto diag = dyn_cast<DiagOp>(next)) {
      SmallVector<C> d = valuesOf(diag.getDiagonal());
      for (int64_t i = 0; i < n; ++i)
        d[i] *= scale[i];
      rewriter.modifyOpInPlace(diag, [&] {
        diag.setDiagonalAttr(attrOf(d, diag.getDiagonal().getType()));
      });
      return success();
    }
    StageOp last = run.back();
    rewriter.setInsertionPointAfter(last);
    auto type = last.getResult().getType();
    auto diagType = RankedTensorType::get({n}, type.getElementType());
    auto diag = DiagOp::create(rewriter, last.getLoc(), type, last.getResult(),
                               attrOf(scale, diagType));
    rewriter.replaceAllUsesExcept(last.getResult(), diag.getResult(), diag);
    return success();
  }
};

/// The one real number every row of `stage` has as its pivot (within
/// `tol` of the first row's), if there is one and it is not 0.
std::optional<double> uniformRowScale(StageOp stage, double tol) {
  SmallVector<C> m = valuesOf(stage.getTwiddles());
  C first = m[pivotOf(&m[0])];
  if (first.imag() != 0 || first.real() == 0)
    return std::nullopt;
  for (size_t row = 0; row < m.size(); row += 2)
    if (std::abs(m[row + pivotOf(&m[row])] - first) > tol)
      return std::nullopt;
  return first.real();
}

/// Rooted at the last stage of a transform whose rows all share one real
/// pivot: the earlier such stages (tied ones included, which the untied
/// normalization leaves alone) give their factor to it. A number commutes
/// with every factor, so a DFT's 1/sqrt 2 per stage becomes 1/sqrt n in
/// its last stage and the other stages multiply by nothing but twiddles.
struct GatherStageScales : NormalizingPattern {
  using NormalizingPattern::NormalizingPattern;

  LogicalResult matchAndRewrite(StageOp last,
                                PatternRewriter &rewriter) const override {
    auto transform = last->getParentOfType<TransformOp>();
    if (!transform)
      return failure();
    double tol = this->tol(last.getType());
    if (!uniformRowScale(last, tol))
      return failure();
    // Before `last`, with a factor other than 1. From the end, so that a
    // root that is not the last such stage stops at the first one after it.
    SmallVector<std::pair<StageOp, double>> scaled;
    double product = 1;
    bool seenLast = false;
    SmallVector<Operation *> factors = transform.getFactors();
    for (Operation *op : llvm::reverse(factors)) {
      auto stage = dyn_cast<StageOp>(op);
      if (!stage)
        continue;
      if (stage == last) {
        seenLast = true;
        continue;
      }
      std::optional<double> scale = uniformRowScale(stage, tol);
      if (!scale)
        continue;
      if (!seenLast) // a later stage takes the factors
        return failure();
      if (*scale != 1) {
        scaled.push_back({stage, *scale});
        product *= *scale;
      }
    }
    if (scaled.empty())
      return failure();
    // Divided by the first row's pivot, which becomes exactly 1 (so
    // gathering again changes nothing); pivots within the tolerance of it
    // become within the tolerance of 1, for snapping to decide.
    for (auto [stage, scale] : scaled) {
      SmallVector<C> m = valuesOf(stage.getTwiddles());
      for (C &v : m)
        v /= scale;
      m[pivotOf(&m[0])] = 1.0;
      rewriter.modifyOpInPlace(stage, [&] {
        stage.setTwiddlesAttr(attrOf(m, stage.getTwiddles().getType()));
      });
    }
    SmallVector<C> m = valuesOf(last.getTwiddles());
    for (C &v : m)
      v *= product;
    rewriter.modifyOpInPlace(last, [&] {
      last.setTwiddlesAttr(attrOf(m, last.getTwiddles().getType()));
    });
    if (counts)
      counts->normalizedStages += int64_t(scaled.size()) + 1;
    return success();
  }
};

/// What the snapping patterns share: the tolerance and the counts.
struct Snapper {
  double tolerance; ///< 0: 16 ulps of each transform's element type
  SimplifyCounts *counts;

  double tol(Type vectorType) const {
    return tolerance > 0 ? tolerance : defaultTolerance(vectorType);
  }
  double snap(double v, double tol, bool units = true) const {
    for (double exact : {0.0, 1.0, -1.0})
      if (v != exact && std::abs(v - exact) <= tol && (units || exact == 0)) {
        if (counts)
          ++counts->snappedValues;
        return exact;
      }
    return v;
  }
  /// A part near 0 is rounding noise; one near +-1 only when the other
  /// part is 0: the cosine of a small angle (a long DFT's twiddles) is
  /// within 16 ulps of 1, and rounding it to 1 cost 5e-6 at n = 65536.
  C snap(C v, double tol) const {
    double re = snap(v.real(), tol, false), im = snap(v.imag(), tol, false);
    return {snap(re, tol, im == 0), snap(im, tol, re == 0)};
  }
  /// `v` snapped as v / size (size 0: as it is), each part left exactly
  /// as it was unless it snapped.
  C snapRelative(C v, double size, double tol) const {
    if (size == 0)
      size = 1;
    C relative = v / size, snapped = snap(relative, tol);
    return {
        snapped.real() != relative.real() ? snapped.real() * size : v.real(),
        snapped.imag() != relative.imag() ? snapped.imag() * size : v.imag()};
  }
};

/// Entries within the tolerance of 0 and +-1 become them; a second row
/// within the tolerance of the first with one entry negated (every FFT
/// butterfly) becomes exactly that.
struct SnapStage : OpRewritePattern<StageOp> {
  SnapStage(MLIRContext *context, Snapper snapper)
      : OpRewritePattern(context, /*benefit=*/3), snapper(snapper) {}

  LogicalResult matchAndRewrite(StageOp stage,
                                PatternRewriter &rewriter) const override {
    double tol = snapper.tol(stage.getType());
    SmallVector<C> m = valuesOf(stage.getTwiddles());
    // The pivot as it is, the other entry relative to it: a last stage that
    // carries a 1/sqrt n has twiddle parts far below 16 ulps that are not
    // noise. Most stages are already snapped: no new attribute for them
    // (building one hashes every value; seconds on the largest models).
    bool changed = false;
    for (size_t row = 0; row < m.size(); row += 2) {
      int pivot = pivotOf(&m[row]);
      C &first = m[row + pivot], &other = m[row + 1 - pivot];
      C snapped = snapper.snap(first, tol);
      changed |= snapped != first;
      first = snapped;
      snapped = snapper.snapRelative(other, std::abs(first), tol);
      changed |= snapped != other;
      other = snapped;
    }
    int64_t count = int64_t(m.size()) / 4;
    auto near = [&](C a, C b) { return std::abs(a - b) <= tol; };
    for (double sign : {1.0, -1.0}) {
      bool all = true;
      for (int64_t p = 0; p < count && all; ++p)
        all = near(m[4 * p + 2], sign * m[4 * p]) &&
              near(m[4 * p + 3], -sign * m[4 * p + 1]);
      if (!all)
        continue;
      for (int64_t p = 0; p < count; ++p) {
        C bottomLeft = sign * m[4 * p], bottomRight = -sign * m[4 * p + 1];
        changed |= m[4 * p + 2] != bottomLeft || m[4 * p + 3] != bottomRight;
        m[4 * p + 2] = bottomLeft;
        m[4 * p + 3] = bottomRight;
      }
      break;
    }
    if (!changed)
      return failure();
    DenseElementsAttr snapped = attrOf(m, stage.getTwiddles().getType());
    if (snapped == stage.getTwiddles())
      return failure();
    rewriter.modifyOpInPlace(stage, [&] { stage.setTwiddlesAttr(snapped); });
    return success();
  }

  Snapper snapper;
};

/// Untied matrices that repeat with the stride (within the tolerance):
/// the tied stage of the first block's matrices.
struct TieStage : OpRewritePattern<StageOp> {
  TieStage(MLIRContext *context, Snapper snapper)
      : OpRewritePattern(context, /*benefit=*/2), snapper(snapper) {}

  LogicalResult matchAndRewrite(StageOp stage,
                                PatternRewriter &rewriter) const override {
    int64_t n = stage.getInput().getType().getDimSize(0);
    int64_t h = int64_t(stage.getStride());
    if (!isUntiedStage(stage) || h == n / 2)
      return failure();
    double tol = snapper.tol(stage.getType());
    SmallVector<C> m = valuesOf(stage.getTwiddles());
    for (int64_t p = h; p < n / 2; ++p)
      for (int e = 0; e < 4; ++e)
        if (std::abs(m[4 * p + e] - m[4 * (p % h) + e]) > tol)
          return failure();
    m.resize(4 * h);
    Type element = stage.getTwiddles().getType().getElementType();
    auto type = RankedTensorType::get({h, 2, 2}, element);
    rewriter.modifyOpInPlace(stage,
                             [&] { stage.setTwiddlesAttr(attrOf(m, type)); });
    if (snapper.counts)
      ++snapper.counts->tiedStages;
    return success();
  }

  Snapper snapper;
};

/// A stage whose matrices are all diagonal ([a 0; 0 d]) is a bfly.diag;
/// one whose matrices are all anti-diagonal ([0 b; c 0]) swaps each pair:
/// a bfly.permute, then a bfly.diag.
struct StageToPermuteAndDiag : OpRewritePattern<StageOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(StageOp stage,
                                PatternRewriter &rewriter) const override {
    SmallVector<C> m = valuesOf(stage.getTwiddles());
    int64_t count = int64_t(m.size()) / 4;
    bool diagonal = true, swap = true;
    for (int64_t p = 0; p < count; ++p) {
      diagonal &= m[4 * p + 1] == C(0.0) && m[4 * p + 2] == C(0.0);
      swap &= m[4 * p] == C(0.0) && m[4 * p + 3] == C(0.0);
    }
    if (!diagonal && !swap)
      return failure();
    int64_t n = stage.getInput().getType().getDimSize(0);
    int64_t h = int64_t(stage.getStride());
    bool tied = count != n / 2 || h == n / 2;
    SmallVector<C> d(n);
    SmallVector<int64_t> gather(n);
    for (int64_t p = 0; p < n / 2; ++p) {
      auto [top, bottom] = ::bfly::stagePair(p, h);
      const C *t = &m[4 * ::bfly::matrixOfPair(p, h, tied)];
      d[top] = diagonal ? t[0] : t[1];
      d[bottom] = diagonal ? t[3] : t[2];
      gather[top] = diagonal ? top : bottom;
      gather[bottom] = diagonal ? bottom : top;
    }
    Location loc = stage.getLoc();
    Value current = stage.getInput();
    if (swap)
      current = PermuteOp::createFromTable(rewriter, loc, current, gather);
    auto type = stage.getInput().getType();
    auto diagType = RankedTensorType::get({n}, type.getElementType());
    rewriter.replaceOpWithNewOp<DiagOp>(stage, type, current,
                                        attrOf(d, diagType));
    return success();
  }
};

/// Diagonal entries within the tolerance of 0 and +-1 become them (a
/// diagonal of ones then folds away).
struct SnapDiag : OpRewritePattern<DiagOp> {
  SnapDiag(MLIRContext *context, Snapper snapper)
      : OpRewritePattern(context), snapper(snapper) {}

  LogicalResult matchAndRewrite(DiagOp diag,
                                PatternRewriter &rewriter) const override {
    double tol = snapper.tol(diag.getType());
    SmallVector<C> d = valuesOf(diag.getDiagonal());
    bool changed = false;
    for (C &v : d) {
      C snapped = snapper.snap(v, tol);
      changed |= snapped != v;
      v = snapped;
    }
    if (!changed)
      return failure();
    DenseElementsAttr snapped = attrOf(d, diag.getDiagonal().getType());
    if (snapped == diag.getDiagonal())
      return failure();
    rewriter.modifyOpInPlace(diag, [&] { diag.setDiagonalAttr(snapped); });
    return success();
  }

  Snapper snapper;
};

struct SimplifyTwiddlesPass
    : mlir::bfly::impl::BflySimplifyTwiddlesBase<SimplifyTwiddlesPass> {
  using BflySimplifyTwiddlesBase::BflySimplifyTwiddlesBase;

  void runOnOperation() override {
    TransformOp transform = getOperation();
    SimplifyCounts counts;
    RewritePatternSet normalize(&getContext());
    populateNormalizeTwiddlesPatterns(normalize, tolerance, &counts);
    RewritePatternSet snap(&getContext());
    populateSnapTwiddlesPatterns(snap, tolerance, &counts);
    // The patterns converge (each leaves what it made unmatched); a driver
    // that stops early still leaves an equivalent chain.
    (void)applyPatternsGreedily(transform, std::move(normalize));
    size_t normalizedSize = transform.getFactors().size();
    (void)applyPatternsGreedily(transform, std::move(snap));
    // Normalizing adds at most one diagonal per run; what the snapping
    // phase removed net are the identities it dropped.
    int64_t dropped =
        int64_t(normalizedSize) - int64_t(transform.getFactors().size());
    numNormalizedStages += counts.normalizedStages;
    numSnapped += counts.snappedValues;
    numTiedStages += counts.tiedStages;
    numDroppedOps += std::max<int64_t>(0, dropped);
  }
};
} // namespace

void mlir::bfly::populateNormalizeTwiddlesPatterns(RewritePatternSet &patterns,
                                                   double tolerance,
                                                   SimplifyCounts *counts) {
  patterns.add<NormalizeUntiedRun, GatherStageScales>(patterns.getContext(),
                                                      tolerance, counts);
}

void mlir::bfly::populateSnapTwiddlesPatterns(RewritePatternSet &patterns,
                                              double tolerance,
                                              SimplifyCounts *counts) {
  Snapper snapper{tolerance, counts};
  MLIRContext *context = patterns.getContext();
  patterns.add<SnapStage, TieStage, SnapDiag>(context, snapper);
  patterns.add<StageToPermuteAndDiag>(context);
}
