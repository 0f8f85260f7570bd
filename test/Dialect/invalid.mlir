// RUN: bfly-opt %s --split-input-file --verify-diagnostics

/// Every verifier message of the bfly ops.

func.func @negative_length_not_power_of_two(%x: tensor<6xf32>) -> tensor<6xf32> {
  // expected-error @+1 {{'bfly.stage' op length must be a power of two of at least 2, got 6}}
  %y = bfly.stage %x stride 1 twiddles dense<1.0> : tensor<3x2x2xf32> : tensor<6xf32>
  return %y : tensor<6xf32>
}

// -----

func.func @negative_stride_not_power_of_two(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'bfly.stage' op stride must be a power of two below 8, got 3}}
  %y = bfly.stage %x stride 3 twiddles dense<1.0> : tensor<4x2x2xf32> : tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

func.func @negative_stride_too_large(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'bfly.stage' op stride must be a power of two below 8, got 8}}
  %y = bfly.stage %x stride 8 twiddles dense<1.0> : tensor<4x2x2xf32> : tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

func.func @negative_twiddle_shape(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'bfly.stage' op twiddles must have shape [4, 2, 2] (untied) or [2, 2, 2] (tied), got [3, 2, 2]}}
  %y = bfly.stage %x stride 2 twiddles dense<1.0> : tensor<3x2x2xf32> : tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

func.func @negative_twiddle_not_2x2(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'bfly.stage' op twiddles must have shape [2, 2, 2] (untied) or [1, 2, 2] (tied), got [2, 4]}}
  %y = bfly.stage %x stride 1 twiddles dense<1.0> : tensor<2x4xf32> : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @negative_twiddle_type(%x: tensor<4xcomplex<f32>>) -> tensor<4xcomplex<f32>> {
  // expected-error @+1 {{'bfly.stage' op twiddles element type must be 'complex<f32>' to match the operand, got 'f32'}}
  %y = bfly.stage %x stride 1 twiddles dense<1.0> : tensor<1x2x2xf32> : tensor<4xcomplex<f32>>
  return %y : tensor<4xcomplex<f32>>
}

// -----

func.func @negative_twiddle_nan(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'bfly.stage' op twiddles must be finite, entry 2 is (nan, 0)}}
  %y = bfly.stage %x stride 1 twiddles dense<[[[1.0, 1.0], [0x7FC00000, -1.0]]]> : tensor<1x2x2xf32> : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @negative_twiddle_complex_inf(%x: tensor<2xcomplex<f64>>) -> tensor<2xcomplex<f64>> {
  // expected-error @+1 {{'bfly.stage' op twiddles must be finite, entry 1 is (1, inf)}}
  %y = bfly.stage %x stride 1 twiddles dense<[[[(1.0, 0.0), (1.0, 0x7FF0000000000000)], [(1.0, 0.0), (-1.0, 0.0)]]]> : tensor<1x2x2xcomplex<f64>> : tensor<2xcomplex<f64>>
  return %y : tensor<2xcomplex<f64>>
}

// -----

func.func @negative_element_type(%x: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'bfly.stage' op operand #0 must be ranked tensor of 32-bit float or 64-bit float or complex type with 32-bit float elements or complex type with 64-bit float elements values, but got 'tensor<4xi32>'}}
  %y = bfly.stage %x stride 1 twiddles dense<1> : tensor<1x2x2xi32> : tensor<4xi32>
  return %y : tensor<4xi32>
}

// -----

func.func @negative_rank(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{'bfly.diag' op operand must be a 1-D tensor, got rank 2}}
  %y = bfly.diag %x by dense<1.0> : tensor<2x2xf32> : tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

func.func @negative_explicit_without_indices(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'bfly.permute' op explicit permutation needs 'indices'}}
  %y = bfly.permute %x explicit : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @negative_explicit_with_block(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'bfly.permute' op explicit permutation takes no 'block'}}
  %y = bfly.permute %x explicit block 2 indices [0, 1, 2, 3] : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @negative_indices_count(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'bfly.permute' op indices must have 4 entries, got 3}}
  %y = bfly.permute %x explicit indices [0, 1, 2] : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @negative_indices_not_bijection(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'bfly.permute' op indices must be a permutation of 0..3, got [0, 1, 1, 4]}}
  %y = bfly.permute %x explicit indices [0, 1, 1, 4] : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @negative_named_with_indices(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'bfly.permute' op named permutation 'bit_reverse' takes no 'indices'}}
  %y = bfly.permute %x bit_reverse indices [0, 1, 2, 3] : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @negative_block(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'bfly.permute' op block must be a power of two from 2 to 8, got 16}}
  %y = bfly.permute %x even_odd block 16 : tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

func.func @negative_diag_shape(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'bfly.diag' op diagonal must have shape [4], got [2]}}
  %y = bfly.diag %x by dense<1.0> : tensor<2xf32> : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @negative_diag_nan(%x: tensor<2xf64>) -> tensor<2xf64> {
  // expected-error @+1 {{'bfly.diag' op diagonal must be finite, entry 0 is (nan, 0)}}
  %y = bfly.diag %x by dense<[0x7FF8000000000000, 1.0]> : tensor<2xf64> : tensor<2xf64>
  return %y : tensor<2xf64>
}

// -----

func.func @negative_complex_length(%x: tensor<4xf32>) -> tensor<8xcomplex<f32>> {
  // expected-error @+1 {{'bfly.complex' op input and result must have the same length, got 'tensor<4xf32>' and 'tensor<8xcomplex<f32>>'}}
  %y = bfly.complex %x : tensor<4xf32> -> tensor<8xcomplex<f32>>
  return %y : tensor<8xcomplex<f32>>
}

// -----

func.func @negative_real_precision(%x: tensor<4xcomplex<f64>>) -> tensor<4xf32> {
  // expected-error @+1 {{'bfly.real' op precision must not change, got 'tensor<4xcomplex<f64>>' and 'tensor<4xf32>'}}
  %y = bfly.real %x : tensor<4xcomplex<f64>> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

/// At stride n/2 tied and untied twiddles have the same shape: one is named.
func.func @negative_twiddle_shape_last_stage(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'bfly.stage' op twiddles must have shape [2, 2, 2], got [1, 2, 2]}}
  %y = bfly.stage %x stride 2 twiddles dense<1.0> : tensor<1x2x2xf32> : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @negative_fuse_group_on_a_permute(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'bfly.permute' op bfly.fuse_group is only for bfly.stage}}
  %y = bfly.permute %x bit_reverse {bfly.fuse_group = 0 : i64} : tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

func.func @negative_fuse_group_not_i64(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'bfly.stage' op bfly.fuse_group must be an i64}}
  %y = bfly.stage %x stride 1 twiddles dense<1.0> : tensor<4x2x2xf32> {bfly.fuse_group = "a"} : tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

// expected-error @+1 {{'func.func' op bfly.prune_bound must be a non-negative f64}}
func.func @negative_prune_bound(%x: tensor<8xf32>) -> tensor<8xf32> attributes {bfly.prune_bound = -1.0 : f64} {
  return %x : tensor<8xf32>
}
