// The kernel around a chain with edges (KernelEdges.cpp), under both CPU
// lowerings.
// RUN: bfly-opt %s --split-input-file --convert-bfly-to-loops | FileCheck %s
// RUN: bfly-opt %s --split-input-file --convert-bfly-to-vector="vector-bits=128" | FileCheck %s --check-prefix=VECTOR

/// A rectangular map: the chain between bfly.pad and bfly.truncate is lowered
/// as a private function of its own; the kernel around it zero-pads the
/// caller's 3 inputs into scratch, calls it, and copies 2 of its outputs.
// CHECK-LABEL: func.func private @rectangular.core
// CHECK-SAME: (%{{.*}}: memref<4xf32>, %{{.*}}: memref<4xf32>)
// CHECK-NOT: bfly.kernel
// CHECK-LABEL: func.func @rectangular
// CHECK-SAME: (%[[IN:.*]]: memref<3xf32>, %[[OUT:.*]]: memref<2xf32>)
// CHECK-SAME: bfly.kernel = {flops = 12 : i64, input = f32, n = 3 : i64, name = "rectangular", nonzero_twiddles = 4 : i64, output = f32, output_n = 2 : i64
// CHECK: %[[PADDED:.*]] = memref.alloca() {alignment = 64 : i64} : memref<4xf32>
// CHECK: scf.for
// CHECK: memref.load %[[IN]]
// CHECK: memref.store {{.*}}, %[[PADDED]]
// CHECK: scf.for
// CHECK: memref.store %{{.*}}, %[[PADDED]]
// CHECK: %[[RESULT:.*]] = memref.alloca() {alignment = 64 : i64} : memref<4xf32>
// CHECK: call @rectangular.core(%[[PADDED]], %[[RESULT]])
// CHECK: scf.for %{{.*}} = %{{.*}} to %c2
// CHECK: memref.load %[[RESULT]]
// CHECK: memref.store {{.*}}, %[[OUT]]
// VECTOR-LABEL: func.func private @rectangular.core
// VECTOR-LABEL: func.func @rectangular
// VECTOR-SAME: n = 3 : i64
// VECTOR-SAME: output_n = 2 : i64
// VECTOR: call @rectangular.core
bfly.transform @rectangular(%x: tensor<3xf32>) -> tensor<2xf32> {
  %y = bfly.pad %x : tensor<3xf32> -> tensor<4xf32>
  %z = bfly.stage %y stride 1 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]]]>
      : tensor<1x2x2xf32> : tensor<4xf32>
  %w = bfly.truncate %z : tensor<4xf32> -> tensor<2xf32>
  bfly.return %w : tensor<2xf32>
}

// -----

/// A real-input DFT: bfly.pack hands the caller's 8 reals to the core as 4
/// complex numbers (the same memref); bfly.real_spectrum copies Z[0] to
/// Z[4] (Z is periodic), then loops over the pairs (k, 4 - k), k = 0, 1,
/// with planar tables of -i w^k / 2, and does the middle k = 2 alone.
// CHECK-DAG: memref.global "private" constant @[[IM:__bfly_spectrum_im.*]] : memref<3xf32> = dense<[-5.000000e-01, -0.353553385, -3.06161713E-17]>
// CHECK-DAG: memref.global "private" constant @[[RE:__bfly_spectrum_re.*]] : memref<3xf32> = dense<[0.000000e+00, -0.353553385, -5.000000e-01]>
// CHECK-LABEL: func.func private @r2c.core
// CHECK-SAME: (%{{.*}}: memref<8xf32>, %{{.*}}: memref<8xf32>)
// CHECK-LABEL: func.func @r2c
// CHECK-SAME: (%[[IN:.*]]: memref<8xf32>, %[[OUT:.*]]: memref<10xf32>)
// CHECK-SAME: flops = 40 : i64, input = f32, n = 8 : i64, name = "r2c", nonzero_twiddles = 0 : i64, output = complex<f32>, output_n = 5 : i64
// CHECK: %[[Z:.*]] = memref.alloca() {alignment = 64 : i64} : memref<10xf32>
// CHECK: %[[RESULT:.*]] = memref.reinterpret_cast %[[Z]] to offset: [0], sizes: [8], strides: [1]
// CHECK: call @r2c.core(%[[IN]], %[[RESULT]])
// CHECK: %[[RE0:.*]] = memref.load %[[Z]]
// CHECK: %[[IM0:.*]] = memref.load %[[Z]]
// CHECK: memref.store %[[RE0]], %[[Z]]
// CHECK: memref.store %[[IM0]], %[[Z]]
// CHECK: memref.get_global @[[RE]]
// CHECK: memref.get_global @[[IM]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %c2
// CHECK-COUNT-4: memref.store {{.*}}, %[[OUT]]
// CHECK: }
// CHECK-COUNT-2: memref.store {{.*}}, %[[OUT]]
// CHECK-NOT: memref.store
// CHECK: return
bfly.transform @r2c(%x: tensor<8xf32>) -> tensor<5xcomplex<f32>> {
  %z = bfly.pack %x : tensor<8xf32> -> tensor<4xcomplex<f32>>
  %y = bfly.permute %z bit_reverse : tensor<4xcomplex<f32>>
  %w = bfly.real_spectrum %y : tensor<4xcomplex<f32>> -> tensor<5xcomplex<f32>>
  bfly.return %w : tensor<5xcomplex<f32>>
}

