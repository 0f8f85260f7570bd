// RUN: bfly-opt %s --split-input-file --pass-pipeline="builtin.module(bfly.transform(bfly-prune-twiddles{threshold=0.1}))" 2>/dev/null | FileCheck %s
// RUN: bfly-opt %s --split-input-file --pass-pipeline="builtin.module(bfly.transform(bfly-prune-twiddles{threshold=0.1}))" 2>&1 >/dev/null | FileCheck %s --check-prefix=REMARK

/// Twiddles below the threshold become exact zeros, the others stay; the
/// bound is (|F1| + |D1|) |F2| - |F1| |F2| = 0.05 sqrt(2).
// REMARK: remark: pruning changes the matrix by at most 7.071068e-02 in spectral norm
// CHECK-LABEL: bfly.transform @prune_small
// CHECK-SAME: prune_bound = 0.07071067811865{{[0-9]*}}
// CHECK: bfly.stage %{{.*}} twiddles dense<{{\[\[}}[2.000000e+00, 0.000000e+00], [0.000000e+00, 2.000000e+00]]]>
// CHECK: bfly.stage %{{.*}} twiddles dense<{{\[\[}}[1.000000e+00, 1.000000e+00], [1.000000e+00, -1.000000e+00]]]>
bfly.transform @prune_small(%x: tensor<2xf64>) -> tensor<2xf64> {
  %0 = bfly.stage %x stride 1 twiddles dense<[[[2.0, 0.05], [0.0, 2.0]]]> : tensor<1x2x2xf64> : tensor<2xf64>
  %1 = bfly.stage %0 stride 1 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]]]> : tensor<1x2x2xf64> : tensor<2xf64>
  bfly.return %1 : tensor<2xf64>
}

// -----

/// Nothing below the threshold: nothing changes, and the bound says so.
// REMARK: remark: pruning changes the matrix by at most 0.000000e+00 in spectral norm
// CHECK-LABEL: bfly.transform @no_prune_above_threshold
// CHECK-SAME: prune_bound = 0.000000e+00
// CHECK: twiddles dense<{{\[\[}}[(1.000000e-01,0.000000e+00), (0.000000e+00,2.000000e-01)]
bfly.transform @no_prune_above_threshold(%x: tensor<2xcomplex<f32>>) -> tensor<2xcomplex<f32>> {
  %0 = bfly.stage %x stride 1 twiddles dense<[[[(0.1, 0.0), (0.0, 0.2)], [(1.0, 0.0), (0.0, 1.0)]]]> : tensor<1x2x2xcomplex<f32>> : tensor<2xcomplex<f32>>
  bfly.return %0 : tensor<2xcomplex<f32>>
}
