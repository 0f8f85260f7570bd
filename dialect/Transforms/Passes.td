//===- Passes.td - passes on bfly factor chains -------------*- tablegen -*-===//
#ifndef BFLY_DIALECT_TRANSFORMS_PASSES_TD
#define BFLY_DIALECT_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def BflySimplifyTwiddles : Pass<"bfly-simplify-twiddles", "func::FuncOp"> {
  let summary = "Normalize, snap and tie twiddles so that the code generator "
                "can fold them";
  let description = [{
    A learned model's twiddles carry an arbitrary scaling between stages
    (any diagonal D can be moved through a chain as D D^-1) and rounding
    noise around exact values; both hide the structure the code generator
    folds (constant arrays, shared butterfly products, tied stages).

    **Input**: a function whose body is a chain of bfly ops.

    **Output**: within every run of consecutive untied stages, each 2x2
    row is divided by its first entry (its second when the first is less
    than an eighth of it), so the first column becomes ones, and the scaling is
    carried into the next stage's columns;
    the run's remaining output scaling is folded into a following
    `bfly.diag`, into the run's last stage when it is one number (a
    normalization), or else becomes a `bfly.diag`. Then every real and imaginary part within
    `tolerance` of 0 or +-1 is snapped to it; a stage whose second row is
    within `tolerance` of its first with one entry negated is made exactly
    so; an untied stage whose matrices repeat with its stride is tied;
    a stage of diagonal matrices becomes a `bfly.diag`, one of
    anti-diagonal matrices a `bfly.permute` and a `bfly.diag`; stages within
    `tolerance` of the identity and diagonals of ones are dropped.

    **Guarantee**: the rescaling changes the chain's matrix only by
    rounding (a few ulps per entry); each snapped value moves by at most
    `tolerance` (absolute, on entries normalized to about 1). `tolerance` 0
    means 16 ulps of the model's precision.
  }];
  let options = [
    Option<"tolerance", "tolerance", "double", /*default=*/"0",
           "Largest change of a snapped value (0: 16 ulps of the element "
           "type)">
  ];
  let statistics = [
    Statistic<"numNormalizedStages", "normalized-stages",
              "Stages whose rows were normalized">,
    Statistic<"numSnapped", "snapped-values",
              "Real or imaginary parts snapped to 0 or +-1">,
    Statistic<"numTiedStages", "tied-stages", "Untied stages made tied">,
    Statistic<"numDroppedOps", "dropped-ops",
              "Identity stages and diagonals removed">
  ];
}

def BflyPruneTwiddles : Pass<"bfly-prune-twiddles", "func::FuncOp"> {
  let summary = "Make near-zero twiddles structural zeros, with a bound on "
                "the change";
  let description = [{
    Learned twiddles that are nearly zero cost as much as any other; as
    exact zeros, the code generator skips their products (whole arrays of
    them become no code at all).

    **Input**: a function whose body is a chain of bfly ops.

    **Output**: every stage twiddle with |t| < `threshold` becomes exactly
    0. The function gets `bfly.prune_bound`, an f64 attribute bounding the
    change of the chain's matrix in spectral norm, and the pass emits it as
    a remark.

    **Guarantee**: with F_i the factors and D_i the pruned parts, ||M' -
    M||_2 <= prod_i (||F_i||_2 + ||D_i||_2) - prod_i ||F_i||_2, where a
    stage's norm is the largest of its 2x2 blocks', a diagonal's its largest
    magnitude and a permutation's 1; that is the bound reported.
  }];
  let options = [
    Option<"threshold", "threshold", "double", /*default=*/"0",
           "Twiddles of smaller magnitude become 0">
  ];
  let statistics = [
    Statistic<"numPruned", "pruned-twiddles", "Twiddles set to zero">
  ];
}

def BflyFoldPermutations : Pass<"bfly-fold-permutations", "func::FuncOp"> {
  let summary = "Compose permutations and diagonals, and absorb diagonals "
                "into stages";
  let description = [{
    Each permutation and diagonal is a pass over the data; composed with
    its neighbours or absorbed into a stage's twiddles, it costs nothing.

    **Input**: a function whose body is a chain of bfly ops.

    **Output**: consecutive `bfly.permute`s become one (named when the
    composition is a named permutation of the whole vector, else explicit
    indices), and identity permutations disappear; consecutive `bfly.diag`s
    become one; a diagonal right after a stage with one matrix per pair
    scales that stage's rows, and one right before such a stage scales its
    columns, so the diagonal disappears.

    **Guarantee**: the same matrix: composing permutations is exact, and a
    product of twiddles and diagonal entries is one rounding per entry.
  }];
  let statistics = [
    Statistic<"numFolded", "folded-ops",
              "Permutations and diagonals composed or absorbed">
  ];
}

#endif // BFLY_DIALECT_TRANSFORMS_PASSES_TD
