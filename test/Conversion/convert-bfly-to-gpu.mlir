// RUN: bfly-opt %s --split-input-file --convert-bfly-to-gpu | FileCheck %s

/// A transform becomes a kernel of gpu.module @bfly_gpu with the ABI's
/// parameters (gpu_kernel_abi.h), the vector in static shared memory
/// (planar: 2n scalars for complex), its records, and the loop of blocks
/// over the batch: one read, each factor with a barrier, one write.
// CHECK: module attributes {gpu.container_module}
// CHECK: gpu.module @bfly_gpu
// CHECK: memref.global "private" constant @[[TW:__bfly_twiddles.*]] : memref<8xf32>
// CHECK: gpu.func @stage_complex(%[[IN:.*]]: !llvm.ptr {llvm.noalias, llvm.readonly}, %[[OUT:.*]]: !llvm.ptr {llvm.noalias}, %[[BATCH:.*]]: i64, %[[IDIST:.*]]: i64, %[[ODIST:.*]]: i64)
// CHECK-SAME: workgroup(%[[SHM:.*]] : memref<8xf32, #gpu.address_space<workgroup>>) kernel
// CHECK-SAME: bfly.gpu_launch = {block_threads = 32 : i64, shared_bytes = 32 : i64}
// CHECK-SAME: bfly.kernel = {flops = 56 : i64, input = complex<f32>, n = 4 : i64, name = "stage_complex"
// CHECK-SAME: known_block_size = array<i32: 32, 1, 1>
// CHECK: %[[T:.*]] = gpu.thread_id x
// CHECK: %[[B:.*]] = gpu.block_id x
// CHECK: %[[G:.*]] = gpu.grid_dim x
// CHECK: scf.for %{{.*}} = %[[B]] to %{{.*}} step %[[G]]
// CHECK: scf.for %{{.*}} = %[[T]] to %c4 step %c32
// CHECK-COUNT-2: llvm.load
// CHECK: gpu.barrier
// CHECK: memref.get_global @[[TW]]
// CHECK: scf.for %{{.*}} = %[[T]] to %c2 step %c32
// CHECK: gpu.barrier
// CHECK: scf.for %{{.*}} = %[[T]] to %c4{{.*}} step %c32
// CHECK-COUNT-2: llvm.store
// CHECK: gpu.barrier
// CHECK: gpu.return
// CHECK-NOT: bfly.transform
bfly.transform @stage_complex(%x: tensor<4xcomplex<f32>>) -> tensor<4xcomplex<f32>> {
  %y = bfly.stage %x stride 1 twiddles dense<[[[(1.0, 0.0), (1.0, 0.0)], [(1.0, 0.0), (-1.0, 0.0)]]]>
      : tensor<1x2x2xcomplex<f32>> : tensor<4xcomplex<f32>>
  bfly.return %y : tensor<4xcomplex<f32>>
}

// -----

/// A permutation gathers through registers across one barrier: with 32
/// threads and n = 4, each thread holds at most one value, guarded.
// CHECK: memref.global "private" constant @[[P:__bfly_permutation.*]] : memref<4xi32> = dense<[0, 2, 1, 3]>
// CHECK: gpu.func @permute_real
// CHECK-SAME: workgroup(%{{.*}} : memref<4xf64, #gpu.address_space<workgroup>>)
// CHECK: gpu.barrier
// CHECK: %[[G:.*]] = memref.get_global @[[P]]
// CHECK: %[[V:.*]] = scf.if %{{.*}} -> (f64)
// CHECK: memref.load %[[G]]
// CHECK: gpu.barrier
// CHECK: scf.if
// CHECK: memref.store %[[V]]
// CHECK: gpu.barrier
bfly.transform @permute_real(%x: tensor<4xf64>) -> tensor<4xf64> {
  %y = bfly.permute %x bit_reverse : tensor<4xf64>
  bfly.return %y : tensor<4xf64>
}

// -----

/// A real input into a complex chain: the imaginary half of shared memory
/// starts at zero; the output, real again, is written from the real half.
// CHECK: gpu.func @real_to_complex
// CHECK-SAME: workgroup(%[[SHM:.*]] : memref<16xf32, #gpu.address_space<workgroup>>)
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: memref.store %[[ZERO]], %[[SHM]]
bfly.transform @real_to_complex(%x: tensor<8xf32>) -> tensor<8xf32> {
  %c = bfly.complex %x : tensor<8xf32> -> tensor<8xcomplex<f32>>
  %r = bfly.real %c : tensor<8xcomplex<f32>> -> tensor<8xf32>
  bfly.return %r : tensor<8xf32>
}
