// RUN: bfly-opt %s --split-input-file --pass-pipeline="builtin.module(bfly.transform(bfly-transpose))" | FileCheck %s

/// The chain reversed, each factor transposed: the stage's 2x2 blocks
/// (tied stays tied), the permutation inverted (explicit stays explicit
/// unless its inverse has a name), the diagonal unchanged; the provenance
/// says so.
// CHECK-LABEL: bfly.transform @chain_reversed
// CHECK-SAME: provenance = {op = "transpose", target = "t"}
// CHECK: %[[D:.*]] = bfly.diag %arg0 by dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]>
// CHECK: %[[S:.*]] = bfly.stage %[[D]] stride 1 twiddles dense<{{\[\[\[}}1.000000e+00, 3.000000e+00], [2.000000e+00, 4.000000e+00]]]> : tensor<1x2x2xf32>
// CHECK: %[[P:.*]] = bfly.permute %[[S]] explicit indices [2, 0, 3, 1]
// CHECK: bfly.return %[[P]]
bfly.transform @chain_reversed(%x: tensor<4xf32>) -> tensor<4xf32>
    attributes {provenance = {target = "t"}} {
  %0 = bfly.permute %x explicit indices [1, 3, 0, 2] : tensor<4xf32>
  %1 = bfly.stage %0 stride 1 twiddles dense<[[[1.0, 2.0], [3.0, 4.0]]]> : tensor<1x2x2xf32> : tensor<4xf32>
  %2 = bfly.diag %1 by dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32> : tensor<4xf32>
  bfly.return %2 : tensor<4xf32>
}

// -----

/// No conjugation: complex entries move, signs and all.
// CHECK-LABEL: bfly.transform @complex_not_conjugated
// CHECK: twiddles dense<{{\[\[\[}}(1.000000e+00,0.000000e+00), (0.000000e+00,-1.000000e+00)], [(0.000000e+00,2.000000e+00), (3.000000e+00,0.000000e+00)]]]>
bfly.transform @complex_not_conjugated(%x: tensor<2xcomplex<f64>>) -> tensor<2xcomplex<f64>> {
  %0 = bfly.stage %x stride 1 twiddles dense<[[[(1.0, 0.0), (0.0, 2.0)], [(0.0, -1.0), (3.0, 0.0)]]]> : tensor<1x2x2xcomplex<f64>> : tensor<2xcomplex<f64>>
  bfly.return %0 : tensor<2xcomplex<f64>>
}

// -----

/// The real part of a complex chain, Re(A), has transpose Re(A^T): the
/// chain between bfly.complex and bfly.real is transposed, the two stay at
/// the ends; a second transposition records both.
// CHECK-LABEL: bfly.transform @real_part_of_a_chain
// CHECK-SAME: op = "transpose"
// CHECK: %[[C:.*]] = bfly.complex %arg0
// CHECK: %[[S2:.*]] = bfly.stage %[[C]] stride 2
// CHECK: %[[S1:.*]] = bfly.stage %[[S2]] stride 1
// CHECK: %[[R:.*]] = bfly.real %[[S1]]
// CHECK: bfly.return %[[R]]
bfly.transform @real_part_of_a_chain(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = bfly.complex %x : tensor<4xf32> -> tensor<4xcomplex<f32>>
  %0 = bfly.stage %c stride 1 twiddles dense<(1.0, 1.0)> : tensor<1x2x2xcomplex<f32>> : tensor<4xcomplex<f32>>
  %1 = bfly.stage %0 stride 2 twiddles dense<(2.0, 0.0)> : tensor<2x2x2xcomplex<f32>> : tensor<4xcomplex<f32>>
  %r = bfly.real %1 : tensor<4xcomplex<f32>> -> tensor<4xf32>
  bfly.return %r : tensor<4xf32>
}
