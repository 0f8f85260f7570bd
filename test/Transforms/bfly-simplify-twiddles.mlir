// RUN: bfly-opt %s --split-input-file --pass-pipeline="builtin.module(bfly.transform(bfly-simplify-twiddles))" | FileCheck %s

/// Rows are divided by their first entry and the factors carried into the
/// next stage's columns; what is left at the end, not one number, becomes
/// a diagonal.
// CHECK-LABEL: bfly.transform @normalize_rows
// CHECK: %[[A:.*]] = bfly.stage %{{.*}} stride 1 twiddles dense<{{\[\[}}[1.000000e+00, 2.000000e+00], [1.000000e+00, 5.000000e-01]]]>
// CHECK: %[[B:.*]] = bfly.stage %[[A]] stride 1 twiddles dense<{{\[\[}}[1.000000e+00, 2.000000e+00], [1.000000e+00, -1.000000e+00]]]>
// CHECK: %[[D:.*]] = bfly.diag %[[B]] by dense<[6.000000e+00, 2.000000e+00]>
// CHECK: bfly.return %[[D]]
bfly.transform @normalize_rows(%x: tensor<2xf64>) -> tensor<2xf64> {
  %0 = bfly.stage %x stride 1 twiddles dense<[[[2.0, 4.0], [4.0, 2.0]]]> : tensor<1x2x2xf64> : tensor<2xf64>
  %1 = bfly.stage %0 stride 1 twiddles dense<[[[3.0, 3.0], [1.0, -0.5]]]> : tensor<1x2x2xf64> : tensor<2xf64>
  bfly.return %1 : tensor<2xf64>
}

// -----

/// One common factor (a normalization) goes into the last stage instead of
/// a diagonal pass.
// CHECK-LABEL: bfly.transform @uniform_scale_into_last_stage
// CHECK-NOT: bfly.diag
// CHECK: bfly.stage %{{.*}} stride 1 twiddles dense<{{\[\[}}[5.000000e-01, 5.000000e-01], [5.000000e-01, -5.000000e-01]]]>
bfly.transform @uniform_scale_into_last_stage(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = bfly.stage %x stride 1 twiddles dense<[[[0.5, 0.5], [0.5, -0.5]]]> : tensor<1x2x2xf32> : tensor<2xf32>
  bfly.return %0 : tensor<2xf32>
}

// -----

/// Untied matrices that repeat with the stride become a tied stage; values
/// within 16 ulps of 1 snap to it; a row that is the first with its second
/// entry negated is made exactly so.
// CHECK-LABEL: bfly.transform @tie_and_snap
// CHECK: bfly.stage %{{.*}} stride 1 twiddles dense<{{\[\[}}[1.000000e+00, 2.000000e+00], [1.000000e+00, -2.000000e+00]]]> : tensor<1x2x2xf32>
// CHECK-NOT: bfly.diag
bfly.transform @tie_and_snap(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = bfly.stage %x stride 1 twiddles dense<[[[1.0000001, 2.0], [1.0, -2.0000002]], [[1.0, 2.0], [0.9999999, -2.0]]]> : tensor<2x2x2xf32> : tensor<4xf32>
  bfly.return %0 : tensor<4xf32>
}

// -----

/// Identity stages and diagonals of ones are dropped.
// CHECK-LABEL: bfly.transform @drop_identities
// CHECK-NOT: bfly.stage
// CHECK-NOT: bfly.diag
// CHECK: bfly.return %arg0
bfly.transform @drop_identities(%x: tensor<4xcomplex<f64>>) -> tensor<4xcomplex<f64>> {
  %0 = bfly.stage %x stride 2 twiddles dense<[[[(1.0, 0.0), (0.0, 0.0)], [(0.0, 0.0), (1.0, 0.0)]], [[(1.0, 0.0), (0.0, 0.0)], [(0.0, 0.0), (1.0, 0.0)]]]> : tensor<2x2x2xcomplex<f64>> : tensor<4xcomplex<f64>>
  %1 = bfly.diag %0 by dense<(1.0, 0.0)> : tensor<4xcomplex<f64>> : tensor<4xcomplex<f64>>
  bfly.return %1 : tensor<4xcomplex<f64>>
}

// -----

