// RUN: bfly-opt %s --split-input-file --verify-diagnostics

/// Every verifier message of the bfly ops.

// expected-error @+1 {{'bfly.transform' op length must be a power of two from 2 to 1048576 (BFLY_MAX_N), got 6}}
bfly.transform @negative_length_not_power_of_two(%x: tensor<6xf32>) -> tensor<6xf32> {
  %y = bfly.stage %x stride 1 twiddles dense<1.0> : tensor<3x2x2xf32> : tensor<6xf32>
  bfly.return %y : tensor<6xf32>
}

// -----

/// Sizes the code generator and the runtime cannot honour are refused up
/// front, the limit named: no overflow later, and a splat constant is
/// checked once, not once per entry (this one stands for 2^62 of them).
// expected-error @+1 {{'bfly.transform' op length must be a power of two from 2 to 1048576 (BFLY_MAX_N), got 4611686018427387904}}
bfly.transform @negative_length_too_large(%x: tensor<4611686018427387904xf32>) -> tensor<4611686018427387904xf32> {
  %y = bfly.diag %x by dense<2.0> : tensor<4611686018427387904xf32> : tensor<4611686018427387904xf32>
  bfly.return %y : tensor<4611686018427387904xf32>
}

// -----

// expected-error @+1 {{'bfly.transform' op length must be a power of two from 2 to 1048576 (BFLY_MAX_N), got 2097152}}
bfly.transform @negative_length_above_the_limit(%x: tensor<2097152xf32>) -> tensor<2097152xf32> {
  bfly.return %x : tensor<2097152xf32>
}

// -----

bfly.transform @negative_stride_not_power_of_two(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'bfly.stage' op stride must be a power of two below 8, got 3}}
  %y = bfly.stage %x stride 3 twiddles dense<1.0> : tensor<4x2x2xf32> : tensor<8xf32>
  bfly.return %y : tensor<8xf32>
}

// -----

bfly.transform @negative_stride_too_large(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'bfly.stage' op stride must be a power of two below 8, got 8}}
  %y = bfly.stage %x stride 8 twiddles dense<1.0> : tensor<4x2x2xf32> : tensor<8xf32>
  bfly.return %y : tensor<8xf32>
}

// -----

bfly.transform @negative_twiddle_shape(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'bfly.stage' op twiddles must have shape [4, 2, 2] (untied) or [2, 2, 2] (tied), got [3, 2, 2]}}
  %y = bfly.stage %x stride 2 twiddles dense<1.0> : tensor<3x2x2xf32> : tensor<8xf32>
  bfly.return %y : tensor<8xf32>
}

// -----

bfly.transform @negative_twiddle_not_2x2(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'bfly.stage' op twiddles must have shape [2, 2, 2] (untied) or [1, 2, 2] (tied), got [2, 4]}}
  %y = bfly.stage %x stride 1 twiddles dense<1.0> : tensor<2x4xf32> : tensor<4xf32>
  bfly.return %y : tensor<4xf32>
}

// -----

bfly.transform @negative_twiddle_type(%x: tensor<4xcomplex<f32>>) -> tensor<4xcomplex<f32>> {
  // expected-error @+1 {{'bfly.stage' op twiddles element type must be 'complex<f32>' to match the operand, got 'f32'}}
  %y = bfly.stage %x stride 1 twiddles dense<1.0> : tensor<1x2x2xf32> : tensor<4xcomplex<f32>>
  bfly.return %y : tensor<4xcomplex<f32>>
}

// -----

bfly.transform @negative_twiddle_nan(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'bfly.stage' op twiddles must be finite, entry 2 is (nan, 0)}}
  %y = bfly.stage %x stride 1 twiddles dense<[[[1.0, 1.0], [0x7FC00000, -1.0]]]> : tensor<1x2x2xf32> : tensor<4xf32>
  bfly.return %y : tensor<4xf32>
}

// -----

bfly.transform @negative_twiddle_complex_inf(%x: tensor<2xcomplex<f64>>) -> tensor<2xcomplex<f64>> {
  // expected-error @+1 {{'bfly.stage' op twiddles must be finite, entry 1 is (1, inf)}}
  %y = bfly.stage %x stride 1 twiddles dense<[[[(1.0, 0.0), (1.0, 0x7FF0000000000000)], [(1.0, 0.0), (-1.0, 0.0)]]]> : tensor<1x2x2xcomplex<f64>> : tensor<2xcomplex<f64>>
  bfly.return %y : tensor<2xcomplex<f64>>
}

