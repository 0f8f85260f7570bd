// RUN: bfly-opt %s --split-input-file --pass-pipeline="builtin.module(bfly.transform(bfly-inverse))" --verify-diagnostics
// RUN: not bfly-opt %s --split-input-file --pass-pipeline="builtin.module(bfly.transform(bfly-adjoint))" 2>&1 | FileCheck %s --check-prefix=ADJOINT
// RUN: not bfly-opt %s --split-input-file --pass-pipeline="builtin.module(bfly.transform(bfly-transpose))" 2>&1 | FileCheck %s --check-prefix=TRANSPOSE

/// A singular 2x2 block has no inverse: refused with the block, nothing
/// changed.
bfly.transform @singular_block(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'bfly.stage' op has no inverse: its 2x2 matrix 1 [1 2; 2 4] is singular}}
  %0 = bfly.stage %x stride 2 twiddles dense<[[[1.0, 0.0], [0.0, 1.0]], [[1.0, 2.0], [2.0, 4.0]]]> : tensor<2x2x2xf32> : tensor<4xf32>
  bfly.return %0 : tensor<4xf32>
}

// -----

/// Neither has a zero on the diagonal.
bfly.transform @zero_on_the_diagonal(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'bfly.diag' op has no inverse: its entry 2 is zero}}
  %0 = bfly.diag %x by dense<[1.0, 2.0, 0.0, 4.0]> : tensor<4xf32> : tensor<4xf32>
  bfly.return %0 : tensor<4xf32>
}

// -----

/// The real part of a complex chain, Re(A), is invertible as a real matrix
/// but its inverse is not Re(A^-1): no chain of the model computes it.
// expected-error @+1 {{'bfly.transform' op has no inverse in the model: it is the real part of a complex chain}}
bfly.transform @real_part(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = bfly.complex %x : tensor<4xf32> -> tensor<4xcomplex<f32>>
  %0 = bfly.stage %c stride 1 twiddles dense<(1.0, 1.0)> : tensor<1x2x2xcomplex<f32>> : tensor<4xcomplex<f32>>
  %r = bfly.real %0 : tensor<4xcomplex<f32>> -> tensor<4xf32>
  bfly.return %r : tensor<4xf32>
}

// -----

/// A map from real to complex vectors has no transpose, adjoint or inverse
/// in the model.
// expected-error @+1 {{'bfly.transform' op has no inverse in the model: it maps real vectors to complex ones}}
bfly.transform @real_to_complex(%x: tensor<4xf32>) -> tensor<4xcomplex<f32>> {
  %c = bfly.complex %x : tensor<4xf32> -> tensor<4xcomplex<f32>>
  bfly.return %c : tensor<4xcomplex<f32>>
}

// ADJOINT: 'bfly.transform' op has no adjoint in the model: it maps real vectors to complex ones
// TRANSPOSE: 'bfly.transform' op has no transpose in the model: it maps real vectors to complex ones
