// RUN: bfly-opt %s --split-input-file --pass-pipeline="builtin.module(bfly.transform(bfly-fuse-stages{vector-bits=128}))" | FileCheck %s
// RUN: bfly-opt %s --split-input-file --pass-pipeline="builtin.module(bfly.transform(bfly-fuse-stages{vector-bits=128 max-radix=2}))" | FileCheck %s --check-prefix=RADIX2
// RUN: bfly-opt %s --split-input-file --pass-pipeline="builtin.module(bfly.transform(bfly-fuse-stages{vector-bits=128 max-radix=16}))" | FileCheck %s --check-prefix=RADIX16

/// A 64-point radix-2 chain of f32 at V = 4 lanes: strides 1 and 2 (below
/// V, shuffles) are one group; 4, 8, 16 (radix 8, the default) the next;
/// 32 the last. Only the plan changes: ops and constants stay.
// CHECK-LABEL: bfly.transform @six_stages
// CHECK: bfly.stage %arg0 stride 1 {{.*}} {bfly.fuse_group = 0 : i64}
// CHECK-NEXT: stride 2 {{.*}} {bfly.fuse_group = 0 : i64}
// CHECK-NEXT: stride 4 {{.*}} {bfly.fuse_group = 1 : i64}
// CHECK-NEXT: stride 8 {{.*}} {bfly.fuse_group = 1 : i64}
// CHECK-NEXT: stride 16 {{.*}} {bfly.fuse_group = 1 : i64}
// CHECK-NEXT: stride 32 {{.*}} {bfly.fuse_group = 2 : i64}
// CHECK-NEXT: bfly.return
// RADIX2-LABEL: bfly.transform @six_stages
// RADIX2: stride 1 {{.*}} {bfly.fuse_group = 0 : i64}
// RADIX2-NEXT: stride 2 {{.*}} {bfly.fuse_group = 1 : i64}
// RADIX2-NEXT: stride 4 {{.*}} {bfly.fuse_group = 2 : i64}
// RADIX2-NEXT: stride 8 {{.*}} {bfly.fuse_group = 3 : i64}
// RADIX2-NEXT: stride 16 {{.*}} {bfly.fuse_group = 4 : i64}
// RADIX2-NEXT: stride 32 {{.*}} {bfly.fuse_group = 5 : i64}
// RADIX16-LABEL: bfly.transform @six_stages
// RADIX16-COUNT-2: {bfly.fuse_group = 0 : i64}
// RADIX16-COUNT-4: {bfly.fuse_group = 1 : i64}
// RADIX16-NEXT: bfly.return
bfly.transform @six_stages(%x: tensor<64xf32>) -> tensor<64xf32> {
  %0 = bfly.stage %x stride 1 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]]]> : tensor<1x2x2xf32> : tensor<64xf32>
  %1 = bfly.stage %0 stride 2 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]], [[1.0, 1.0], [1.0, -1.0]]]> : tensor<2x2x2xf32> : tensor<64xf32>
  %2 = bfly.stage %1 stride 4 twiddles dense<2.0> : tensor<4x2x2xf32> : tensor<64xf32>
  %3 = bfly.stage %2 stride 8 twiddles dense<3.0> : tensor<8x2x2xf32> : tensor<64xf32>
  %4 = bfly.stage %3 stride 16 twiddles dense<4.0> : tensor<16x2x2xf32> : tensor<64xf32>
  %5 = bfly.stage %4 stride 32 twiddles dense<5.0> : tensor<32x2x2xf32> : tensor<64xf32>
  bfly.return %5 : tensor<64xf32>
}

// -----

/// A permutation or diagonal ends a group; so does a repeated stride
/// ((BP)^2 models repeat them); an old plan is replaced.
// CHECK-LABEL: bfly.transform @breaks
// CHECK: stride 8 {{.*}} {bfly.fuse_group = 0 : i64}
// CHECK-NEXT: stride 16 {{.*}} {bfly.fuse_group = 0 : i64}
// CHECK-NEXT: bfly.permute
// CHECK-NEXT: stride 8 {{.*}} {bfly.fuse_group = 1 : i64}
// CHECK-NEXT: stride 8 {{.*}} {bfly.fuse_group = 2 : i64}
// CHECK-NEXT: bfly.diag
// CHECK-NEXT: stride 16 {{.*}} {bfly.fuse_group = 3 : i64}
bfly.transform @breaks(%x: tensor<32xf32>) -> tensor<32xf32> {
  %0 = bfly.stage %x stride 8 twiddles dense<2.0> : tensor<8x2x2xf32> : tensor<32xf32>
  %1 = bfly.stage %0 stride 16 twiddles dense<2.0> : tensor<16x2x2xf32> : tensor<32xf32>
  %2 = bfly.permute %1 bit_reverse : tensor<32xf32>
  %3 = bfly.stage %2 stride 8 twiddles dense<2.0> : tensor<8x2x2xf32> {bfly.fuse_group = 7 : i64} : tensor<32xf32>
  %4 = bfly.stage %3 stride 8 twiddles dense<2.0> : tensor<8x2x2xf32> {bfly.fuse_group = 7 : i64} : tensor<32xf32>
  %5 = bfly.diag %4 by dense<3.0> : tensor<32xf32> : tensor<32xf32>
  %6 = bfly.stage %5 stride 16 twiddles dense<2.0> : tensor<16x2x2xf32> : tensor<32xf32>
  bfly.return %6 : tensor<32xf32>
}

// -----

/// Complex f64 at 128 bits has V = 2 lanes: stride 1 alone below V, then
/// strides 2 and 4 together.
// CHECK-LABEL: bfly.transform @complex_lanes
// CHECK: stride 1 {{.*}} {bfly.fuse_group = 0 : i64}
// CHECK-NEXT: stride 2 {{.*}} {bfly.fuse_group = 1 : i64}
// CHECK-NEXT: stride 4 {{.*}} {bfly.fuse_group = 1 : i64}
bfly.transform @complex_lanes(%x: tensor<8xcomplex<f64>>) -> tensor<8xcomplex<f64>> {
  %0 = bfly.stage %x stride 1 twiddles dense<(1.0, 0.0)> : tensor<4x2x2xcomplex<f64>> : tensor<8xcomplex<f64>>
  %1 = bfly.stage %0 stride 2 twiddles dense<(1.0, 0.0)> : tensor<4x2x2xcomplex<f64>> : tensor<8xcomplex<f64>>
  %2 = bfly.stage %1 stride 4 twiddles dense<(1.0, 0.0)> : tensor<4x2x2xcomplex<f64>> : tensor<8xcomplex<f64>>
  bfly.return %2 : tensor<8xcomplex<f64>>
}
