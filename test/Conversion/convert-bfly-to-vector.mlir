// RUN: bfly-opt %s --split-input-file --convert-bfly-to-vector="vector-bits=128" | FileCheck %s

/// Untied complex twiddles of a stride at least V (4 lanes of f32) apart:
/// both halves and the twiddles load as whole vectors, one array per 2x2
/// entry and component (8 arrays). The only pass reads the caller's
/// interleaved input, splitting real and imaginary parts with shuffles as
/// it loads, and joins them as it stores the output: one loop, no scratch,
/// no scalar loads anywhere.
// CHECK-LABEL: func.func @stage_wide_untied
// CHECK-SAME: (%[[IN:.*]]: memref<16xf32>, %[[OUT:.*]]: memref<16xf32>)
// CHECK-SAME: bfly.kernel = {flops = 112 : i64, input = complex<f32>, n = 8 : i64
// CHECK-NOT: memref.load
// CHECK-NOT: memref.alloca
// CHECK: scf.for
// CHECK: vector.load %[[IN]]{{.*}} : memref<16xf32>, vector<8xf32>
// CHECK: vector.shuffle {{.*}} [0, 2, 4, 6]
// CHECK: vector.shuffle {{.*}} [1, 3, 5, 7]
// CHECK-COUNT-8: memref.get_global
// CHECK: vector.shuffle {{.*}} [0, 4, 1, 5, 2, 6, 3, 7]
// CHECK: vector.store {{.*}}, %[[OUT]]
// CHECK-NOT: scf.for
// CHECK-NOT: memref.load
bfly.transform @stage_wide_untied(%x: tensor<8xcomplex<f32>>) -> tensor<8xcomplex<f32>> {
  %y = bfly.stage %x stride 4 twiddles dense<[[[(0.0, 0.5), (1.0, 0.5)], [(2.0, 0.5), (3.0, 0.5)]], [[(1.0, 1.5), (2.0, 1.5)], [(3.0, 1.5), (4.0, 1.5)]], [[(2.0, 2.5), (3.0, 2.5)], [(4.0, 2.5), (5.0, 2.5)]], [[(3.0, 3.5), (4.0, 3.5)], [(5.0, 3.5), (6.0, 3.5)]]]> : tensor<4x2x2xcomplex<f32>> : tensor<8xcomplex<f32>>
  bfly.return %y : tensor<8xcomplex<f32>>
}

// -----

/// Hadamard stages: every twiddle array is one constant, so no globals and
/// no loads of twiddles; the two stages closer than V share one loop over
/// 2V-element chunks and pair their elements with shuffles.
// CHECK-LABEL: func.func @hadamard_constant
// CHECK-NOT: memref.get_global
// CHECK: scf.for
// CHECK-COUNT-2: vector.load
// CHECK: vector.shuffle {{.*}} [0, 2, 4, 6]
// CHECK: vector.shuffle {{.*}} [1, 3, 5, 7]
// CHECK: arith.mulf {{.*}} fastmath<contract>
// CHECK: vector.shuffle {{.*}} [0, 4, 1, 5]
// CHECK: vector.shuffle {{.*}} [2, 6, 3, 7]
// CHECK-NOT: scf.for
// CHECK: vector.shuffle {{.*}} [0, 1, 4, 5]
// CHECK-COUNT-2: vector.store %{{.*}}, %arg1
// CHECK-NEXT: }
// CHECK-NEXT: return
bfly.transform @hadamard_constant(%x: tensor<8xf32>) -> tensor<8xf32> {
  %0 = bfly.stage %x stride 1 twiddles dense<[[[0.5, 0.5], [0.5, -0.5]]]> : tensor<1x2x2xf32> {bfly.fuse_group = 0 : i64} : tensor<8xf32>
  %1 = bfly.stage %0 stride 2 twiddles dense<[[[0.5, 0.5], [0.5, -0.5]], [[0.5, 0.5], [0.5, -0.5]]]> : tensor<2x2x2xf32> {bfly.fuse_group = 0 : i64} : tensor<8xf32>
  bfly.return %1 : tensor<8xf32>
}

// -----

