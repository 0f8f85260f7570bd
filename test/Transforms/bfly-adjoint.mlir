// RUN: bfly-opt %s --split-input-file --pass-pipeline="builtin.module(bfly.transform(bfly-adjoint))" | FileCheck %s

/// The conjugate transpose: blocks transposed and conjugated, the diagonal
/// conjugated, the named permutation inverted (a bit reversal is its own
/// inverse and keeps its name).
// CHECK-LABEL: bfly.transform @conjugate_transpose
// CHECK-SAME: provenance = {op = "adjoint"}
// CHECK: %[[D:.*]] = bfly.diag %arg0 by dense<[(0.000000e+00,-1.000000e+00), (2.000000e+00,0.000000e+00), (1.000000e+00,-1.000000e+00), (0.000000e+00,1.000000e+00)]>
// CHECK: %[[S:.*]] = bfly.stage %[[D]] stride 2 twiddles dense<{{\[\[\[}}(1.000000e+00,0.000000e+00), (0.000000e+00,1.000000e+00)], [(0.000000e+00,-2.000000e+00), (3.000000e+00,-1.000000e+00)]]{{.*}}> : tensor<2x2x2xcomplex<f32>>
// CHECK: %[[P:.*]] = bfly.permute %[[S]] bit_reverse
// CHECK: bfly.return %[[P]]
bfly.transform @conjugate_transpose(%x: tensor<4xcomplex<f32>>) -> tensor<4xcomplex<f32>> {
  %0 = bfly.permute %x bit_reverse : tensor<4xcomplex<f32>>
  %1 = bfly.stage %0 stride 2 twiddles dense<[[[(1.0, 0.0), (0.0, 2.0)], [(0.0, -1.0), (3.0, 1.0)]], [[(1.0, 0.0), (0.0, 2.0)], [(0.0, -1.0), (3.0, 1.0)]]]> : tensor<2x2x2xcomplex<f32>> : tensor<4xcomplex<f32>>
  %2 = bfly.diag %1 by dense<[(0.0, 1.0), (2.0, 0.0), (1.0, 1.0), (0.0, -1.0)]> : tensor<4xcomplex<f32>> : tensor<4xcomplex<f32>>
  bfly.return %2 : tensor<4xcomplex<f32>>
}