/// A value far from 0 and +-1 stays, and a first entry much smaller than
/// the second is not a pivot (no huge normalized values).
// CHECK-LABEL: bfly.transform @no_snap_far_values
// CHECK: bfly.stage %{{.*}} twiddles dense<{{\[\[}}[1.000000e-03, 1.000000e+00], [1.000000e+00, 3.000000e+00]]]>
// CHECK: bfly.diag %{{.*}} by dense<[2.000000e+00, 5.000000e-01]>
bfly.transform @no_snap_far_values(%x: tensor<2xf64>) -> tensor<2xf64> {
  %0 = bfly.stage %x stride 1 twiddles dense<[[[0.002, 2.0], [0.5, 1.5]]]> : tensor<1x2x2xf64> : tensor<2xf64>
  bfly.return %0 : tensor<2xf64>
}

// -----

/// A stage of diagonal matrices is a diagonal; one of anti-diagonal
/// matrices swaps each pair, then scales.
// CHECK-LABEL: bfly.transform @stages_that_are_not_butterflies
// CHECK: %[[D:.*]] = bfly.diag %arg0 by dense<[2.000000e+00, 3.000000e+00, 2.000000e+00, 3.000000e+00]>
// CHECK: %[[P:.*]] = bfly.permute %[[D]] explicit indices [1, 0, 3, 2]
// CHECK: %[[E:.*]] = bfly.diag %[[P]] by dense<[5.000000e+00, 7.000000e+00, 5.000000e+00, 7.000000e+00]>
// CHECK-NOT: bfly.stage
// CHECK: bfly.return %[[E]]
bfly.transform @stages_that_are_not_butterflies(%x: tensor<4xf64>) -> tensor<4xf64> {
  %0 = bfly.stage %x stride 1 twiddles dense<[[[2.0, 0.0], [0.0, 3.0]]]> : tensor<1x2x2xf64> : tensor<4xf64>
  %1 = bfly.stage %0 stride 1 twiddles dense<[[[0.0, 5.0], [7.0, 0.0]]]> : tensor<1x2x2xf64> : tensor<4xf64>
  bfly.return %1 : tensor<4xf64>
}

// -----

/// Tied stages whose rows share one factor (the unitary DFT's 1/sqrt 2)
/// give it to the last such stage: the others multiply by twiddles only.
// CHECK-LABEL: bfly.transform @gather_tied_scales
// CHECK: bfly.stage %{{.*}} stride 1 twiddles dense<{{\[\[}}[1.000000e+00, 1.000000e+00], [1.000000e+00, -1.000000e+00]]]> : tensor<1x2x2xf32>
// CHECK: bfly.stage %{{.*}} stride 2 twiddles dense<{{\[\[}}[2.500000e-01, 5.000000e-01], [2.500000e-01, -5.000000e-01]], {{\[\[}}2.500000e-01, -2.500000e-01], [2.500000e-01, 2.500000e-01]]]> : tensor<2x2x2xf32>
// CHECK-NOT: bfly.diag
bfly.transform @gather_tied_scales(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = bfly.stage %x stride 1 twiddles dense<[[[0.5, 0.5], [0.5, -0.5]]]> : tensor<1x2x2xf32> : tensor<4xf32>
  %1 = bfly.stage %0 stride 2 twiddles dense<[[[0.5, 1.0], [0.5, -1.0]], [[0.5, -0.5], [0.5, 0.5]]]> : tensor<2x2x2xf32> : tensor<4xf32>
  bfly.return %1 : tensor<4xf32>
}

// -----

/// Snapping is relative to each row's pivot: twiddle parts of a stage that
/// carries a small scale stay, however far below 16 ulps they are.
// CHECK-LABEL: bfly.transform @snap_relative_to_the_row
// CHECK: bfly.stage %{{.*}} stride 1 twiddles dense<{{\[\[}}[(1.000000e-03,0.000000e+00), (1.000000e-03,-1.000000e-07)], [(1.000000e-03,0.000000e+00), (-1.000000e-03,1.000000e-07)]]]>
bfly.transform @snap_relative_to_the_row(%x: tensor<2xcomplex<f32>>) -> tensor<2xcomplex<f32>> {
  %0 = bfly.stage %x stride 1 twiddles dense<[[[(0.001, 0.0), (0.001, -1.0e-7)], [(0.001, 0.0), (-0.001, 1.0e-7)]]]> : tensor<1x2x2xcomplex<f32>> : tensor<2xcomplex<f32>>
  bfly.return %0 : tensor<2xcomplex<f32>>
}
