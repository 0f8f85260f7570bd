// RUN: bfly-opt %s --split-input-file --canonicalize | FileCheck %s

/// The ops' folders and canonicalization patterns: the algebra of any chain.

/// A stage of identity matrices folds away.
// CHECK-LABEL: bfly.transform @fold_identity_stage
// CHECK-NEXT: bfly.return %arg0
bfly.transform @fold_identity_stage(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = bfly.stage %x stride 1 twiddles dense<[[[1.0, 0.0], [0.0, 1.0]]]> : tensor<1x2x2xf32> : tensor<4xf32>
  bfly.return %0 : tensor<4xf32>
}

// -----

/// Almost the identity is not the identity: folders are exact.
// CHECK-LABEL: bfly.transform @no_fold_near_identity_stage
// CHECK: bfly.stage
bfly.transform @no_fold_near_identity_stage(%x: tensor<2xf64>) -> tensor<2xf64> {
  %0 = bfly.stage %x stride 1 twiddles dense<[[[1.0, 0.0], [0.0, 1.0000000000000002]]]> : tensor<1x2x2xf64> : tensor<2xf64>
  bfly.return %0 : tensor<2xf64>
}

// -----

/// An identity permutation (at n = 2 a bit reversal is one) folds away.
// CHECK-LABEL: bfly.transform @fold_identity_permute
// CHECK-NEXT: bfly.return %arg0
bfly.transform @fold_identity_permute(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = bfly.permute %x bit_reverse : tensor<2xf32>
  bfly.return %0 : tensor<2xf32>
}

// -----

/// Two permutations compose into one, named when the product has a name.
// CHECK-LABEL: bfly.transform @compose_permutations_named
// CHECK-NEXT: %[[P:.*]] = bfly.permute %arg0 bit_reverse
// CHECK-NEXT: bfly.return %[[P]]
bfly.transform @compose_permutations_named(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = bfly.permute %x explicit indices [1, 0, 3, 2] : tensor<4xf32>
  %1 = bfly.permute %0 explicit indices [1, 3, 0, 2] : tensor<4xf32>
  bfly.return %1 : tensor<4xf32>
}

// -----

// CHECK-LABEL: bfly.transform @compose_permutations_explicit
// CHECK-NEXT: %[[P:.*]] = bfly.permute %arg0 explicit indices [1, 2, 3, 0]
// CHECK-NEXT: bfly.return %[[P]]
bfly.transform @compose_permutations_explicit(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = bfly.permute %x explicit indices [1, 0, 3, 2] : tensor<4xf32>
  %1 = bfly.permute %0 explicit indices [0, 3, 2, 1] : tensor<4xf32>
  bfly.return %1 : tensor<4xf32>
}

// -----

/// A permutation and its inverse compose to nothing.
// CHECK-LABEL: bfly.transform @compose_permutations_to_identity
// CHECK-NEXT: bfly.return %arg0
bfly.transform @compose_permutations_to_identity(%x: tensor<8xf32>) -> tensor<8xf32> {
  %0 = bfly.permute %x even_odd : tensor<8xf32>
  %1 = bfly.permute %0 explicit indices [0, 4, 1, 5, 2, 6, 3, 7] : tensor<8xf32>
  bfly.return %1 : tensor<8xf32>
}

// -----

/// Diagonals multiply; a diagonal of ones folds away.
// CHECK-LABEL: bfly.transform @merge_diagonals
// CHECK-NEXT: %[[D:.*]] = bfly.diag %arg0 by dense<[6.000000e+00, 2.000000e+01]>
// CHECK-NEXT: bfly.return %[[D]]
bfly.transform @merge_diagonals(%x: tensor<2xf64>) -> tensor<2xf64> {
  %0 = bfly.diag %x by dense<[2.0, 4.0]> : tensor<2xf64> : tensor<2xf64>
  %1 = bfly.diag %0 by dense<1.0> : tensor<2xf64> : tensor<2xf64>
  %2 = bfly.diag %1 by dense<[3.0, 5.0]> : tensor<2xf64> : tensor<2xf64>
  bfly.return %2 : tensor<2xf64>
}

// -----

/// Canonicalization never absorbs a diagonal into a stage: which stage
/// takes it is a choice, bfly-fold-permutations's.
// CHECK-LABEL: bfly.transform @no_absorb_diagonal
// CHECK: bfly.stage
// CHECK: bfly.diag
bfly.transform @no_absorb_diagonal(%x: tensor<2xf64>) -> tensor<2xf64> {
  %0 = bfly.stage %x stride 1 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]]]> : tensor<1x2x2xf64> : tensor<2xf64>
  %1 = bfly.diag %0 by dense<[2.0, 4.0]> : tensor<2xf64> : tensor<2xf64>
  bfly.return %1 : tensor<2xf64>
}