// -----

/// The transform states what a chain carries, so a vector the ops cannot
/// take is refused at the transform.
// expected-error @+1 {{'bfly.transform' op must map one vector to one vector (a 1-D static tensor of f32, f64 or complex), got '(tensor<4xi32>) -> tensor<4xi32>'}}
bfly.transform @negative_element_type(%x: tensor<4xi32>) -> tensor<4xi32> {
  bfly.return %x : tensor<4xi32>
}

// -----

// expected-error @+1 {{'bfly.transform' op must map one vector to one vector (a 1-D static tensor of f32, f64 or complex), got '(tensor<2x2xf32>) -> tensor<2x2xf32>'}}
bfly.transform @negative_rank(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  bfly.return %x : tensor<2x2xf32>
}

// -----

bfly.transform @negative_explicit_without_indices(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'bfly.permute' op explicit permutation needs 'indices'}}
  %y = bfly.permute %x explicit : tensor<4xf32>
  bfly.return %y : tensor<4xf32>
}

// -----

bfly.transform @negative_explicit_with_block(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'bfly.permute' op explicit permutation takes no 'block'}}
  %y = bfly.permute %x explicit block 2 indices [0, 1, 2, 3] : tensor<4xf32>
  bfly.return %y : tensor<4xf32>
}

// -----

bfly.transform @negative_indices_count(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'bfly.permute' op indices must have 4 entries, got 3}}
  %y = bfly.permute %x explicit indices [0, 1, 2] : tensor<4xf32>
  bfly.return %y : tensor<4xf32>
}

// -----

bfly.transform @negative_indices_not_bijection(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'bfly.permute' op indices must be a permutation of 0..3, got [0, 1, 1, 4]}}
  %y = bfly.permute %x explicit indices [0, 1, 1, 4] : tensor<4xf32>
  bfly.return %y : tensor<4xf32>
}

// -----

bfly.transform @negative_named_with_indices(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'bfly.permute' op named permutation 'bit_reverse' takes no 'indices'}}
  %y = bfly.permute %x bit_reverse indices [0, 1, 2, 3] : tensor<4xf32>
  bfly.return %y : tensor<4xf32>
}

// -----

bfly.transform @negative_block(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'bfly.permute' op block must be a power of two from 2 to 8, got 16}}
  %y = bfly.permute %x even_odd block 16 : tensor<8xf32>
  bfly.return %y : tensor<8xf32>
}

// -----

bfly.transform @negative_diag_shape(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'bfly.diag' op diagonal must have shape [4], got [2]}}
  %y = bfly.diag %x by dense<1.0> : tensor<2xf32> : tensor<4xf32>
  bfly.return %y : tensor<4xf32>
}

// -----

bfly.transform @negative_diag_nan(%x: tensor<2xf64>) -> tensor<2xf64> {
  // expected-error @+1 {{'bfly.diag' op diagonal must be finite, entry 0 is (nan, 0)}}
  %y = bfly.diag %x by dense<[0x7FF8000000000000, 1.0]> : tensor<2xf64> : tensor<2xf64>
  bfly.return %y : tensor<2xf64>
}

// -----

bfly.transform @negative_complex_length(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'bfly.complex' op input and result must have the same length, got 'tensor<4xf32>' and 'tensor<8xcomplex<f32>>'}}
  %y = bfly.complex %x : tensor<4xf32> -> tensor<8xcomplex<f32>>
  %z = bfly.real %y : tensor<8xcomplex<f32>> -> tensor<8xf32>
  bfly.return %z : tensor<8xf32>
}

// -----

bfly.transform @negative_real_precision(%x: tensor<4xcomplex<f64>>) -> tensor<4xf32> {
  // expected-error @+1 {{'bfly.real' op precision must not change, got 'tensor<4xcomplex<f64>>' and 'tensor<4xf32>'}}
  %y = bfly.real %x : tensor<4xcomplex<f64>> -> tensor<4xf32>
  bfly.return %y : tensor<4xf32>
}

// -----

