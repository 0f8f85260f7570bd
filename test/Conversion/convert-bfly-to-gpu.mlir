// RUN: bfly-opt %s --split-input-file --convert-bfly-to-gpu | FileCheck %s
// RUN: bfly-opt %S/Inputs/gpu-passes.mlir --convert-bfly-to-gpu="max-shared-bytes=32" | FileCheck %S/Inputs/gpu-passes.mlir

/// A transform becomes a kernel of gpu.module @bfly_gpu with the ABI's
/// parameters (gpu_kernel_abi.h), its records, and its vectors in dynamic
/// shared memory. One stage of stride 1 on n = 4: its pairs are adjacent,
/// which no run of threads would read coalesced, so the vector is staged:
/// a coalesced copy in, the stage in registers, a copy out, 3 phases. Two
/// threads per vector, 64 vectors per block; [1 1; 1 -1] is one addition
/// and one subtraction per pair, no product.
// CHECK: module attributes {gpu.container_module}
// CHECK: gpu.module @bfly_gpu
// CHECK: gpu.func @stage_complex(%[[IN:.*]]: !llvm.ptr {llvm.noalias, llvm.readonly}, %[[OUT:.*]]: !llvm.ptr {llvm.noalias}, %[[BATCH:.*]]: i64, %{{.*}}: i64, %{{.*}}: i64) kernel
// CHECK-SAME: bfly.gpu_launch = {bank_transactions = [[T:[0-9]+]] : i64, block_threads = 128 : i64, ideal_transactions = [[T]] : i64, in_place = 1 : i64, launch = 0 : i64, phases = 3 : i64, reads_output = 0 : i64, shared_bytes = 3072 : i64, shared_layout = "{{.*}}", tiles = 1 : i64, vectors_per_block = 64 : i64}
// CHECK-SAME: bfly.kernel = {flops = 56 : i64, input = complex<f32>, n = 4 : i64, name = "stage_complex"
// CHECK-SAME: known_block_size = array<i32: 128, 1, 1>
// CHECK: %[[DYN:.*]] = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// CHECK: %[[SHM:.*]] = memref.view %[[DYN]]{{.*}} to memref<768xf32, #gpu.address_space<workgroup>>
// CHECK: gpu.thread_id x
// CHECK: gpu.block_id x
// CHECK: %[[ACTIVE:.*]] = arith.cmpi slt, %{{.*}}, %[[BATCH]] : i64
// CHECK: scf.if %[[ACTIVE]]
// CHECK-COUNT-2: llvm.load %{{.*}} {alignment = 8 : i64} : !llvm.ptr -> vector<2xf32>
// CHECK-COUNT-4: memref.store %{{.*}}, %[[SHM]]
// CHECK: gpu.barrier
// CHECK-COUNT-4: memref.load %[[SHM]]
// CHECK-NOT: arith.mulf
// CHECK: arith.addf
// CHECK: arith.addf
// CHECK: arith.subf
// CHECK: arith.subf
// CHECK-COUNT-4: memref.store %{{.*}}, %[[SHM]]
// CHECK: gpu.barrier
// CHECK-COUNT-4: memref.load %[[SHM]]
// CHECK-COUNT-2: llvm.store %{{.*}}, %{{.*}} {alignment = 8 : i64} : vector<2xf32>, !llvm.ptr
// CHECK-NOT: gpu.barrier
// CHECK: gpu.return
// CHECK-NOT: bfly.transform
bfly.transform @stage_complex(%x: tensor<4xcomplex<f32>>) -> tensor<4xcomplex<f32>> {
  %y = bfly.stage %x stride 1 twiddles dense<[[[(1.0, 0.0), (1.0, 0.0)], [(1.0, 0.0), (-1.0, 0.0)]]]>
      : tensor<1x2x2xcomplex<f32>> : tensor<4xcomplex<f32>>
  bfly.return %y : tensor<4xcomplex<f32>>
}

// -----

