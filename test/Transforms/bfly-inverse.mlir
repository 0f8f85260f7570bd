// RUN: bfly-opt %s --split-input-file --pass-pipeline="builtin.module(bfly.transform(bfly-inverse))" | FileCheck %s

/// Each 2x2 block inverted ([a b; c d]^-1 = [d -b; -c a] / det), the
/// diagonal's entries inverted, the permutation inverted, all in reverse.
// CHECK-LABEL: bfly.transform @inverse
// CHECK-SAME: provenance = {op = "inverse"}
// CHECK: %[[D:.*]] = bfly.diag %arg0 by dense<[5.000000e-01, 2.500000e-01]>
// CHECK: %[[S:.*]] = bfly.stage %[[D]] stride 1 twiddles dense<{{\[\[\[}}-2.000000e+00, 1.000000e+00], [1.500000e+00, -5.000000e-01]]]>
// CHECK: %[[P:.*]] = bfly.permute %[[S]] explicit indices [1, 0]
// CHECK: bfly.return %[[P]]
bfly.transform @inverse(%x: tensor<2xf64>) -> tensor<2xf64> {
  %0 = bfly.permute %x explicit indices [1, 0] : tensor<2xf64>
  %1 = bfly.stage %0 stride 1 twiddles dense<[[[1.0, 2.0], [3.0, 4.0]]]> : tensor<1x2x2xf64> : tensor<2xf64>
  %2 = bfly.diag %1 by dense<[2.0, 4.0]> : tensor<2xf64> : tensor<2xf64>
  bfly.return %2 : tensor<2xf64>
}

// -----

/// A chain and its inverse: the unitary DFT-4's inverse is its adjoint,
/// conjugated twiddles of the inverse DFT.
// CHECK-LABEL: bfly.transform @unitary
// CHECK: bfly.stage %arg0 stride 1 twiddles dense<{{\[\[\[}}(0.7071{{[0-9]*}},0.000000e+00), (0.7071{{[0-9]*}},0.000000e+00)], [(0.000000e+00,0.7071{{[0-9]*}}), (0.000000e+00,-0.7071{{[0-9]*}})]]]>
bfly.transform @unitary(%x: tensor<2xcomplex<f64>>) -> tensor<2xcomplex<f64>> {
  %0 = bfly.stage %x stride 1 twiddles dense<[[[(0.70710678118654757, 0.0), (0.0, -0.70710678118654757)], [(0.70710678118654757, 0.0), (0.0, 0.70710678118654757)]]]> : tensor<1x2x2xcomplex<f64>> : tensor<2xcomplex<f64>>
  bfly.return %0 : tensor<2xcomplex<f64>>
}
