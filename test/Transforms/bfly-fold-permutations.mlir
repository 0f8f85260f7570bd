// RUN: bfly-opt %s --split-input-file --pass-pipeline="builtin.module(bfly.transform(bfly-fold-permutations))" | FileCheck %s

/// A permutation and its inverse cancel.
// CHECK-LABEL: bfly.transform @inverse_pair_cancels
// CHECK-NOT: bfly.permute
// CHECK: bfly.return %arg0
bfly.transform @inverse_pair_cancels(%x: tensor<8xf32>) -> tensor<8xf32> {
  %0 = bfly.permute %x bit_reverse : tensor<8xf32>
  %1 = bfly.permute %0 bit_reverse : tensor<8xf32>
  bfly.return %1 : tensor<8xf32>
}

// -----

/// Two permutations become one gather; a named result keeps its name.
// CHECK-LABEL: bfly.transform @compose_to_named
// CHECK: %[[P:.*]] = bfly.permute %arg0 bit_reverse
// CHECK-NOT: bfly.permute
// CHECK: bfly.return %[[P]]
bfly.transform @compose_to_named(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = bfly.permute %x explicit indices [1, 0, 3, 2] : tensor<4xf32>
  %1 = bfly.permute %0 explicit indices [1, 3, 0, 2] : tensor<4xf32>
  bfly.return %1 : tensor<4xf32>
}

// -----

/// Consecutive diagonals multiply; the result, after a stage with one
/// matrix per pair, scales that stage's rows and disappears.
// CHECK-LABEL: bfly.transform @diagonals_into_stage
// CHECK-NOT: bfly.diag
// CHECK: bfly.stage %arg0 stride 1 twiddles dense<{{\[\[}}[6.000000e+00, 6.000000e+00], [2.000000e+01, -2.000000e+01]]]>
bfly.transform @diagonals_into_stage(%x: tensor<2xf64>) -> tensor<2xf64> {
  %0 = bfly.stage %x stride 1 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]]]> : tensor<1x2x2xf64> : tensor<2xf64>
  %1 = bfly.diag %0 by dense<[2.0, 4.0]> : tensor<2xf64> : tensor<2xf64>
  %2 = bfly.diag %1 by dense<[3.0, 5.0]> : tensor<2xf64> : tensor<2xf64>
  bfly.return %2 : tensor<2xf64>
}

// -----

/// A diagonal before a stage scales its columns.
// CHECK-LABEL: bfly.transform @diagonal_into_next_stage
// CHECK-NOT: bfly.diag
// CHECK: bfly.stage %arg0 stride 1 twiddles dense<{{\[\[}}[2.000000e+00, 3.000000e+00], [2.000000e+00, -3.000000e+00]]]>
bfly.transform @diagonal_into_next_stage(%x: tensor<2xf64>) -> tensor<2xf64> {
  %0 = bfly.diag %x by dense<[2.0, 3.0]> : tensor<2xf64> : tensor<2xf64>
  %1 = bfly.stage %0 stride 1 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]]]> : tensor<1x2x2xf64> : tensor<2xf64>
  bfly.return %1 : tensor<2xf64>
}

// -----

/// A diagonal between permutations, with no stage to absorb it, stays.
// CHECK-LABEL: bfly.transform @no_fold_lonely_diagonal
// CHECK: bfly.permute
// CHECK: bfly.diag
// CHECK: bfly.permute
bfly.transform @no_fold_lonely_diagonal(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = bfly.permute %x bit_reverse : tensor<4xf32>
  %1 = bfly.diag %0 by dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32> : tensor<4xf32>
  %2 = bfly.permute %1 even_odd : tensor<4xf32>
  bfly.return %2 : tensor<4xf32>
}