// -----

/// Its inverse: bfly.pack_spectrum fills scratch the core reads (the same
/// pair loop, then Z[0] from the real parts of X[0] and X[4]), and the
/// core writes the caller's reals through bfly.unpack.
// CHECK-LABEL: func.func @c2r
// CHECK-SAME: (%[[IN:.*]]: memref<10xf32>, %[[OUT:.*]]: memref<8xf32>)
// CHECK-SAME: flops = 32 : i64, input = complex<f32>, n = 5 : i64, name = "c2r", nonzero_twiddles = 0 : i64, output = f32, output_n = 8 : i64
// CHECK: %[[Z:.*]] = memref.alloca() {alignment = 64 : i64} : memref<10xf32>
// CHECK: scf.for
// CHECK: memref.store {{.*}}, %[[Z]]
// CHECK: %[[PACKED:.*]] = memref.reinterpret_cast %[[Z]] to offset: [0], sizes: [8], strides: [1]
// CHECK: call @c2r.core(%[[PACKED]], %[[OUT]])
bfly.transform @c2r(%x: tensor<5xcomplex<f32>>) -> tensor<8xf32> {
  %z = bfly.pack_spectrum %x : tensor<5xcomplex<f32>> -> tensor<4xcomplex<f32>>
  %y = bfly.permute %z bit_reverse : tensor<4xcomplex<f32>>
  %w = bfly.unpack %y : tensor<4xcomplex<f32>> -> tensor<8xf32>
  bfly.return %w : tensor<8xf32>
}

// -----

/// The vector lowering writes the pair loop in vectors of the target's
/// width: at 128 bits, 4 pairs of a 16-point chain an iteration, the
/// mirrored ones reversed by shuffles.
// VECTOR-LABEL: func.func @r2c_vector
// VECTOR: vector.load {{.*}} : memref<34xf32>, vector<8xf32>
// VECTOR: vector.shuffle {{.*}} [0, 2, 4, 6]
// VECTOR: vector.shuffle {{.*}} [6, 4, 2, 0]
// VECTOR: vector.shuffle {{.*}} [0, 4, 1, 5, 2, 6, 3, 7]
// VECTOR: vector.shuffle {{.*}} [3, 7, 2, 6, 1, 5, 0, 4]
bfly.transform @r2c_vector(%x: tensor<32xf32>) -> tensor<17xcomplex<f32>> {
  %z = bfly.pack %x : tensor<32xf32> -> tensor<16xcomplex<f32>>
  %y = bfly.permute %z bit_reverse : tensor<16xcomplex<f32>>
  %w = bfly.real_spectrum %y : tensor<16xcomplex<f32>> -> tensor<17xcomplex<f32>>
  bfly.return %w : tensor<17xcomplex<f32>>
}
