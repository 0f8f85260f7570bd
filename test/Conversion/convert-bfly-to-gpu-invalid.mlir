// RUN: bfly-opt %s --split-input-file --convert-bfly-to-gpu --verify-diagnostics
// RUN: not bfly-opt %s --convert-bfly-to-gpu="vectors-per-block=48" 2>&1 | FileCheck %s --check-prefix=VECTORS
// RUN: not bfly-opt %s --split-input-file --convert-bfly-to-gpu="vectors-per-block=1024" 2>&1 | FileCheck %s --check-prefix=THREADS

/// A vector whose shared memory exceeds what a block may use is refused,
/// with the sizes.
// expected-error @+1 {{'bfly.transform' op cannot run on one GPU block: one vector needs 256 KiB of shared memory, more than the 96 KiB a block may use (max-shared-bytes)}}
bfly.transform @too_big(%x: tensor<16384xcomplex<f64>>) -> tensor<16384xcomplex<f64>> {
  %y = bfly.stage %x stride 1 twiddles dense<[[[(1.0, 0.0), (1.0, 0.0)], [(1.0, 0.0), (-1.0, 0.0)]]]>
      : tensor<1x2x2xcomplex<f64>> : tensor<16384xcomplex<f64>>
  bfly.return %y : tensor<16384xcomplex<f64>>
}

// -----

/// Fine as planned (32 threads per vector), but not 1024 vectors of them
/// in one block.
bfly.transform @too_many_threads(%x: tensor<64xf32>) -> tensor<64xf32> {
  %y = bfly.stage %x stride 1 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]]]>
      : tensor<1x2x2xf32> : tensor<64xf32>
  bfly.return %y : tensor<64xf32>
}

// VECTORS: convert-bfly-to-gpu: vectors-per-block must be 0 (chosen) or a power of two up to 1024, got 48
// THREADS: 'bfly.transform' op cannot run on one GPU block: 1024 vectors of 32 threads make a block of more than 1024 threads