/// Twiddles of 1 and -1 cost no multiplication: the butterfly x0 + x1,
/// x0 - x1 is one addition and one subtraction.
// CHECK-LABEL: func.func @ones_cost_nothing
// CHECK-NOT: arith.mulf
// CHECK-NOT: arith.negf
// CHECK: arith.addf
// CHECK: arith.subf
// CHECK-NOT: arith.mulf
// CHECK-NOT: arith.negf
// CHECK: return
bfly.transform @ones_cost_nothing(%x: tensor<8xf32>) -> tensor<8xf32> {
  %0 = bfly.stage %x stride 1 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]]]> : tensor<1x2x2xf32> : tensor<8xf32>
  bfly.return %0 : tensor<8xf32>
}

// -----

/// From 256 elements on, the subtraction goes to the otherwise idle FMA
/// pipes: y1 = 2 x0 - y0.
// CHECK-LABEL: func.func @ones_balance_the_pipes
// CHECK-NOT: arith.mulf
// CHECK: %[[Y0:.*]] = arith.addf %[[X0:.*]], %{{.*}}
// CHECK: %[[MINUS:.*]] = arith.negf %[[Y0]]
// CHECK: vector.fma %{{.*}}, %[[X0]], %[[MINUS]]
// CHECK-NOT: arith.mulf
// CHECK-NOT: arith.subf
// CHECK: return
bfly.transform @ones_balance_the_pipes(%x: tensor<256xf32>) -> tensor<256xf32> {
  %0 = bfly.stage %x stride 1 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]]]> : tensor<1x2x2xf32> : tensor<256xf32>
  bfly.return %0 : tensor<256xf32>
}

// -----

/// Tied twiddles closer than V repeat with their stride: constant vectors.
// CHECK-LABEL: func.func @tied_narrow_pattern
// CHECK-NOT: memref.get_global
// CHECK: arith.constant dense<[1.000000e+00, 2.000000e+00, 1.000000e+00, 2.000000e+00]> : vector<4xf32>
bfly.transform @tied_narrow_pattern(%x: tensor<16xf32>) -> tensor<16xf32> {
  %0 = bfly.stage %x stride 2 twiddles dense<[[[1.0, 0.0], [0.0, 1.0]], [[2.0, 0.0], [0.0, 1.0]]]> : tensor<2x2x2xf32> : tensor<16xf32>
  bfly.return %0 : tensor<16xf32>
}

// -----

/// Permutations gather whole vectors through an index table.
// CHECK: memref.global "private" constant @[[P:__bfly_permutation.*]] : memref<8xi32> = dense<[0, 2, 4, 6, 1, 3, 5, 7]>
// CHECK-LABEL: func.func @permute_gathers
// CHECK: vector.load {{.*}} : memref<8xi32>, vector<4xi32>
// CHECK: vector.gather
bfly.transform @permute_gathers(%x: tensor<8xf32>) -> tensor<8xf32> {
  %y = bfly.permute %x even_odd : tensor<8xf32>
  bfly.return %y : tensor<8xf32>
}

// -----

/// The bit reversal is a transpose of V x V blocks in registers: rows
/// loaded in bit-reversed order, two rounds of shuffles, no gathers. Alone
/// it reads across the vector, so it writes scratch and a copy follows
/// (the input and output may be one buffer).
// CHECK-LABEL: func.func @bit_reverse_transposes
// CHECK-NOT: vector.gather
// CHECK-COUNT-4: vector.load %arg0{{.*}} : memref<16xf32>, vector<4xf32>
// CHECK-COUNT-8: vector.shuffle
// CHECK-COUNT-4: vector.store
// CHECK-NOT: vector.gather
bfly.transform @bit_reverse_transposes(%x: tensor<16xf32>) -> tensor<16xf32> {
  %y = bfly.permute %x bit_reverse : tensor<16xf32>
  bfly.return %y : tensor<16xf32>
}

// -----

/// A chain with a bit reversal of 8 < V^2 elements uses rows of 2 lanes, as
/// wide as the transpose's rows, for all of its passes: wider registers
/// would leave the strides between the rows' width and theirs to a pass of
/// shuffles.
// CHECK-LABEL: func.func @bit_reversal_narrows_the_vectors
// CHECK-NOT: vector<4xf32>
// CHECK: vector.load %arg0{{.*}} : memref<8xf32>, vector<2xf32>
// CHECK-NOT: vector<4xf32>
// CHECK: return
bfly.transform @bit_reversal_narrows_the_vectors(%x: tensor<8xf32>) -> tensor<8xf32> {
  %0 = bfly.permute %x bit_reverse : tensor<8xf32>
  %1 = bfly.stage %0 stride 1 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]]]> : tensor<1x2x2xf32> : tensor<8xf32>
  %2 = bfly.stage %1 stride 2 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]], [[1.0, 2.0], [1.0, -2.0]]]> : tensor<2x2x2xf32> : tensor<8xf32>
  %3 = bfly.stage %2 stride 4 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]], [[1.0, 2.0], [1.0, -2.0]], [[1.0, 3.0], [1.0, -3.0]], [[1.0, 4.0], [1.0, -4.0]]]> : tensor<4x2x2xf32> : tensor<8xf32>
  bfly.return %3 : tensor<8xf32>
}

