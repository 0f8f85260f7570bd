//===- Passes.td - passes on bfly factor chains -------------*- tablegen -*-===//
#ifndef BFLY_DIALECT_TRANSFORMS_PASSES_TD
#define BFLY_DIALECT_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def BflySimplifyTwiddles : Pass<"bfly-simplify-twiddles", "::mlir::bfly::TransformOp"> {
  let summary = "Normalize, snap and tie twiddles so that the code generator "
                "can fold them";
  let description = [{
    A learned model's twiddles carry an arbitrary scaling between stages
    (any diagonal D can be moved through a chain as D D^-1) and rounding
    noise around exact values; both hide the structure the code generator
    folds (constant arrays, shared butterfly products, tied stages).

    **Input**: a `bfly.transform` (its verifier guarantees the chain).

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

def BflyPruneTwiddles : Pass<"bfly-prune-twiddles", "::mlir::bfly::TransformOp"> {
  let summary = "Make near-zero twiddles structural zeros, with a bound on "
                "the change";
  let description = [{
    Learned twiddles that are nearly zero cost as much as any other; as
    exact zeros, the code generator skips their products (whole arrays of
    them become no code at all).

    **Input**: a `bfly.transform` (its verifier guarantees the chain).

    **Output**: every stage twiddle with |t| < `threshold` becomes exactly
    0. The transform gets `prune_bound`, an f64 attribute bounding the
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

def BflyFoldPermutations : Pass<"bfly-fold-permutations", "::mlir::bfly::TransformOp"> {
  let summary = "Compose permutations and diagonals, and absorb diagonals "
                "into stages";
  let description = [{
    Each permutation and diagonal is a pass over the data; composed with
    its neighbours or absorbed into a stage's twiddles, it costs nothing.

    **Input**: a `bfly.transform` (its verifier guarantees the chain).

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
              "Factors removed by composing or absorbing them">
  ];
}

def BflyFuseStages : Pass<"bfly-fuse-stages", "::mlir::bfly::TransformOp"> {
  let summary = "Group consecutive stages into radix-2^k blocks that the "
                "lowering applies in one pass";
  let description = [{
    A stage alone reads and writes the whole vector once; k consecutive
    stages with distinct strides mix the values of 2^k-element groups, so
    one pass can load each group, apply all k stages in registers and store
    it once.

    **Input**: a `bfly.transform` (its verifier guarantees the chain).

    **Output**: every `bfly.stage` gets `bfly.fuse_group`, an i64 naming its
    group; consecutive stages with equal values form one block. Groups are
    formed greedily from the chain's start: a stage joins the current group
    while the group has fewer than log2(`max-radix`) stages, its stride is
    not yet in the group, and it lies on the same side of V (the lanes of a
    `vector-bits` register) as the group's first stage, since strides below
    V are mixed by shuffles and strides of V or more across vectors.
    `convert-bfly-to-vector` emits one pass per group; a stage without the
    attribute is a pass of its own.

    **Guarantee**: the chain's ops and constants are unchanged; fusion
    changes only the order in which the same arithmetic is done.
  }];
  let options = [
    Option<"maxRadix", "max-radix", "unsigned", /*default=*/"8",
           "Largest block: up to log2(max-radix) stages per group, 2 to 16 "
           "(2: no fusion)">,
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"256",
           "SIMD register width in bits that the lowering will use">
  ];
  let statistics = [
    Statistic<"numGroups", "groups", "Groups planned (passes over the data)">,
    Statistic<"numFusedStages", "fused-stages",
              "Stages in groups of two or more">
  ];
}

class Bfly_AlgebraPass<string flag, string what, string guarantee>
    : Pass<flag, "::mlir::bfly::TransformOp"> {
  let summary = "Rewrite a transform into its " # what;
  let description = [{
    **Input**: a `bfly.transform` (its verifier guarantees the chain).

    **Output**: the chain of the }] # what # [{: the factors in reverse order,
    each replaced by its own (a stage's 2x2 blocks, so tied stays tied; a
    permutation's inverse; a diagonal transformed entry by entry). A real
    map that is the real part of a complex chain keeps `bfly.complex` and
    `bfly.real` at its ends. The provenance gains `op` (appended to an
    earlier one: "adjoint,inverse").

    **Refusals** (located diagnostics, nothing changed): a map between real
    and complex vectors, and for the inverse a real part of a complex chain,
    a singular 2x2 block or a zero diagonal entry.

    **Guarantee**: }] # guarantee;
}

def BflyTranspose : Bfly_AlgebraPass<"bfly-transpose", "transpose",
    "exact: the same constants, moved.">;
def BflyAdjoint : Bfly_AlgebraPass<"bfly-adjoint", "adjoint (conjugate transpose)",
    "exact: the same constants, moved and conjugated.">;
def BflyInverse : Bfly_AlgebraPass<"bfly-inverse", "inverse",
    "each new constant is computed in double precision and rounded once to "
    "the model's precision; the chain is the inverse up to that rounding.">;

#endif // BFLY_DIALECT_TRANSFORMS_PASSES_TD