/// At stride n/2 tied and untied twiddles have the same shape: one is named.
bfly.transform @negative_twiddle_shape_last_stage(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'bfly.stage' op twiddles must have shape [2, 2, 2], got [1, 2, 2]}}
  %y = bfly.stage %x stride 2 twiddles dense<1.0> : tensor<1x2x2xf32> : tensor<4xf32>
  bfly.return %y : tensor<4xf32>
}

// -----

bfly.transform @negative_fuse_group_on_a_permute(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'bfly.permute' op bfly.fuse_group is only for bfly.stage}}
  %y = bfly.permute %x bit_reverse {bfly.fuse_group = 0 : i64} : tensor<8xf32>
  bfly.return %y : tensor<8xf32>
}

// -----

bfly.transform @negative_fuse_group_not_i64(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'bfly.stage' op bfly.fuse_group must be an i64}}
  %y = bfly.stage %x stride 1 twiddles dense<1.0> : tensor<4x2x2xf32> {bfly.fuse_group = "a"} : tensor<8xf32>
  bfly.return %y : tensor<8xf32>
}

// -----

// expected-error @+1 {{'bfly.transform' op prune_bound must be a non-negative f64, got -1}}
bfly.transform @negative_prune_bound(%x: tensor<8xf32>) -> tensor<8xf32> attributes {prune_bound = -1.0 : f64} {
  bfly.return %x : tensor<8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// The chain rule (bfly.transform)
//===----------------------------------------------------------------------===//

/// A body is one chain: each factor takes the previous one's result.
bfly.transform @negative_not_a_chain(%x: tensor<2xf64>) -> tensor<2xf64> {
  %y = bfly.diag %x by dense<[1.0, 2.0]> : tensor<2xf64> : tensor<2xf64>
  // expected-error @+1 {{'bfly.diag' op must take the previous factor's result: a transform is one chain from its argument}}
  %z = bfly.diag %x by dense<[1.0, 2.0]> : tensor<2xf64> : tensor<2xf64>
  bfly.return %z : tensor<2xf64>
}

// -----

/// The end of the chain is what a transform returns.
bfly.transform @negative_returns_the_argument(%x: tensor<2xf64>) -> tensor<2xf64> {
  %y = bfly.diag %x by dense<[1.0, 2.0]> : tensor<2xf64> : tensor<2xf64>
  // expected-error @+1 {{'bfly.return' op must return the chain's last value}}
  bfly.return %x : tensor<2xf64>
}

// -----

bfly.transform @negative_returns_another_type(%x: tensor<2xcomplex<f32>>) -> tensor<2xf32> {
  // expected-error @+1 {{'bfly.return' op returns 'tensor<2xcomplex<f32>>', but the transform's result type is 'tensor<2xf32>'}}
  bfly.return %x : tensor<2xcomplex<f32>>
}

// -----

/// Nothing but bfly factors in a chain.
bfly.transform @negative_foreign_op(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'arith.constant' op cannot be part of a bfly.transform, whose body is a chain of bfly factors}}
  %e = arith.constant 0.0 : f32
  bfly.return %x : tensor<2xf32>
}

// -----

/// A real input is embedded once, at the start; a real output taken once,
/// at the end.
bfly.transform @negative_complex_in_the_middle(%x: tensor<2xf32>) -> tensor<2xcomplex<f32>> {
  %r = bfly.diag %x by dense<[1.0, 2.0]> : tensor<2xf32> : tensor<2xf32>
  // expected-error @+1 {{'bfly.complex' op may only start a transform's chain}}
  %c = bfly.complex %r : tensor<2xf32> -> tensor<2xcomplex<f32>>
  bfly.return %c : tensor<2xcomplex<f32>>
}

// -----

bfly.transform @negative_real_in_the_middle(%x: tensor<2xcomplex<f32>>) -> tensor<2xf32> {
  // expected-error @+1 {{'bfly.real' op may only end a transform's chain}}
  %r = bfly.real %x : tensor<2xcomplex<f32>> -> tensor<2xf32>
  %d = bfly.diag %r by dense<[1.0, 2.0]> : tensor<2xf32> : tensor<2xf32>
  bfly.return %d : tensor<2xf32>
}

// -----