// -----

/// Two stages of strides at least V that bfly-fuse-stages grouped are one
/// pass over four vectors (radix 4), from the input to the output: one
/// loop, four loads, four butterflies, four stores.
// CHECK-LABEL: func.func @wide_stages_fuse
// CHECK: scf.for
// CHECK-COUNT-4: vector.load %arg0{{.*}} : memref<16xf32>, vector<4xf32>
// CHECK-NOT: scf.for
// CHECK-COUNT-4: vector.store %{{.*}}, %arg1
// CHECK-NEXT: }
// CHECK-NEXT: return
bfly.transform @wide_stages_fuse(%x: tensor<16xf32>) -> tensor<16xf32> {
  %0 = bfly.stage %x stride 4 twiddles dense<[[[1.0, 2.0], [3.0, 4.0]], [[1.0, 2.0], [3.0, 5.0]], [[1.0, 2.0], [3.0, 6.0]], [[1.0, 2.0], [3.0, 7.0]]]> : tensor<4x2x2xf32> {bfly.fuse_group = 0 : i64} : tensor<16xf32>
  %1 = bfly.stage %0 stride 8 twiddles dense<[[[1.0, 2.0], [3.0, 4.0]], [[1.0, 2.0], [3.0, 5.0]], [[1.0, 2.0], [3.0, 6.0]], [[1.0, 2.0], [3.0, 7.0]], [[1.0, 2.0], [3.0, 4.0]], [[1.0, 2.0], [3.0, 5.0]], [[1.0, 2.0], [3.0, 6.0]], [[1.0, 2.0], [3.0, 7.0]]]> : tensor<8x2x2xf32> {bfly.fuse_group = 0 : i64} : tensor<16xf32>
  bfly.return %1 : tensor<16xf32>
}

// -----

/// A radix-4 block of the DFT (tied stages of strides s and 2s): its
/// twiddles multiply the elements once, before the block, as a diagonal of
/// three complex products (12 real ones, three arrays per part), and the
/// stages inside multiply by 1 and -i, which costs nothing. Stage by stage
/// it was four complex products.
// CHECK-LABEL: func.func @dft_block_twiddles_once
// CHECK: scf.for
// CHECK-COUNT-12: arith.mulf
// CHECK-NOT: arith.mulf
// CHECK: return
bfly.transform @dft_block_twiddles_once(%x: tensor<16xcomplex<f32>>) -> tensor<16xcomplex<f32>> {
  %0 = bfly.stage %x stride 4 twiddles dense<[[[(1.0, 0.0), (1.0, 0.0)], [(1.0, 0.0), (-1.0, 0.0)]], [[(1.0, 0.0), (0.707106769, -0.707106769)], [(1.0, 0.0), (-0.707106769, 0.707106769)]], [[(1.0, 0.0), (0.0, -1.0)], [(1.0, 0.0), (0.0, 1.0)]], [[(1.0, 0.0), (-0.707106769, -0.707106769)], [(1.0, 0.0), (0.707106769, 0.707106769)]]]> : tensor<4x2x2xcomplex<f32>> {bfly.fuse_group = 0 : i64} : tensor<16xcomplex<f32>>
  %1 = bfly.stage %0 stride 8 twiddles dense<[[[(1.0, 0.0), (1.0, 0.0)], [(1.0, 0.0), (-1.0, 0.0)]], [[(1.0, 0.0), (0.923879504, -0.382683426)], [(1.0, 0.0), (-0.923879504, 0.382683426)]], [[(1.0, 0.0), (0.707106769, -0.707106769)], [(1.0, 0.0), (-0.707106769, 0.707106769)]], [[(1.0, 0.0), (0.382683426, -0.923879504)], [(1.0, 0.0), (-0.382683426, 0.923879504)]], [[(1.0, 0.0), (0.0, -1.0)], [(1.0, 0.0), (0.0, 1.0)]], [[(1.0, 0.0), (-0.382683426, -0.923879504)], [(1.0, 0.0), (0.382683426, 0.923879504)]], [[(1.0, 0.0), (-0.707106769, -0.707106769)], [(1.0, 0.0), (0.707106769, 0.707106769)]], [[(1.0, 0.0), (-0.923879504, -0.382683426)], [(1.0, 0.0), (0.923879504, 0.382683426)]]]> : tensor<8x2x2xcomplex<f32>> {bfly.fuse_group = 0 : i64} : tensor<16xcomplex<f32>>
  bfly.return %1 : tensor<16xcomplex<f32>>
}

