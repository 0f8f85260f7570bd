// Checked by convert-bfly-to-gpu-invalid.mlir's RUN lines, with
// max-shared-bytes=32: blocks of 8 f32 numbers, so n = 16 takes passes.

/// Passes over tiles take a permutation only before the first stage.
// expected-error @+1 {{'bfly.transform' op cannot run on the GPU: n = 16 needs several passes (one block holds 8 elements); a permutation after the first stage cannot be split across them yet}}
bfly.transform @permutation_between_passes(%x: tensor<16xf32>) -> tensor<16xf32> {
  %a = bfly.stage %x stride 1 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]]]>
      : tensor<1x2x2xf32> : tensor<16xf32>
  %p = bfly.permute %a bit_reverse : tensor<16xf32>
  %b = bfly.stage %p stride 8 twiddles dense<1.0> : tensor<8x2x2xf32> : tensor<16xf32>
  bfly.return %b : tensor<16xf32>
}

// -----

/// The passes keep the chain's values in the output buffer: a complex
/// chain needs a complex output.
// expected-error @+1 {{'bfly.transform' op cannot run on the GPU: n = 16 needs several passes (one block holds 4 elements), which keep the chain's complex values in the output buffer: a real output cannot hold them}}
bfly.transform @real_output_of_passes(%x: tensor<16xf32>) -> tensor<16xf32> {
  %c = bfly.complex %x : tensor<16xf32> -> tensor<16xcomplex<f32>>
  %a = bfly.stage %c stride 1 twiddles dense<(1.0, 0.0)> : tensor<1x2x2xcomplex<f32>> : tensor<16xcomplex<f32>>
  %d = bfly.stage %a stride 4 twiddles dense<(1.0, 0.0)> : tensor<4x2x2xcomplex<f32>> : tensor<16xcomplex<f32>>
  %b = bfly.stage %d stride 8 twiddles dense<(1.0, 0.0)> : tensor<8x2x2xcomplex<f32>> : tensor<16xcomplex<f32>>
  %r = bfly.real %b : tensor<16xcomplex<f32>> -> tensor<16xf32>
  bfly.return %r : tensor<16xf32>
}

// -----

/// A leading permutation is a gather of the first pass: fine.
bfly.transform @permutation_first(%x: tensor<16xf32>) -> tensor<16xf32> {
  %p = bfly.permute %x bit_reverse : tensor<16xf32>
  %a = bfly.stage %p stride 1 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]]]>
      : tensor<1x2x2xf32> : tensor<16xf32>
  %b = bfly.stage %a stride 8 twiddles dense<1.0> : tensor<8x2x2xf32> : tensor<16xf32>
  bfly.return %b : tensor<16xf32>
}