/// A leading bit reversal costs no pass: the coalesced first read writes
/// each element where the permutation sends it (brev, no table); the last
/// stage, of stride 4 (n = 8: runs of 4 neighbours in different threads),
/// writes global memory straight from registers. Two phases, one barrier.
// CHECK: gpu.func @bit_reversal_first
// CHECK-SAME: phases = 2 : i64
// CHECK-NOT: __bfly_permutation
// CHECK: llvm.load
// CHECK: llvm.intr.bitreverse
// CHECK: memref.store
// CHECK: gpu.barrier
// CHECK: memref.load
// CHECK: arith.addf
// CHECK: llvm.store
// CHECK-NOT: gpu.barrier
// CHECK: gpu.return
bfly.transform @bit_reversal_first(%x: tensor<8xf64>) -> tensor<8xf64> {
  %p = bfly.permute %x bit_reverse : tensor<8xf64>
  %y = bfly.stage %p stride 4 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]], [[1.0, 1.0], [1.0, -1.0]], [[1.0, 1.0], [1.0, -1.0]], [[1.0, 1.0], [1.0, -1.0]]]>
      : tensor<4x2x2xf64> : tensor<8xf64>
  bfly.return %y : tensor<8xf64>
}

// -----

/// A permutation between two stages moves the second phase's reads: every
/// thread reads through the table, a barrier, then it computes and writes.
// CHECK: memref.global "private" constant @[[P:__bfly_permutation.*]] : memref<8xi32> = dense<[1, 0, 3, 2, 5, 4, 7, 6]>
// CHECK: gpu.func @permutation_between_stages
// CHECK-SAME: phases = 4 : i64
// CHECK: gpu.barrier
// CHECK: gpu.barrier
// CHECK: memref.get_global @[[P]]
// CHECK: memref.load
// CHECK: gpu.barrier
// CHECK: arith.addf
// CHECK: gpu.barrier
bfly.transform @permutation_between_stages(%x: tensor<8xf32>) -> tensor<8xf32> {
  %a = bfly.stage %x stride 1 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]]]>
      : tensor<1x2x2xf32> : tensor<8xf32>
  %p = bfly.permute %a explicit indices [1, 0, 3, 2, 5, 4, 7, 6] : tensor<8xf32>
  %b = bfly.stage %p stride 1 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]]]>
      : tensor<1x2x2xf32> : tensor<8xf32>
  bfly.return %b : tensor<8xf32>
}

// -----

/// Entries that differ between pairs come from a table of only those
/// entries (here the second column, w and -w: one slot, so the product w x1
/// serves both rows); the first column, 1 everywhere, is no product at all.
// CHECK: memref.global "private" constant @[[TW:__bfly_twiddles.*]] : memref<4xf32> = dense<[2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00]>
// CHECK: gpu.func @untied_table
// CHECK: memref.get_global @[[TW]]
// CHECK: %[[W:.*]] = memref.load
// CHECK: %[[WX:.*]] = arith.mulf %[[W]], %{{.*}}
// CHECK-NOT: arith.mulf
// CHECK: arith.addf %{{.*}}, %[[WX]]
// CHECK: arith.subf %{{.*}}, %[[WX]]
bfly.transform @untied_table(%x: tensor<8xf32>) -> tensor<8xf32> {
  %y = bfly.stage %x stride 4 twiddles dense<[[[1.0, 2.0], [1.0, -2.0]], [[1.0, 3.0], [1.0, -3.0]], [[1.0, 4.0], [1.0, -4.0]], [[1.0, 5.0], [1.0, -5.0]]]>
      : tensor<4x2x2xf32> : tensor<8xf32>
  bfly.return %y : tensor<8xf32>
}

// -----

/// A real input into a complex chain: each element is read as one real
/// number, its imaginary part starts at zero; the output is complex.
// CHECK: gpu.func @real_to_complex
// CHECK: llvm.load %{{.*}} : !llvm.ptr -> f32
// CHECK: arith.constant 0.000000e+00 : f32
// CHECK: llvm.store %{{.*}} : vector<2xf32>, !llvm.ptr
bfly.transform @real_to_complex(%x: tensor<8xf32>) -> tensor<8xcomplex<f32>> {
  %c = bfly.complex %x : tensor<8xf32> -> tensor<8xcomplex<f32>>
  %y = bfly.stage %c stride 4 twiddles dense<[[[(1.0, 0.0), (0.0, 1.0)], [(1.0, 0.0), (0.0, -1.0)]], [[(1.0, 0.0), (0.0, 1.0)], [(1.0, 0.0), (0.0, -1.0)]], [[(1.0, 0.0), (0.0, 1.0)], [(1.0, 0.0), (0.0, -1.0)]], [[(1.0, 0.0), (0.0, 1.0)], [(1.0, 0.0), (0.0, -1.0)]]]>
      : tensor<4x2x2xcomplex<f32>> : tensor<8xcomplex<f32>>
  bfly.return %y : tensor<8xcomplex<f32>>
}