// -----

/// The same stages without a plan are two passes.
// CHECK-LABEL: func.func @unplanned_stages_are_passes_of_their_own
// CHECK-COUNT-2: scf.for
// CHECK-NOT: scf.for
// CHECK: return
bfly.transform @unplanned_stages_are_passes_of_their_own(%x: tensor<16xf32>) -> tensor<16xf32> {
  %0 = bfly.stage %x stride 4 twiddles dense<2.0> : tensor<4x2x2xf32> : tensor<16xf32>
  %1 = bfly.stage %0 stride 8 twiddles dense<3.0> : tensor<8x2x2xf32> : tensor<16xf32>
  bfly.return %1 : tensor<16xf32>
}

// -----

/// Passes that store each group where they loaded it share one scratch
/// vector: the first pass writes it, the second rewrites it in place, the
/// last writes the output. Only a permutation needs a second one.
// CHECK-LABEL: func.func @passes_rewrite_their_scratch
// CHECK-COUNT-1: memref.alloca
// CHECK-NOT: memref.alloca
// CHECK-COUNT-3: scf.for
// CHECK: return
bfly.transform @passes_rewrite_their_scratch(%x: tensor<16xf32>) -> tensor<16xf32> {
  %0 = bfly.stage %x stride 4 twiddles dense<2.0> : tensor<4x2x2xf32> : tensor<16xf32>
  %1 = bfly.stage %0 stride 8 twiddles dense<3.0> : tensor<8x2x2xf32> : tensor<16xf32>
  %2 = bfly.stage %1 stride 4 twiddles dense<5.0> : tensor<4x2x2xf32> : tensor<16xf32>
  bfly.return %2 : tensor<16xf32>
}

// -----

/// A planned group that mixes strides below V (2) and at least V (4) is
/// cut there: two passes.
// CHECK-LABEL: func.func @group_cut_at_the_vector_width
// CHECK-COUNT-2: scf.for
// CHECK-NOT: scf.for
// CHECK: return
bfly.transform @group_cut_at_the_vector_width(%x: tensor<16xf32>) -> tensor<16xf32> {
  %0 = bfly.stage %x stride 2 twiddles dense<2.0> : tensor<8x2x2xf32> {bfly.fuse_group = 0 : i64} : tensor<16xf32>
  %1 = bfly.stage %0 stride 4 twiddles dense<3.0> : tensor<8x2x2xf32> {bfly.fuse_group = 0 : i64} : tensor<16xf32>
  bfly.return %1 : tensor<16xf32>
}

// -----

/// Tied stages of strides below the transpose's width that follow a bit
/// reversal run inside its pass, on whole rows before the transpose: the
/// rows' low index bits are the row number, so each butterfly mixes two
/// rows with constant twiddles and needs no shuffle of its own. Here the
/// stages of strides 1 and 2 of a Hadamard-16: one pass (and a copy), the
/// only shuffles the transpose's eight.
// CHECK-LABEL: func.func @stages_inside_the_bit_reversal
// CHECK: scf.for
// CHECK-COUNT-4: vector.load %arg0
// CHECK-NOT: arith.mulf
// CHECK-COUNT-4: arith.addf
// CHECK-COUNT-8: vector.shuffle
// CHECK-NOT: vector.shuffle
// CHECK-COUNT-4: vector.store
// CHECK: scf.for
// CHECK-NOT: vector.shuffle
// CHECK: return
bfly.transform @stages_inside_the_bit_reversal(%x: tensor<16xf32>) -> tensor<16xf32> {
  %p = bfly.permute %x bit_reverse : tensor<16xf32>
  %0 = bfly.stage %p stride 1 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]]]> : tensor<1x2x2xf32> : tensor<16xf32>
  %1 = bfly.stage %0 stride 2 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]], [[1.0, 1.0], [1.0, -1.0]]]> : tensor<2x2x2xf32> : tensor<16xf32>
  bfly.return %1 : tensor<16xf32>
}