/// The factors live only in a transform.
func.func @negative_factor_outside_a_transform(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'bfly.diag' op expects parent op 'bfly.transform'}}
  %y = bfly.diag %x by dense<[1.0, 2.0]> : tensor<2xf32> : tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

// expected-error @+1 {{'bfly.transform' op must have a body: a transform is its chain}}
bfly.transform private @negative_declaration(tensor<2xf32>) -> tensor<2xf32>

// -----

// expected-error @+1 {{'bfly.transform' op input and output must have the same length without a bfly.pad, bfly.truncate or other edge, got '(tensor<4xf32>) -> tensor<8xf32>'}}
bfly.transform @negative_length_change(%x: tensor<4xf32>) -> tensor<8xf32> {
  bfly.return %x : tensor<4xf32>
}

// -----

// expected-error @+1 {{'bfly.transform' op provenance values must be strings, 'rmse' is 1.000000e-03 : f64}}
bfly.transform @negative_provenance(%x: tensor<2xf32>) -> tensor<2xf32> attributes {provenance = {rmse = 1.0e-3 : f64}} {
  bfly.return %x : tensor<2xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Edges: bfly.pad, bfly.truncate, bfly.pack, bfly.unpack, bfly.real_spectrum,
// bfly.pack_spectrum
//===----------------------------------------------------------------------===//

bfly.transform @negative_pad_longer(%x: tensor<8xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'bfly.pad' op the caller's length must be from 1 to 3, got 8}}
  %y = bfly.pad %x : tensor<8xf32> -> tensor<4xf32>
  bfly.return %y : tensor<4xf32>
}

// -----

bfly.transform @negative_pad_type(%x: tensor<3xf32>) -> tensor<4xf64> {
  // expected-error @+1 {{'bfly.pad' op element type must not change, got 'tensor<3xf32>' and 'tensor<4xf64>'}}
  %y = bfly.pad %x : tensor<3xf32> -> tensor<4xf64>
  bfly.return %y : tensor<4xf64>
}

// -----

bfly.transform @negative_pad_chain_length(%x: tensor<3xf32>) -> tensor<6xf32> {
  // expected-error @+1 {{'bfly.pad' op length must be a power of two from 2 to 1048576 (BFLY_MAX_N), got 6}}
  %y = bfly.pad %x : tensor<3xf32> -> tensor<6xf32>
  bfly.return %y : tensor<6xf32>
}

// -----

bfly.transform @negative_pad_inside(%x: tensor<4xf32>) -> tensor<8xf32> {
  %y = bfly.diag %x by dense<2.0> : tensor<4xf32> : tensor<4xf32>
  // expected-error @+1 {{'bfly.pad' op may only start a transform's chain}}
  %z = bfly.pad %y : tensor<4xf32> -> tensor<8xf32>
  bfly.return %z : tensor<8xf32>
}

// -----

bfly.transform @negative_truncate_inside(%x: tensor<8xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'bfly.truncate' op may only end a transform's chain}}
  %y = bfly.truncate %x : tensor<8xf32> -> tensor<4xf32>
  %z = bfly.diag %y by dense<2.0> : tensor<4xf32> : tensor<4xf32>
  bfly.return %z : tensor<4xf32>
}

// -----

bfly.transform @negative_complex_after_diag(%x: tensor<3xf32>) -> tensor<4xcomplex<f32>> {
  %y = bfly.pad %x : tensor<3xf32> -> tensor<4xf32>
  %z = bfly.diag %y by dense<2.0> : tensor<4xf32> : tensor<4xf32>
  // expected-error @+1 {{'bfly.complex' op may only start a transform's chain (after a bfly.pad)}}
  %w = bfly.complex %z : tensor<4xf32> -> tensor<4xcomplex<f32>>
  bfly.return %w : tensor<4xcomplex<f32>>
}

// -----

bfly.transform @negative_pack_length(%x: tensor<6xf32>) -> tensor<4xcomplex<f32>> {
  // expected-error @+1 {{'bfly.pack' op the real vector must hold the complex one's parts (twice its length, same precision), got 'tensor<6xf32>' and 'tensor<4xcomplex<f32>>'}}
  %y = bfly.pack %x : tensor<6xf32> -> tensor<4xcomplex<f32>>
  bfly.return %y : tensor<4xcomplex<f32>>
}

// -----

bfly.transform @negative_unpack_precision(%x: tensor<4xcomplex<f32>>) -> tensor<8xf64> {
  // expected-error @+1 {{'bfly.unpack' op the real vector must hold the complex one's parts (twice its length, same precision), got 'tensor<4xcomplex<f32>>' and 'tensor<8xf64>'}}
  %y = bfly.unpack %x : tensor<4xcomplex<f32>> -> tensor<8xf64>
  bfly.return %y : tensor<8xf64>
}

// -----

bfly.transform @negative_real_spectrum_length(%x: tensor<4xcomplex<f32>>) -> tensor<4xcomplex<f32>> {
  // expected-error @+1 {{'bfly.real_spectrum' op the half spectrum must have one more element than the packed vector, same type, got 'tensor<4xcomplex<f32>>' and 'tensor<4xcomplex<f32>>'}}
  %y = bfly.real_spectrum %x : tensor<4xcomplex<f32>> -> tensor<4xcomplex<f32>>
  bfly.return %y : tensor<4xcomplex<f32>>
}

// -----

bfly.transform @negative_pack_inside(%x: tensor<8xf32>) -> tensor<4xcomplex<f32>> {
  %y = bfly.diag %x by dense<2.0> : tensor<8xf32> : tensor<8xf32>
  // expected-error @+1 {{'bfly.pack' op may only start a transform's chain}}
  %z = bfly.pack %y : tensor<8xf32> -> tensor<4xcomplex<f32>>
  bfly.return %z : tensor<4xcomplex<f32>>
}

// -----

//===----------------------------------------------------------------------===//
// bfly.kernel, the lowered kernel's record
//===----------------------------------------------------------------------===//

/// Every field bfly-export-kernel reads is there, with its type.
// expected-error @+1 {{'llvm.func' op bfly.kernel needs a string 'provenance'}}
llvm.func @negative_kernel_record_without_provenance(%in: !llvm.ptr, %out: !llvm.ptr) attributes {bfly.kernel = {flops = 0 : i64, input = f32, n = 2 : i64, name = "k", nonzero_twiddles = 0 : i64, output = f32, output_n = 2 : i64}} {
  llvm.return
}

// -----

// expected-error @+1 {{'llvm.func' op bfly.kernel needs a non-negative i64 'n'}}
llvm.func @negative_kernel_record_n(%in: !llvm.ptr, %out: !llvm.ptr) attributes {bfly.kernel = {flops = 0 : i64, input = f32, n = -2 : i64, name = "k", nonzero_twiddles = 0 : i64, output = f32, output_n = 2 : i64, provenance = ""}} {
  llvm.return
}

// -----

// expected-error @+1 {{'llvm.func' op bfly.kernel needs a non-negative i64 'output_n'}}
llvm.func @negative_kernel_record_output_n(%in: !llvm.ptr, %out: !llvm.ptr) attributes {bfly.kernel = {flops = 0 : i64, input = f32, n = 2 : i64, name = "k", nonzero_twiddles = 0 : i64, output = f32, provenance = ""}} {
  llvm.return
}

// -----

// expected-error @+1 {{'llvm.func' op bfly.kernel needs an element type 'input' (f32, f64, complex<f32> or complex<f64>)}}
llvm.func @negative_kernel_record_type(%in: !llvm.ptr, %out: !llvm.ptr) attributes {bfly.kernel = {flops = 0 : i64, input = i8, n = 2 : i64, name = "k", nonzero_twiddles = 0 : i64, output = f32, output_n = 2 : i64, provenance = ""}} {
  llvm.return
}

// -----

/// The phase entries come together: a phase count without its function.
// expected-error @+1 {{'llvm.func' op bfly.kernel needs a symbol 'phase_function' with its 'phases'}}
llvm.func @negative_kernel_record_phases_alone(%in: !llvm.ptr, %out: !llvm.ptr) attributes {bfly.kernel = {flops = 0 : i64, input = f32, n = 2 : i64, name = "k", nonzero_twiddles = 0 : i64, output = f32, output_n = 2 : i64, phases = 2 : i64, provenance = ""}} {
  llvm.return
}

// -----

// expected-error @+1 {{'llvm.func' op bfly.kernel needs a positive i64 'phase_scratch_bytes' with its 'phase_function'}}
llvm.func @negative_kernel_record_phase_scratch(%in: !llvm.ptr, %out: !llvm.ptr) attributes {bfly.kernel = {flops = 0 : i64, input = f32, n = 2 : i64, name = "k", nonzero_twiddles = 0 : i64, output = f32, output_n = 2 : i64, phase_function = @f, phase_scratch_bytes = 0 : i64, phases = 2 : i64, provenance = ""}} {
  llvm.return
}

// -----

/// The phase function's second scratch buffer starts inside the scratch,
/// on the first's 64-byte alignment (0: both are one buffer); a record
/// without it, or with one past the end or between cache lines, would
/// make apply_phase write out of bounds or misaligned.
// expected-error @+1 {{'llvm.func' op bfly.kernel needs an i64 'phase_scratch_split', a multiple of 64 below 'phase_scratch_bytes'}}
llvm.func @kernel_record_without_split(%in: !llvm.ptr, %out: !llvm.ptr) attributes {bfly.kernel = {flops = 0 : i64, input = f32, n = 2 : i64, name = "k", nonzero_twiddles = 0 : i64, output = f32, output_n = 2 : i64, phase_function = @f, phase_scratch_bytes = 128 : i64, phases = 2 : i64, provenance = ""}} {
  llvm.return
}

// -----

// expected-error @+1 {{'llvm.func' op bfly.kernel needs an i64 'phase_scratch_split', a multiple of 64 below 'phase_scratch_bytes'}}
llvm.func @kernel_record_split_past_the_end(%in: !llvm.ptr, %out: !llvm.ptr) attributes {bfly.kernel = {flops = 0 : i64, input = f32, n = 2 : i64, name = "k", nonzero_twiddles = 0 : i64, output = f32, output_n = 2 : i64, phase_function = @f, phase_scratch_bytes = 128 : i64, phase_scratch_split = 128 : i64, phases = 2 : i64, provenance = ""}} {
  llvm.return
}

// -----

// expected-error @+1 {{'llvm.func' op bfly.kernel needs an i64 'phase_scratch_split', a multiple of 64 below 'phase_scratch_bytes'}}
llvm.func @kernel_record_split_off_a_line(%in: !llvm.ptr, %out: !llvm.ptr) attributes {bfly.kernel = {flops = 0 : i64, input = f32, n = 2 : i64, name = "k", nonzero_twiddles = 0 : i64, output = f32, output_n = 2 : i64, phase_function = @f, phase_scratch_bytes = 128 : i64, phase_scratch_split = 32 : i64, phases = 2 : i64, provenance = ""}} {
  llvm.return
}

// -----

// expected-error @+1 {{'llvm.func' op bfly.kernel must be a dictionary}}
llvm.func @negative_kernel_record_not_a_dictionary(%in: !llvm.ptr, %out: !llvm.ptr) attributes {bfly.kernel = 1 : i64} {
  llvm.return
}

// -----

//===----------------------------------------------------------------------===//
// bfly.gpu_launch, the GPU kernel's launch record
//===----------------------------------------------------------------------===//

/// The runtime launches ceil(batch / vectors_per_block) blocks of
/// block_threads threads: both positive, one dividing the other.
// expected-error @+1 {{'llvm.func' op bfly.gpu_launch needs a positive i64 'vectors_per_block'}}
llvm.func @negative_gpu_launch_without_vectors() attributes {bfly.gpu_launch = {block_threads = 128 : i64, shared_bytes = 0 : i64}} {
  llvm.return
}

// -----

// expected-error @+1 {{'llvm.func' op bfly.gpu_launch needs 'vectors_per_block' to divide 'block_threads'}}
llvm.func @negative_gpu_launch_indivisible() attributes {bfly.gpu_launch = {block_threads = 128 : i64, shared_bytes = 0 : i64, vectors_per_block = 3 : i64}} {
  llvm.return
}

// -----

// expected-error @+1 {{'llvm.func' op bfly.gpu_launch needs a non-negative i64 'shared_bytes'}}
llvm.func @negative_gpu_launch_shared(%in: !llvm.ptr) attributes {bfly.gpu_launch = {block_threads = 128 : i64, shared_bytes = -1 : i64, vectors_per_block = 1 : i64}} {
  llvm.return
}
