// RUN: bfly-opt %s --split-input-file --convert-bfly-to-gpu --verify-diagnostics
// RUN: not bfly-opt %s --convert-bfly-to-gpu="vectors-per-block=48" 2>&1 | FileCheck %s --check-prefix=VECTORS
// RUN: not bfly-opt %s --split-input-file --convert-bfly-to-gpu="vectors-per-block=1024" 2>&1 | FileCheck %s --check-prefix=THREADS
// RUN: bfly-opt %S/Inputs/gpu-passes-invalid.mlir --split-input-file --convert-bfly-to-gpu="max-shared-bytes=32" --verify-diagnostics

/// Fine as planned (32 threads per vector), but not 1024 vectors of them
/// in one block.
bfly.transform @too_many_threads(%x: tensor<64xf32>) -> tensor<64xf32> {
  %y = bfly.stage %x stride 1 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]]]>
      : tensor<1x2x2xf32> : tensor<64xf32>
  bfly.return %y : tensor<64xf32>
}

// VECTORS: convert-bfly-to-gpu: vectors-per-block must be 0 (chosen) or a power of two up to 1024, got 48
// THREADS: 'bfly.transform' op cannot run on the GPU: 1024 vectors of 32 threads make a block of more than 1024 threads

// -----

/// Edges are CPU-only for now: refused with the reason, not miscompiled.
bfly.transform @real_input_dft(%x: tensor<8xf32>) -> tensor<5xcomplex<f32>> {
  // expected-error @+1 {{'bfly.pack' op cannot run on the GPU yet: the GPU lowering takes chains whose input and output have the chain's length; compile this model for the CPU}}
  %z = bfly.pack %x : tensor<8xf32> -> tensor<4xcomplex<f32>>
  %y = bfly.real_spectrum %z : tensor<4xcomplex<f32>> -> tensor<5xcomplex<f32>>
  bfly.return %y : tensor<5xcomplex<f32>>
}
