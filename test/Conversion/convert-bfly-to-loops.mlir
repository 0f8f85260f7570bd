// RUN: bfly-opt %s --split-input-file --convert-bfly-to-loops | FileCheck %s

/// A complex stage becomes one loop over the n/2 pairs, reading its
/// twiddles from a private constant global of interleaved scalars, and
/// writing straight into the caller's output (stages are alias-safe).
// CHECK: memref.global "private" constant @[[TW:__bfly_twiddles.*]] : memref<8xf32>
// CHECK-LABEL: func.func @stage_complex
// CHECK-SAME: (%[[IN:.*]]: memref<8xf32>, %[[OUT:.*]]: memref<8xf32>)
// CHECK-SAME: bfly.kernel = {flops = 56 : i64, input = complex<f32>, n = 4 : i64, name = "stage_complex", nonzero_twiddles = 4 : i64, output = complex<f32>
// CHECK-NOT: memref.alloca
// CHECK: %[[T:.*]] = memref.get_global @[[TW]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %c2
// CHECK-COUNT-4: memref.load %[[IN]]
// CHECK-COUNT-4: memref.store {{.*}}, %[[OUT]]
// CHECK: }
// CHECK-NEXT: return
bfly.transform @stage_complex(%x: tensor<4xcomplex<f32>>) -> tensor<4xcomplex<f32>> {
  %y = bfly.stage %x stride 1 twiddles dense<[[[(1.0, 0.0), (1.0, 0.0)], [(1.0, 0.0), (-1.0, 0.0)]]]>
      : tensor<1x2x2xcomplex<f32>> : tensor<4xcomplex<f32>>
  bfly.return %y : tensor<4xcomplex<f32>>
}

// -----

/// A permutation that ends the chain never writes the output while reading
/// the input (they may alias): it gathers into scratch, then copies.
// CHECK: memref.global "private" constant @[[P:__bfly_permutation.*]] : memref<4xi32> = dense<[0, 2, 1, 3]>
// CHECK-LABEL: func.func @permute_only
// CHECK-SAME: (%[[IN:.*]]: memref<4xf64>, %[[OUT:.*]]: memref<4xf64>)
// CHECK: %[[S:.*]] = memref.alloca() {alignment = 64 : i64} : memref<8xf64>
// CHECK: scf.for
// CHECK: memref.load %[[IN]]
// CHECK: memref.store {{.*}}, %[[S]]
// CHECK: scf.for
// CHECK: memref.load %[[S]]
// CHECK: memref.store {{.*}}, %[[OUT]]
bfly.transform @permute_only(%x: tensor<4xf64>) -> tensor<4xf64> {
  %y = bfly.permute %x bit_reverse : tensor<4xf64>
  bfly.return %y : tensor<4xf64>
}

// -----

/// A real input to a complex model: the buffers change width along the chain.
// CHECK-LABEL: func.func @real_in_real_out
// CHECK-SAME: (%{{.*}}: memref<4xf32>, %{{.*}}: memref<4xf32>)
// CHECK-SAME: input = f32
// CHECK-SAME: output = f32
// CHECK-COUNT-3: scf.for
// CHECK-NOT: scf.for
bfly.transform @real_in_real_out(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = bfly.complex %x : tensor<4xf32> -> tensor<4xcomplex<f32>>
  %d = bfly.diag %c by dense<[(1.0, 1.0), (2.0, 0.0), (0.0, 3.0), (1.0, 0.0)]> : tensor<4xcomplex<f32>> : tensor<4xcomplex<f32>>
  %r = bfly.real %d : tensor<4xcomplex<f32>> -> tensor<4xf32>
  bfly.return %r : tensor<4xf32>
}

// -----

/// The identity transform is a copy.
// CHECK-LABEL: func.func @identity
// CHECK: scf.for
// CHECK: memref.load %arg0
// CHECK: memref.store {{.*}}, %arg1
bfly.transform @identity(%x: tensor<2xf64>) -> tensor<2xf64> {
  bfly.return %x : tensor<2xf64>
}

